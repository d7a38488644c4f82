//! Streaming reader for AWS Price List Bulk API offer files in JSON.
//!
//! EC2's regional offer file is 65 MB here and several hundred MB for big regions, so the file is
//! never held in memory: serde visits `products` one entry at a time and keeps only those the
//! caller's filter wants, then visits `terms` and keeps the price dimensions of kept SKUs only.
//! AWS writes `products` before `terms`; a file that does it the other way round is still read
//! correctly, at the cost of holding its terms until the products arrive.
//!
//! Quirks handled: gzip (detected by magic bytes), `beginRange`/`endRange` with `"Inf"`,
//! products without `productFamily`, products of other services embedded in an offer (kept out
//! by `servicecode`), prices as decimal strings.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{Dimension, Product, Term, parse_price, parse_range};

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

/// Reads an offer file (plain or gzipped JSON) from `reader`.
///
/// `region_hint` names the region of products that carry no `regionCode` (a regional file's
/// inter-region rows); `None` files them under `global`.
pub fn read_offer(
    reader: impl Read,
    region_hint: Option<&str>,
    keep: KeepFilter<'_>,
) -> Result<Offer, serde_json::Error> {
    let mut buffered = BufReader::with_capacity(1 << 20, reader);
    let is_gzip = buffered
        .fill_buf()
        .map_err(serde_json::Error::io)?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read> = if is_gzip {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut state = State {
        keep,
        region_hint,
        offer: Offer::default(),
        kept: HashMap::new(),
        pending_terms: HashMap::new(),
    };
    (&mut state).deserialize(&mut de)?;
    de.end()?;
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
                (&a.term_key(), a.begin_range).cmp(&(&b.term_key(), b.begin_range))
            });
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

impl<'de> DeserializeSeed<'de> for &mut State<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut State<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AWS offer file (a JSON object with products and terms)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_products = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "offerCode" => self.offer.offer_code = map.next_value()?,
                "version" => self.offer.version = map.next_value()?,
                "publicationDate" => self.offer.publication_date = map.next_value()?,
                "products" => {
                    saw_products = true;
                    map.next_value_seed(Products(&mut *self))?
                }
                "terms" => map.next_value_seed(Terms(&mut *self))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !saw_products {
            return Err(de::Error::missing_field("products"));
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct RawProduct {
    sku: String,
    #[serde(rename = "productFamily")]
    product_family: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

struct Products<'s, 'f>(&'s mut State<'f>);

impl<'de> DeserializeSeed<'de> for Products<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Products<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of SKU to product")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(_sku) = map.next_key::<IgnoredAny>()? {
            let raw: RawProduct = map.next_value()?;
            state.offer.products_seen += 1;
            // Offers embed other services' products (Redshift carries AWSDataTransfer rows);
            // they belong to their own offer, where the same SKU is priced again.
            let service = raw.attributes.get("servicecode").map(String::as_str);
            if !state.offer.offer_code.is_empty()
                && service.is_some_and(|s| s != state.offer.offer_code)
            {
                continue;
            }
            let service = service.unwrap_or(&state.offer.offer_code).to_string();
            if !(state.keep)(&service, raw.product_family.as_deref(), &raw.attributes) {
                continue;
            }
            let region = raw
                .attributes
                .get("regionCode")
                .cloned()
                .or_else(|| state.region_hint.map(str::to_string))
                .unwrap_or_else(|| "global".to_string());
            state
                .kept
                .insert(raw.sku.clone(), state.offer.products.len());
            state.offer.products.push((
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
        Ok(())
    }
}

struct Terms<'s, 'f>(&'s mut State<'f>);

impl<'de> DeserializeSeed<'de> for Terms<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Terms<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of term type to terms")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(term_type) = map.next_key::<String>()? {
            let reserved = match term_type.as_str() {
                "OnDemand" => false,
                "Reserved" => true,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(TermsOfType {
                state: &mut *self.0,
                reserved,
            })?;
        }
        Ok(())
    }
}

struct TermsOfType<'s, 'f> {
    state: &'s mut State<'f>,
    reserved: bool,
}

impl<'de> DeserializeSeed<'de> for TermsOfType<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

#[derive(Deserialize)]
struct RawTerm {
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

impl<'de> Visitor<'de> for TermsOfType<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of SKU to offer terms")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.state;
        while let Some(sku) = map.next_key::<String>()? {
            let products_read = state.offer.products_seen > 0;
            if products_read && !state.kept.contains_key(&sku) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let terms: BTreeMap<String, RawTerm> = map.next_value()?;
            let mut dims = Vec::new();
            for (_code, term) in terms {
                let kind = if self.reserved {
                    let attr = |k: &str| term.term_attributes.get(k).cloned().unwrap_or_default();
                    Term::Reserved {
                        lease_contract_length: attr("LeaseContractLength"),
                        offering_class: attr("OfferingClass"),
                        purchase_option: attr("PurchaseOption"),
                    }
                } else {
                    Term::OnDemand
                };
                for (_rate, raw) in term.price_dimensions {
                    dims.push(dimension(raw, &kind, term.effective_date.clone())?);
                }
            }
            match state.kept.get(&sku) {
                Some(&i) => state.offer.products[i].1.dimensions.extend(dims),
                None => state.pending_terms.entry(sku).or_default().extend(dims),
            }
        }
        Ok(())
    }
}

fn dimension<E: de::Error>(
    raw: RawDimension,
    term: &Term,
    effective_date: Option<String>,
) -> Result<Dimension, E> {
    let usd = raw
        .price_per_unit
        .get("USD")
        .or_else(|| raw.price_per_unit.get("CNY"))
        .ok_or_else(|| E::custom("price dimension without a USD price"))?;
    let price_per_unit =
        parse_price(usd).ok_or_else(|| E::custom("price is not a decimal number"))?;
    let begin_range = match raw.begin_range.as_deref() {
        None => Default::default(),
        Some(b) => parse_range(b)
            .flatten()
            .ok_or_else(|| E::custom("beginRange is not a number"))?,
    };
    let end_range = match raw.end_range.as_deref() {
        None => None,
        Some(e) => parse_range(e).ok_or_else(|| E::custom("endRange is not a number or Inf"))?,
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
