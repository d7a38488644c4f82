//! Streaming reader for AWS Price List Bulk API offer files in JSON.
//!
//! EC2's regional offer file is 65 MB here and several hundred MB for big regions, so the file is
//! never held in memory: the scanner (`jsonscan`) walks `products` one entry at a time and keeps
//! only those the caller's filter wants, then walks `terms` and parses the price dimensions of
//! kept SKUs only; every other SKU's terms are skipped without being parsed.
//! AWS writes `products` before `terms`; a file that does it the other way round is still read
//! correctly, at the cost of holding its terms until the products arrive.
//!
//! Quirks handled: gzip (detected by magic bytes), a UTF-8 byte-order mark, Reserved terms (lease,
//! class and purchase option kept per dimension, the upfront fee as its own `Quantity`
//! dimension), `beginRange`/`endRange` with `"Inf"`,
//! products without `productFamily`, products of other services embedded in an offer (kept out
//! by `servicecode`), prices as decimal strings.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;

use super::{Dimension, Product, Term, parse_price, parse_range};
use crate::jsonscan::{ScanError, Scanner};

/// Decides which products of an offer are kept: (service, family, attributes) → keep?
pub type KeepFilter<'f> = &'f dyn Fn(&str, Option<&str>, &BTreeMap<String, String>) -> bool;

/// What one offer file holds after filtering.
#[derive(Debug, Default)]
pub struct Offer {
    pub offer_code: String,
    pub version: String,
    pub publication_date: String,
    /// (region, product). The region is the product's `regionCode`, else `region_hint`.
    pub products: Vec<(String, Product)>,
    /// Products read, before filtering (kept or not), for `prices info` and tests.
    pub products_seen: usize,
}

/// Reads an offer file (plain or gzipped JSON, with or without a byte-order mark).
///
/// `region_hint` names the region of products that carry no `regionCode` (a regional file's
/// inter-region rows); `None` files them under `global`.
pub fn read_offer(
    reader: impl Read,
    region_hint: Option<&str>,
    keep: KeepFilter<'_>,
) -> Result<Offer, ScanError> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let is_gzip = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read> = if is_gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let mut scanner = Scanner::new(reader);
    let mut state = State {
        keep,
        region_hint,
        offer: Offer::default(),
        kept: HashMap::new(),
        pending_terms: HashMap::new(),
    };
    scanner.skip_bom()?;
    scanner.begin_object()?;
    let mut first = true;
    let mut saw_products = false;
    while let Some(key) = scanner.next_key(&mut first)? {
        match key.as_str() {
            "offerCode" => state.offer.offer_code = scanner.read_value()?,
            "version" => state.offer.version = scanner.read_value()?,
            "publicationDate" => state.offer.publication_date = scanner.read_value()?,
            "products" => {
                saw_products = true;
                state.read_products(&mut scanner)?;
            }
            "terms" => state.read_terms(&mut scanner)?,
            _ => scanner.skip_value()?,
        }
    }
    if scanner.peek()?.is_some() {
        return Err(ScanError::Syntax {
            offset: scanner.offset(),
            expected: "nothing after the offer",
        });
    }
    if !saw_products {
        return Err(ScanError::Data {
            offset: 0,
            what: "no products".into(),
        });
    }
    state.finish();
    Ok(state.offer)
}

struct State<'f> {
    keep: KeepFilter<'f>,
    region_hint: Option<&'f str>,
    offer: Offer,
    /// SKU → index into offer.products.
    kept: HashMap<String, usize>,
    /// Terms read before their products (not AWS's order, but valid JSON).
    pending_terms: HashMap<String, Vec<Dimension>>,
}

impl State<'_> {
    fn finish(&mut self) {
        for (sku, dims) in std::mem::take(&mut self.pending_terms) {
            if let Some(&i) = self.kept.get(&sku) {
                self.offer.products[i].1.dimensions.extend(dims);
            }
        }
        for (_, product) in &mut self.offer.products {
            product.dimensions.sort_by(|a, b| {
                (&a.term_key(), &a.unit, a.begin_range).cmp(&(
                    &b.term_key(),
                    &b.unit,
                    b.begin_range,
                ))
            });
        }
    }

    fn read_products<R: Read>(&mut self, scanner: &mut Scanner<R>) -> Result<(), ScanError> {
        scanner.begin_object()?;
        let mut first = true;
        while scanner.next_key(&mut first)?.is_some() {
            let raw: RawProduct = scanner.read_value()?;
            self.add_product(raw);
        }
        Ok(())
    }

    /// Files one product, if the filter keeps it.
    fn add_product(&mut self, raw: RawProduct) {
        self.offer.products_seen += 1;
        // Offers embed other services' products (Redshift carries AWSDataTransfer rows);
        // they belong to their own offer, where the same SKU is priced again.
        let service = raw.attributes.get("servicecode").map(String::as_str);
        if !self.offer.offer_code.is_empty() && service.is_some_and(|s| s != self.offer.offer_code)
        {
            return;
        }
        let service = service.unwrap_or(&self.offer.offer_code).to_string();
        if !(self.keep)(&service, raw.product_family.as_deref(), &raw.attributes) {
            return;
        }
        // Files before 2020 have no regionCode; their location names the region.
        let region = raw
            .attributes
            .get("regionCode")
            .cloned()
            .or_else(|| {
                raw.attributes
                    .get("location")
                    .and_then(|l| super::offer_csv::region_of_location(l))
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
    }

    fn read_terms<R: Read>(&mut self, scanner: &mut Scanner<R>) -> Result<(), ScanError> {
        scanner.begin_object()?;
        let mut first = true;
        while let Some(term_type) = scanner.next_key(&mut first)? {
            let reserved = match term_type.as_str() {
                "OnDemand" => false,
                "Reserved" => true,
                _ => {
                    scanner.skip_value()?;
                    continue;
                }
            };
            scanner.begin_object()?;
            let mut first_sku = true;
            while let Some(sku) = scanner.next_key(&mut first_sku)? {
                // Once products are read, the terms of products not kept are skipped unread:
                // they are most of an EC2 file.
                let products_read = self.offer.products_seen > 0;
                if products_read && !self.kept.contains_key(&sku) {
                    scanner.skip_value()?;
                    continue;
                }
                let offset = scanner.offset();
                let terms: BTreeMap<String, RawTerm> = scanner.read_value()?;
                let dims = term_dimensions(terms, reserved)
                    .map_err(|what| ScanError::Data { offset, what })?;
                self.add_dimensions(sku, dims);
            }
        }
        Ok(())
    }

    fn add_dimensions(&mut self, sku: String, dims: Vec<Dimension>) {
        match self.kept.get(&sku) {
            Some(&i) => self.offer.products[i].1.dimensions.extend(dims),
            None => self.pending_terms.entry(sku).or_default().extend(dims),
        }
    }
}

impl Dimension {
    fn term_key(&self) -> String {
        match &self.term {
            Term::OnDemand => String::new(),
            Term::Reserved {
                lease_contract_length,
                offering_class,
                purchase_option,
            } => format!("{lease_contract_length}/{offering_class}/{purchase_option}"),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct RawProduct {
    pub(crate) sku: String,
    #[serde(rename = "productFamily")]
    pub(crate) product_family: Option<String>,
    #[serde(default)]
    pub(crate) attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
pub(crate) struct RawTerm {
    #[serde(rename = "effectiveDate")]
    effective_date: Option<String>,
    #[serde(rename = "priceDimensions", default)]
    price_dimensions: BTreeMap<String, RawDimension>,
    #[serde(rename = "termAttributes", default)]
    term_attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawDimension {
    #[serde(rename = "rateCode")]
    rate_code: Option<String>,
    #[serde(rename = "beginRange")]
    begin_range: Option<String>,
    #[serde(rename = "endRange")]
    end_range: Option<String>,
    unit: String,
    #[serde(rename = "pricePerUnit")]
    price_per_unit: BTreeMap<String, String>,
}

/// The price dimensions of one SKU's terms (term code → term), OnDemand or Reserved.
pub(crate) fn term_dimensions(
    terms: BTreeMap<String, RawTerm>,
    reserved: bool,
) -> Result<Vec<Dimension>, String> {
    let mut dims = Vec::new();
    for (_code, term) in terms {
        let kind = if reserved {
            let attr = |k: &str| term.term_attributes.get(k).map_or("", String::as_str);
            Term::reserved(
                attr("LeaseContractLength"),
                attr("OfferingClass"),
                attr("PurchaseOption"),
            )
        } else {
            Term::OnDemand
        };
        for (_rate, raw) in term.price_dimensions {
            dims.push(dimension(raw, &kind, term.effective_date.clone())?);
        }
    }
    Ok(dims)
}

fn dimension(
    raw: RawDimension,
    term: &Term,
    effective_date: Option<String>,
) -> Result<Dimension, String> {
    let usd = raw
        .price_per_unit
        .get("USD")
        .or_else(|| raw.price_per_unit.get("CNY"))
        .ok_or_else(|| String::from("price dimension without a USD price"))?;
    let price_per_unit =
        parse_price(usd).ok_or_else(|| String::from("price is not a decimal number"))?;
    let begin_range = match raw.begin_range.as_deref() {
        None => Default::default(),
        Some(b) => parse_range(b)
            .flatten()
            .ok_or_else(|| String::from("beginRange is not a number"))?,
    };
    let end_range = match raw.end_range.as_deref() {
        None => None,
        Some(e) => parse_range(e).ok_or_else(|| String::from("endRange is not a number or Inf"))?,
    };
    Ok(Dimension {
        unit: raw.unit,
        price_per_unit,
        begin_range,
        end_range,
        rate_code: raw.rate_code,
        effective_date,
        term: term.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = r#"{
      "formatVersion" : "v1.0", "offerCode" : "AWSELB", "version" : "20230223000000",
      "publicationDate" : "2023-02-23T00:00:00Z",
      "products" : {
        "AAA" : { "sku" : "AAA", "productFamily" : "Load Balancer-Application",
                  "attributes" : { "servicecode" : "AWSELB", "usagetype" : "EU-LCUUsage", "regionCode" : "eu-west-1" } },
        "BBB" : { "sku" : "BBB", "attributes" : { "servicecode" : "AWSDataTransfer", "usagetype" : "X" } },
        "CCC" : { "sku" : "CCC", "attributes" : { "servicecode" : "AWSELB", "usagetype" : "Y" } }
      },
      "terms" : { "OnDemand" : {
        "AAA" : { "AAA.JRTCKXETXF" : { "effectiveDate" : "2023-02-01T00:00:00Z", "termAttributes" : { },
          "priceDimensions" : {
            "AAA.JRTCKXETXF.6YS6EN2CT7" : { "rateCode" : "AAA.JRTCKXETXF.6YS6EN2CT7", "beginRange" : "0",
               "endRange" : "10", "unit" : "LCU-Hrs", "pricePerUnit" : { "USD" : "0.0080000000" } },
            "AAA.JRTCKXETXF.Y4HCU35FM2" : { "rateCode" : "AAA.JRTCKXETXF.Y4HCU35FM2", "beginRange" : "10",
               "endRange" : "Inf", "unit" : "LCU-Hrs", "pricePerUnit" : { "USD" : "0.0070000000" } } } } },
        "BBB" : { "BBB.JRTCKXETXF" : { "priceDimensions" : { } } },
        "CCC" : { "CCC.JRTCKXETXF" : { "priceDimensions" : {
            "x" : { "beginRange" : "0", "endRange" : "Inf", "unit" : "Hrs", "pricePerUnit" : { "USD" : "1" } } } } }
      } }
    }"#;

    #[test]
    fn reads_products_and_tiers_and_drops_embedded_services() {
        let offer = read_offer(OFFER.as_bytes(), Some("eu-west-1"), &|_, _, _| true).unwrap();
        assert_eq!(offer.offer_code, "AWSELB");
        assert_eq!(offer.products_seen, 3);
        // BBB belongs to AWSDataTransfer and is dropped.
        assert_eq!(offer.products.len(), 2);
        let (region, aaa) = &offer.products[0];
        assert_eq!(region, "eu-west-1");
        assert_eq!(aaa.dimensions.len(), 2);
        assert_eq!(aaa.dimensions[0].price_per_unit, "0.008".parse().unwrap());
        assert_eq!(aaa.dimensions[1].end_range, None);
        // CCC has no productFamily and no regionCode: filed under the hint.
        assert_eq!(offer.products[1].0, "eu-west-1");
        assert_eq!(offer.products[1].1.product_family, None);
    }

    #[test]
    fn the_filter_keeps_terms_of_kept_products_only() {
        let keep = |_: &str, family: Option<&str>, _: &BTreeMap<String, String>| family.is_some();
        let offer = read_offer(OFFER.as_bytes(), None, &keep).unwrap();
        assert_eq!(offer.products.len(), 1);
        assert_eq!(offer.products[0].1.sku.as_deref(), Some("AAA"));
    }

    #[test]
    fn truncated_files_are_errors_not_partial_offers() {
        let cut = &OFFER[..OFFER.len() / 2];
        assert!(read_offer(cut.as_bytes(), None, &|_, _, _| true).is_err());
    }
}
