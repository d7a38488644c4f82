//! Price data: the one price model every source is read into, queries against it, and the
//! sources themselves (the snapshot bundled in the binary, files imported by the user).
//!
//! The model follows AWS's Price List: a *product* (SKU, family, attributes) has *price
//! dimensions* (unit, price per unit, a range for tiered prices, a term). Every product keeps the
//! *source* it was read from, so every line of a report can say which SKU, offer version and file
//! its price came from.

pub mod book;
pub mod cache;
pub mod import;
pub mod listprice;
pub mod offer;
pub mod offer_csv;
pub mod query;
pub mod snapshot;
pub mod spot;
pub mod sync;

pub use book::{LookupError, Price, PriceBook, SpotSaving, Tier};
pub use query::{AttrMatch, PriceQuery};

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where a set of prices came from. One per imported file (and per service and region in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub service: String,
    pub region: String,
    /// The offer file's `version` (e.g. `20230223000000`), or the table's generation date.
    pub version: String,
    pub publication_date: String,
    /// What the data is, in words: "AWS Price List Bulk API offer file", "reconstructed ...".
    pub kind: String,
    /// The file it was imported from, relative to the import root.
    pub file: String,
}

/// Whether prices came from the binary, the user's synced cache, a file given with `--prices`,
/// or AWS's endpoints during this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Bundled,
    Cache,
    File,
    Live,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Bundled => "bundled",
            Origin::Cache => "cache",
            Origin::File => "file",
            Origin::Live => "live",
        }
    }
}

/// The term a price dimension belongs to. Reserved terms' attributes take a handful of values
/// repeated on every dimension of every instance SKU, so the known ones are shared (`Cow`)
/// rather than allocated per dimension: importing a large EC2 offer keeps tens of thousands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Term {
    OnDemand,
    Reserved {
        /// `1yr` or `3yr`.
        lease_contract_length: Cow<'static, str>,
        /// `standard` or `convertible`.
        offering_class: Cow<'static, str>,
        /// `No Upfront`, `Partial Upfront` or `All Upfront`.
        purchase_option: Cow<'static, str>,
    },
}

impl Term {
    pub fn reserved(lease: &str, class: &str, option: &str) -> Term {
        Term::Reserved {
            lease_contract_length: intern(lease),
            offering_class: intern(class),
            purchase_option: intern(option),
        }
    }
}

fn intern(value: &str) -> Cow<'static, str> {
    const KNOWN: &[&str] = &[
        "1yr",
        "3yr",
        "standard",
        "convertible",
        "No Upfront",
        "Partial Upfront",
        "All Upfront",
        "Light Utilization",
        "Medium Utilization",
        "Heavy Utilization",
    ];
    match KNOWN.iter().find(|k| **k == value) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(value.to_string()),
    }
}

/// One price dimension of a product: a price per unit over a range of usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    pub unit: String,
    pub price_per_unit: Decimal,
    pub begin_range: Decimal,
    /// `None` is AWS's `"Inf"`.
    pub end_range: Option<Decimal>,
    pub rate_code: Option<String>,
    pub effective_date: Option<String>,
    pub term: Term,
}

/// A priced product of one service in one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// AWS's SKU; `None` for rows reconstructed from tables that do not record it.
    pub sku: Option<String>,
    pub product_family: Option<String>,
    /// Attribute name → value, sorted by name (lookups binary-search it).
    pub attributes: Vec<(String, String)>,
    pub dimensions: Vec<Dimension>,
    /// Index into the price set's sources.
    pub source: usize,
}

impl Product {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()
            .map(|i| self.attributes[i].1.as_str())
    }
}

/// Products of one service in one region, as read from one or more sources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub service: String,
    pub region: String,
    pub products: Vec<Product>,
}

/// Everything imported: sources, and products grouped by service and region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSet {
    pub sources: Vec<Source>,
    pub chunks: Vec<Chunk>,
    pub spot: Vec<spot::SpotRegion>,
}

impl PriceSet {
    /// Adds the products read from one source; `products` are (service, region, product) with
    /// `product.source` ignored and set here.
    pub fn add(
        &mut self,
        source: Source,
        products: impl IntoIterator<Item = (String, String, Product)>,
    ) {
        let source_index = self.sources.len();
        self.sources.push(source);
        for (service, region, mut product) in products {
            product.source = source_index;
            product.attributes.sort();
            let chunk = match self
                .chunks
                .iter_mut()
                .position(|c| c.service == service && c.region == region)
            {
                Some(i) => &mut self.chunks[i],
                None => {
                    self.chunks.push(Chunk {
                        service,
                        region,
                        products: Vec::new(),
                    });
                    self.chunks.last_mut().expect("just pushed")
                }
            };
            chunk.products.push(product);
        }
    }

    /// Adds the Spot Instance Advisor's regions, attributed to `source`.
    pub fn add_spot(&mut self, source: Source, regions: Vec<spot::SpotRegion>) {
        let source_index = self.sources.len();
        self.sources.push(source);
        for mut region in regions {
            region.source = source_index;
            self.spot.retain(|r| r.region != region.region);
            self.spot.push(region);
        }
    }

    /// Puts chunks and products in a canonical order so the same inputs give the same bytes.
    pub fn normalize(&mut self) {
        self.chunks
            .sort_by(|a, b| (&a.service, &a.region).cmp(&(&b.service, &b.region)));
        self.spot.sort_by(|a, b| a.region.cmp(&b.region));
        for region in &mut self.spot {
            region.entries.sort_by(|a, b| {
                (&a.operating_system, &a.instance_type)
                    .cmp(&(&b.operating_system, &b.instance_type))
            });
        }
        for chunk in &mut self.chunks {
            chunk.products.sort_by(|a, b| {
                (&a.sku, &a.product_family, &a.attributes, a.source).cmp(&(
                    &b.sku,
                    &b.product_family,
                    &b.attributes,
                    b.source,
                ))
            });
        }
    }

    pub fn product_count(&self) -> usize {
        self.chunks.iter().map(|c| c.products.len()).sum()
    }
}

/// Parses an AWS price string ("0.0456000000", "1.006") exactly.
///
/// A negative price, or one above a billion dollars per unit (AWS's largest, a three-year
/// all-upfront reservation of its largest instance, is a few million), is refused as corrupt
/// data: with unit prices bounded, no quantity plancost accepts can overflow a cost.
pub fn parse_price(text: &str) -> Option<Decimal> {
    parse_decimal(text).filter(|d| !d.is_sign_negative() && *d <= MAX_UNIT_PRICE)
}

/// The largest unit price read (see [`parse_price`]).
pub const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = text.trim();
    // rust_decimal rejects exponents in from_str, which AWS never uses; scientific notation is
    // accepted through from_scientific only for robustness against hand-made files.
    text.parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// Parses a range bound: a number, or `Inf` (AWS's open end) as `None`.
pub fn parse_range(text: &str) -> Option<Option<Decimal>> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("inf") || text.is_empty() {
        Some(None)
    } else {
        parse_decimal(text)
            .filter(|d| !d.is_sign_negative() && *d <= crate::model::MAX_QUANTITY)
            .map(Some)
    }
}

/// `plancost prices info`: every layer of price data in lookup order (an explicit file, the
/// cache, the bundled snapshot) with its sources, versions, ages and product counts.
pub fn info(
    file_bytes: Option<&[u8]>,
    file_path: Option<&std::path::Path>,
    cache_dir: Option<&std::path::Path>,
) -> crate::Result<String> {
    let mut out = String::new();
    if let (Some(bytes), Some(path)) = (file_bytes, file_path) {
        let snapshot = snapshot::Snapshot::parse(bytes).map_err(|e| {
            crate::Error::Prices(format!(
                "{} is not a plancost price file: {e}",
                path.display()
            ))
        })?;
        out.push_str(&format!("file {}:\n", path.display()));
        describe_snapshot(&snapshot, &mut out);
    }
    if let Some(dir) = cache_dir {
        let cache = cache::Cache::new(dir);
        let files = cache.files();
        let manifest = cache.manifest();
        out.push_str(&format!(
            "cache {} ({} files):\n",
            dir.display(),
            files.len()
        ));
        for file in files {
            let stem = file
                .key
                .as_ref()
                .map(|(s, r)| cache::file_stem(s, r))
                .unwrap_or_else(|| cache::SPOT_FILE.to_string());
            let age = std::fs::metadata(&file.path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .map(|d| human_age(d.as_secs()))
                .unwrap_or_else(|| "age unknown".into());
            let how = manifest
                .entries
                .get(&stem)
                .map(|e| match &e.etag {
                    Some(etag) => format!("{} at {}, ETag {etag}", e.how, e.stored_at),
                    None => format!("{} at {}", e.how, e.stored_at),
                })
                .unwrap_or_else(|| "not in the manifest".into());
            out.push_str(&format!("  {stem}: stored {age} ({how})\n"));
            match std::fs::read(&file.path) {
                Ok(bytes) => match snapshot::Snapshot::parse(&bytes) {
                    Ok(snapshot) => describe_snapshot(&snapshot, &mut out),
                    Err(e) => out.push_str(&format!("    unreadable: {e}\n")),
                },
                Err(e) => out.push_str(&format!("    unreadable: {e}\n")),
            }
        }
    }
    out.push_str("bundled snapshot:\n");
    describe_snapshot(&snapshot::Snapshot::bundled(), &mut out);
    Ok(out)
}

fn describe_snapshot(snapshot: &snapshot::Snapshot<'_>, out: &mut String) {
    for c in &snapshot.chunks {
        out.push_str(&format!(
            "    {:<22} {:<16} {:>6} products\n",
            c.service, c.region, c.products
        ));
    }
    if !snapshot.spot.is_empty() {
        out.push_str(&format!(
            "    spot advisor: {} regions\n",
            snapshot.spot.len()
        ));
    }
    out.push_str("    sources:\n");
    for s in &snapshot.sources {
        out.push_str(&format!(
            "      {} {} {} (published {}) — {} [{}]\n",
            s.service, s.region, s.version, s.publication_date, s.kind, s.file
        ));
    }
}

/// "3 days ago", "5 hours ago": how old a cached file is.
fn human_age(secs: u64) -> String {
    match secs {
        0..=119 => "just now".to_string(),
        120..=7199 => format!("{} minutes ago", secs / 60),
        7200..=172_799 => format!("{} hours ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}
