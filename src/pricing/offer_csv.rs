//! AWS Price List Bulk API offer files in CSV, and Query API `GetProducts` items.
//!
//! CSV offers (`index.csv`) start with five metadata rows (`FormatVersion`, `Disclaimer`,
//! `Publication Date`, `Version`, `OfferCode`), then a header of display names ("Instance
//! Type", "Pre Installed S/W") and one row per price dimension with the product's attributes
//! repeated. Rows are read one at a time (the csv crate over a `Read`), filtered as they come,
//! and grouped by SKU, so memory holds only what is kept. Column names are turned into the JSON
//! attribute names queries use ([`attribute_name`]), so a CSV import and a JSON import of the
//! same offer answer the same queries.
//!
//! `GetProducts` returns each product as a JSON document (`product`, `serviceCode`, `terms`);
//! its terms are keyed `SKU.TERMCODE` with no per-SKU level, unlike offer files.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};

use super::offer::{KeepFilter, Offer, RawProduct, RawTerm, term_dimensions};
use super::{Dimension, Product, Term, parse_price, parse_range};

/// The JSON attribute name of a CSV column: `Instance Type` → `instanceType`, `Pre Installed
/// S/W` → `preInstalledSw`, `Max IOPS/volume` → `maxIopsvolume`, `Instance Capacity - 10xlarge`
/// → `instanceCapacity10xlarge`; single-word columns are lower-cased whole (`usageType` →
/// `usagetype`, `CapacityStatus` → `capacitystatus`, `vCPU` → `vcpu`), as AWS's JSON names them.
pub fn attribute_name(column: &str) -> String {
    let words: Vec<&str> = column.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        let clean: String = word
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if i == 0 {
            out.push_str(&clean);
        } else {
            let mut chars = clean.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

/// Columns about the price, not the product.
const PRICE_COLUMNS: &[&str] = &[
    "SKU",
    "OfferTermCode",
    "RateCode",
    "TermType",
    "PriceDescription",
    "EffectiveDate",
    "StartingRange",
    "EndingRange",
    "Unit",
    "PricePerUnit",
    "Currency",
    "RelatedTo",
    "LeaseContractLength",
    "PurchaseOption",
    "OfferingClass",
    "Product Family",
];

/// Whether the start of a file looks like a CSV offer (after an optional BOM).
pub fn is_csv_offer(head: &str) -> bool {
    let head = head.trim_start_matches('\u{feff}');
    head.starts_with("\"FormatVersion\"") || head.starts_with("FormatVersion,")
}

/// Reads a CSV offer (plain or gzipped). Errors name the line, never quote the input.
pub fn read_csv_offer(
    reader: impl Read,
    region_hint: Option<&str>,
    keep: KeepFilter<'_>,
) -> Result<Offer, String> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let is_gzip = buffered
        .fill_buf()
        .map_err(|e| e.to_string())?
        .starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn Read> = if is_gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    // The csv crate keeps a BOM in the first field; skip it here.
    let mut first = [0u8; 3];
    let n = read_up_to(&mut reader, &mut first).map_err(|e| e.to_string())?;
    let prefix: Vec<u8> = if first[..n] == [0xef, 0xbb, 0xbf] {
        Vec::new()
    } else {
        first[..n].to_vec()
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(std::io::Cursor::new(prefix).chain(reader));
    let line_error = |record: &csv::StringRecord, what: &str| {
        let line = record.position().map_or(0, |p| p.line());
        format!("line {line}: {what}")
    };

    let mut offer = Offer::default();
    let mut record = csv::StringRecord::new();
    // Metadata rows up to the header (the row starting with SKU).
    let header = loop {
        if !csv.read_record(&mut record).map_err(csv_error)? {
            return Err("no header row (SKU, ...) found".into());
        }
        match record.get(0).unwrap_or("") {
            "SKU" => break record.clone(),
            "OfferCode" => offer.offer_code = record.get(1).unwrap_or("").to_string(),
            "Version" => offer.version = record.get(1).unwrap_or("").to_string(),
            "Publication Date" => offer.publication_date = record.get(1).unwrap_or("").to_string(),
            _ => {}
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let c_sku = col("SKU").ok_or("no SKU column")?;
    let c_unit = col("Unit").ok_or("no Unit column")?;
    let c_price = col("PricePerUnit").ok_or("no PricePerUnit column")?;
    let c_currency = col("Currency");
    let c_term = col("TermType").ok_or("no TermType column")?;
    let c_rate = col("RateCode");
    let c_effective = col("EffectiveDate");
    let c_begin = col("StartingRange");
    let c_end = col("EndingRange");
    let c_lease = col("LeaseContractLength");
    let c_option = col("PurchaseOption");
    let c_class = col("OfferingClass");
    let c_family = col("Product Family");
    let attribute_columns: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| !PRICE_COLUMNS.contains(h))
        .map(|(i, h)| (i, attribute_name(h)))
        .collect();

    let mut kept: HashMap<String, usize> = HashMap::new();
    // Rows of a SKU mostly come together; the last decision is reused for them.
    let mut last: Option<(String, bool)> = None;
    while csv.read_record(&mut record).map_err(csv_error)? {
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let sku = record.get(c_sku).unwrap_or("");
        if sku.is_empty() {
            continue;
        }
        let decided = match &last {
            Some((s, keep)) if s == sku => Some(*keep),
            _ => kept.contains_key(sku).then_some(true),
        };
        let keep_row = match decided {
            Some(k) => k,
            None => {
                let attributes: BTreeMap<String, String> = attribute_columns
                    .iter()
                    .filter_map(|(i, name)| {
                        let v = record.get(*i)?;
                        (!v.is_empty()).then(|| (name.clone(), v.to_string()))
                    })
                    .collect();
                let family = Some(get(c_family)).filter(|f| !f.is_empty());
                let mut state = SkuFilter {
                    offer: &mut offer,
                    kept: &mut kept,
                    keep,
                    region_hint,
                };
                state.add(RawProduct {
                    sku: sku.to_string(),
                    product_family: family.map(str::to_string),
                    attributes,
                })
            }
        };
        last = Some((sku.to_string(), keep_row));
        if !keep_row {
            continue;
        }
        let term = match get(Some(c_term)) {
            "OnDemand" => Term::OnDemand,
            "Reserved" => Term::reserved(get(c_lease), get(c_class), get(c_option)),
            _ => continue,
        };
        let currency = get(c_currency);
        if !(currency.is_empty() || currency == "USD" || currency == "CNY") {
            continue;
        }
        let price = parse_price(get(Some(c_price)))
            .ok_or_else(|| line_error(&record, "PricePerUnit is not a decimal number"))?;
        let begin = match get(c_begin) {
            "" => Default::default(),
            b => parse_range(b)
                .flatten()
                .ok_or_else(|| line_error(&record, "StartingRange is not a number"))?,
        };
        let end = match get(c_end) {
            "" => None,
            e => parse_range(e)
                .ok_or_else(|| line_error(&record, "EndingRange is not a number or Inf"))?,
        };
        let dimension = Dimension {
            unit: get(Some(c_unit)).to_string(),
            price_per_unit: price,
            begin_range: begin,
            end_range: end,
            rate_code: Some(get(c_rate))
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            effective_date: Some(get(c_effective))
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            term,
        };
        if let Some(&i) = kept.get(sku) {
            offer.products[i].1.dimensions.push(dimension);
        }
    }
    Ok(offer)
}

fn csv_error(e: csv::Error) -> String {
    match e.position() {
        Some(p) => format!("line {}: not valid CSV", p.line()),
        None => "not valid CSV".into(),
    }
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The product filter of offer files, shared by the CSV and `GetProducts` readers.
struct SkuFilter<'a, 'f> {
    offer: &'a mut Offer,
    kept: &'a mut HashMap<String, usize>,
    keep: KeepFilter<'f>,
    region_hint: Option<&'a str>,
}

impl SkuFilter<'_, '_> {
    /// Counts the product and files it if kept; returns whether it was kept.
    fn add(&mut self, raw: RawProduct) -> bool {
        self.offer.products_seen += 1;
        let service = raw.attributes.get("servicecode").map(String::as_str);
        if !self.offer.offer_code.is_empty() && service.is_some_and(|s| s != self.offer.offer_code)
        {
            return false;
        }
        let service = service.unwrap_or(&self.offer.offer_code).to_string();
        if !(self.keep)(&service, raw.product_family.as_deref(), &raw.attributes) {
            return false;
        }
        let region = raw
            .attributes
            .get("regionCode")
            .cloned()
            .or_else(|| {
                raw.attributes
                    .get("location")
                    .and_then(|l| region_of_location(l))
                    .map(str::to_string)
            })
            .or_else(|| self.region_hint.map(str::to_string))
            .unwrap_or_else(|| "global".to_string());
        self.kept.insert(raw.sku.clone(), self.offer.products.len());
        self.offer.products.push((
            region,
            Product {
                sku: Some(raw.sku),
                product_family: raw.product_family,
                attributes: raw.attributes.into_iter().collect(),
                dimensions: Vec::new(),
                source: 0,
            },
        ));
        true
    }
}

/// Region codes of AWS's location names, for rows that carry no `regionCode` (older files and
/// `GetProducts` items).
pub fn region_of_location(location: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("US East (N. Virginia)", "us-east-1"),
        ("US East (Ohio)", "us-east-2"),
        ("US West (N. California)", "us-west-1"),
        ("US West (Oregon)", "us-west-2"),
        ("AWS GovCloud (US-East)", "us-gov-east-1"),
        ("AWS GovCloud (US-West)", "us-gov-west-1"),
        ("AWS GovCloud (US)", "us-gov-west-1"),
        ("Canada (Central)", "ca-central-1"),
        ("Canada West (Calgary)", "ca-west-1"),
        ("South America (Sao Paulo)", "sa-east-1"),
        ("EU (Ireland)", "eu-west-1"),
        ("Europe (Ireland)", "eu-west-1"),
        ("EU (London)", "eu-west-2"),
        ("Europe (London)", "eu-west-2"),
        ("EU (Paris)", "eu-west-3"),
        ("Europe (Paris)", "eu-west-3"),
        ("EU (Frankfurt)", "eu-central-1"),
        ("Europe (Frankfurt)", "eu-central-1"),
        ("EU (Zurich)", "eu-central-2"),
        ("Europe (Zurich)", "eu-central-2"),
        ("EU (Stockholm)", "eu-north-1"),
        ("Europe (Stockholm)", "eu-north-1"),
        ("EU (Milan)", "eu-south-1"),
        ("Europe (Milan)", "eu-south-1"),
        ("EU (Spain)", "eu-south-2"),
        ("Europe (Spain)", "eu-south-2"),
        ("Asia Pacific (Tokyo)", "ap-northeast-1"),
        ("Asia Pacific (Seoul)", "ap-northeast-2"),
        ("Asia Pacific (Osaka)", "ap-northeast-3"),
        ("Asia Pacific (Singapore)", "ap-southeast-1"),
        ("Asia Pacific (Sydney)", "ap-southeast-2"),
        ("Asia Pacific (Jakarta)", "ap-southeast-3"),
        ("Asia Pacific (Melbourne)", "ap-southeast-4"),
        ("Asia Pacific (Mumbai)", "ap-south-1"),
        ("Asia Pacific (Hyderabad)", "ap-south-2"),
        ("Asia Pacific (Hong Kong)", "ap-east-1"),
        ("Asia Pacific (Taipei)", "ap-east-2"),
        ("Middle East (Bahrain)", "me-south-1"),
        ("Middle East (UAE)", "me-central-1"),
        ("Israel (Tel Aviv)", "il-central-1"),
        ("Africa (Cape Town)", "af-south-1"),
    ];
    TABLE.iter().find(|(l, _)| *l == location).map(|(_, r)| *r)
}

/// Reads Query API `GetProducts` output: one item, an array of items, or a whole response
/// (`{"PriceList": [...]}`, whose items are JSON documents in strings).
pub fn read_get_products(bytes: &[u8], keep: KeepFilter<'_>) -> Result<Offer, String> {
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "not GetProducts output: {}",
            crate::jsonscan::data_error(&e)
        )
    })?;
    let items: Vec<serde_json::Value> = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(ref map) if map.contains_key("PriceList") => {
            let list = map["PriceList"].as_array().cloned().unwrap_or_default();
            list.into_iter()
                .map(|item| match item {
                    serde_json::Value::String(text) => serde_json::from_str(&text).map_err(|e| {
                        format!("a PriceList item: {}", crate::jsonscan::data_error(&e))
                    }),
                    other => Ok(other),
                })
                .collect::<Result<_, _>>()?
        }
        other => vec![other],
    };
    #[derive(serde::Deserialize)]
    struct Item {
        product: RawProduct,
        #[serde(rename = "serviceCode")]
        service_code: String,
        #[serde(default)]
        terms: BTreeMap<String, BTreeMap<String, RawTerm>>,
        #[serde(default)]
        version: String,
        #[serde(rename = "publicationDate", default)]
        publication_date: String,
    }
    let mut offer = Offer::default();
    let mut kept = HashMap::new();
    for (n, item) in items.into_iter().enumerate() {
        let item: Item = serde_json::from_value(item)
            .map_err(|e| format!("item {}: {}", n + 1, crate::jsonscan::data_error(&e)))?;
        if offer.offer_code.is_empty() {
            offer.offer_code = item.service_code.clone();
            offer.version = item.version.clone();
            offer.publication_date = item.publication_date.clone();
        } else if offer.offer_code != item.service_code {
            return Err(format!(
                "item {} is of {}, not {}: import one service per file",
                n + 1,
                item.service_code,
                offer.offer_code
            ));
        }
        let sku = item.product.sku.clone();
        let mut filter = SkuFilter {
            offer: &mut offer,
            kept: &mut kept,
            keep,
            region_hint: None,
        };
        if !filter.add(item.product) {
            continue;
        }
        let i = kept[&sku];
        for (term_type, terms) in item.terms {
            let reserved = match term_type.as_str() {
                "OnDemand" => false,
                "Reserved" => true,
                _ => continue,
            };
            let dims =
                term_dimensions(terms, reserved).map_err(|e| format!("item {}: {e}", n + 1))?;
            offer.products[i].1.dimensions.extend(dims);
        }
    }
    Ok(offer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_become_json_attribute_names() {
        for (column, json) in [
            ("Instance Type", "instanceType"),
            ("Pre Installed S/W", "preInstalledSw"),
            ("usageType", "usagetype"),
            ("serviceCode", "servicecode"),
            ("CapacityStatus", "capacitystatus"),
            ("vCPU", "vcpu"),
            ("EBS Optimized", "ebsOptimized"),
            ("Volume API Name", "volumeApiName"),
            ("Max IOPS/volume", "maxIopsvolume"),
            ("Instance Capacity - 10xlarge", "instanceCapacity10xlarge"),
            ("Intel AVX2 Available", "intelAvx2Available"),
            ("Region Code", "regionCode"),
            ("Location Type", "locationType"),
            ("instanceSKU", "instancesku"),
        ] {
            assert_eq!(attribute_name(column), json, "{column}");
        }
    }

    #[test]
    fn csv_rows_are_grouped_by_sku_with_reserved_terms() {
        let csv = "\u{feff}\"FormatVersion\",\"v1.0\"\n\"Disclaimer\",\"x\"\n\"Publication Date\",\"2025-09-12T22:53:08Z\"\n\"Version\",\"20250912225308\"\n\"OfferCode\",\"AmazonEC2\"\n\
\"SKU\",\"OfferTermCode\",\"RateCode\",\"TermType\",\"PriceDescription\",\"EffectiveDate\",\"StartingRange\",\"EndingRange\",\"Unit\",\"PricePerUnit\",\"Currency\",\"LeaseContractLength\",\"PurchaseOption\",\"OfferingClass\",\"Product Family\",\"serviceCode\",\"Instance Type\",\"Pre Installed S/W\",\"Region Code\"\n\
\"AAA\",\"JRTCKXETXF\",\"AAA.JRTCKXETXF.6YS6EN2CT7\",\"OnDemand\",\"d\",\"2025-09-01\",\"0\",\"Inf\",\"Hrs\",\"0.0960000000\",\"USD\",,,,\"Compute Instance\",\"AmazonEC2\",\"m5.large\",\"NA\",\"us-east-1\"\n\
\"AAA\",\"38NPMPTW36\",\"AAA.38NPMPTW36.2TG2D8R56U\",\"Reserved\",\"Upfront Fee\",\"2025-09-12\",,,\"Quantity\",\"2750\",\"USD\",\"3yr\",\"Partial Upfront\",\"standard\",\"Compute Instance\",\"AmazonEC2\",\"m5.large\",\"NA\",\"us-east-1\"\n";
        let offer = read_csv_offer(csv.as_bytes(), None, &|_, _, _| true).unwrap();
        assert_eq!(offer.offer_code, "AmazonEC2");
        assert_eq!(offer.version, "20250912225308");
        assert_eq!(offer.products.len(), 1);
        let (region, p) = &offer.products[0];
        assert_eq!(region, "us-east-1");
        assert_eq!(p.attribute("preInstalledSw"), Some("NA"));
        assert_eq!(p.dimensions.len(), 2);
        assert_eq!(p.dimensions[0].term, Term::OnDemand);
        assert_eq!(p.dimensions[1].unit, "Quantity");
        assert_eq!(
            p.dimensions[1].term,
            Term::reserved("3yr", "standard", "Partial Upfront")
        );
    }
}
