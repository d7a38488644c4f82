//! Readers for price tables that are not AWS offer files, used to reconstruct prices where no
//! real offer file is available (us-east-1 for most services).
//!
//! - The list-price table (`us-east-1-list-prices.csv`): one price per row with AWS's attribute
//!   names, a unit, a tier range, the SKU where known and the evidence. Rows of one product (the
//!   same service, family, attributes and unit) are its tiers.
//! - Karpenter's generated EC2 on-demand table: Linux, Shared tenancy, no pre-installed
//!   software, per instance type and region, from the AWS Pricing API.
//!
//! Both are labelled as reconstructed in their source, so every report line that uses them says
//! so.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Dimension, Product, Source, Term, parse_price, parse_range};

/// A product with the service and region it is filed under.
pub type Row = (String, String, Product);

/// Products of one table, grouped by the source they are attributed to.
pub struct Table {
    pub sources: Vec<(Source, Vec<Row>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("line {line}: {message}")]
    Row { line: u64, message: String },
    #[error("{0}")]
    Format(String),
}

/// Reads the list-price CSV. `region` is the region every row prices; `file` names the file in
/// the sources.
pub fn read_list_price_csv(
    bytes: &[u8],
    region: &str,
    file: &str,
    version: &str,
) -> Result<Table, TableError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| TableError::Format(e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| TableError::Format(format!("no column {name:?}")))
    };
    let (c_offer, c_family, c_attrs, c_unit, c_usd, c_begin, c_end, c_sku, c_conf) = (
        col("offer_code")?,
        col("product_family")?,
        col("attributes")?,
        col("unit")?,
        col("usd")?,
        col("begin_range")?,
        col("end_range")?,
        col("sku")?,
        col("confidence")?,
    );

    // Verified and recalled rows are two sources, so a report can tell them apart. The tiers of
    // one product stay one product: a product with any recalled tier is attributed to the
    // recalled source as a whole (a report then never overstates a price's confidence).
    let mut products: BTreeMap<ProductKey, (Product, &'static str)> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| TableError::Format(e.to_string()))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let err = |message: String| TableError::Row { line, message };
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let usd = field(c_usd);
        // The EC2 instance row points at the Karpenter table instead of holding a price.
        let Some(price) = parse_price(usd) else {
            if usd.starts_with("see ") {
                continue;
            }
            return Err(err(format!("price {usd:?} is not a decimal number")));
        };
        let begin = parse_range(field(c_begin))
            .flatten()
            .ok_or_else(|| err("begin_range is not a number".into()))?;
        let end =
            parse_range(field(c_end)).ok_or_else(|| err("end_range is not a number".into()))?;
        let mut attributes = BTreeMap::new();
        for pair in field(c_attrs).split(';').filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| err(format!("attribute {pair:?} is not name=value")))?;
            attributes.insert(k.to_string(), v.to_string());
        }
        let offer = field(c_offer).to_string();
        attributes.insert("servicecode".into(), offer.clone());
        attributes.insert("regionCode".into(), region.to_string());
        let confidence = match field(c_conf) {
            c if c.starts_with("verified") => "verified",
            _ => "recalled",
        };
        let key = ProductKey {
            service: offer,
            family: field(c_family).to_string(),
            unit: field(c_unit).to_string(),
            attributes: attributes.clone().into_iter().collect(),
        };
        let sku = Some(field(c_sku).to_string()).filter(|s| !s.is_empty());
        let (product, product_confidence) = products.entry(key.clone()).or_insert_with(|| {
            (
                Product {
                    sku: sku.clone(),
                    product_family: Some(key.family.clone()).filter(|f| !f.is_empty()),
                    attributes: key.attributes.clone(),
                    dimensions: Vec::new(),
                    source: 0,
                },
                confidence,
            )
        });
        if confidence == "recalled" {
            *product_confidence = "recalled";
        }
        if product.sku.is_none() {
            product.sku = sku;
        }
        product.dimensions.push(Dimension {
            unit: key.unit.clone(),
            price_per_unit: price,
            begin_range: begin,
            end_range: end,
            rate_code: None,
            effective_date: None,
            term: Term::OnDemand,
        });
    }

    let mut by_source: BTreeMap<(String, &str), Vec<(ProductKey, Product)>> = BTreeMap::new();
    for (key, (product, confidence)) in products {
        by_source
            .entry((key.service.clone(), confidence))
            .or_default()
            .push((key, product));
    }
    let mut sources = Vec::new();
    for ((service, confidence), products) in by_source {
        let kind = if confidence == "verified" {
            "reconstructed list price (checked against two or more public sources)"
        } else {
            "reconstructed list price (recalled, not re-checked against a second source)"
        };
        let rows = products
            .into_iter()
            .map(|(key, mut p)| {
                p.dimensions.sort_by_key(|d| d.begin_range);
                (key.service, region.to_string(), p)
            })
            .collect();
        sources.push((
            Source {
                service,
                region: region.to_string(),
                version: version.to_string(),
                publication_date: version.to_string(),
                kind: kind.to_string(),
                file: file.to_string(),
            },
            rows,
        ));
    }
    Ok(Table { sources })
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ProductKey {
    service: String,
    family: String,
    unit: String,
    attributes: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct KarpenterTable {
    source: KarpenterSource,
    regions: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct KarpenterSource {
    repo: String,
    commit: String,
    generated_at: String,
}

/// True when the JSON looks like Karpenter's EC2 table (checked before parsing it as one).
pub fn is_karpenter_table(value: &serde_json::Value) -> bool {
    value.get("regions").is_some_and(|r| r.is_object())
        && value
            .pointer("/source/repo")
            .and_then(|r| r.as_str())
            .is_some_and(|r| r.contains("karpenter"))
}

/// Reads Karpenter's EC2 on-demand table. Only USD regions are read (`regions`); the CNY table
/// of cn-north-1 is left out because every price in a report is in USD.
pub fn read_karpenter_table(bytes: &[u8], file: &str) -> Result<Table, serde_json::Error> {
    let table: KarpenterTable = serde_json::from_slice(bytes)?;
    let date = table
        .source
        .generated_at
        .get(..10)
        .unwrap_or("")
        .to_string();
    let mut sources = Vec::new();
    for (region, prices) in table.regions {
        let mut rows = Vec::new();
        for (instance_type, usd) in prices {
            let Some(price) = parse_price(&usd) else {
                return Err(serde::de::Error::custom(format!(
                    "price of {instance_type} in {region} is not a decimal number"
                )));
            };
            // Karpenter reads bare-metal types from their own family with Dedicated tenancy.
            let metal = instance_type.contains(".metal");
            let attributes = [
                ("capacitystatus", "Used"),
                ("instanceType", instance_type.as_str()),
                ("licenseModel", "No License required"),
                ("operatingSystem", "Linux"),
                ("preInstalledSw", "NA"),
                ("regionCode", region.as_str()),
                ("servicecode", "AmazonEC2"),
                ("tenancy", if metal { "Dedicated" } else { "Shared" }),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            rows.push((
                "AmazonEC2".to_string(),
                region.clone(),
                Product {
                    sku: None,
                    product_family: Some(
                        if metal {
                            "Compute Instance (bare metal)"
                        } else {
                            "Compute Instance"
                        }
                        .into(),
                    ),
                    attributes,
                    dimensions: vec![Dimension {
                        unit: "Hrs".into(),
                        price_per_unit: price,
                        begin_range: Default::default(),
                        end_range: None,
                        rate_code: None,
                        effective_date: Some(table.source.generated_at.clone()),
                        term: Term::OnDemand,
                    }],
                    source: 0,
                },
            ));
        }
        sources.push((
            Source {
                service: "AmazonEC2".into(),
                region,
                version: date.clone(),
                publication_date: table.source.generated_at.clone(),
                kind: format!(
                    "reconstructed from Karpenter's generated on-demand table ({} @ {})",
                    table.source.repo,
                    table
                        .source
                        .commit
                        .get(..12)
                        .unwrap_or(&table.source.commit)
                ),
                file: file.to_string(),
            },
            rows,
        ));
    }
    Ok(Table { sources })
}
