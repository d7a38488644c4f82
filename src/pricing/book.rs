//! The price book: answers price queries from layered price sets.
//!
//! Layers are consulted in order (an explicit `--prices` file, the synced cache, the bundled
//! snapshot) and the first layer that holds the queried service and region answers. A layer is
//! never mixed with another for one service and region: a half-synced cache must not blend
//! with bundled prices of another date.
//!
//! A query must match exactly one product. None is "unpriced" with the reason; more than one is a
//! bug in the query (it is reported, never resolved by taking the cheapest).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use foldhash::{HashMap, HashMapExt};
use rust_decimal::Decimal;

use super::cache::Cache;
use super::snapshot::Snapshot;
use super::spot::SpotEntry;
use super::{AttrMatch, Origin, PriceQuery, Product, Source, Term};

/// One price found for a query: its tiers and its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    pub unit: String,
    pub tiers: Vec<Tier>,
    pub sku: Option<String>,
    pub rate_code: Option<String>,
    pub effective_date: Option<String>,
    pub source: Source,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub begin: Decimal,
    pub end: Option<Decimal>,
    pub per_unit: Decimal,
}

impl Price {
    /// The price of the first unit (the only one, for untiered prices).
    pub fn first_unit_price(&self) -> Decimal {
        self.tiers.first().map(|t| t.per_unit).unwrap_or_default()
    }

    /// The cost of `quantity` units, each tier's share at that tier's price.
    pub fn cost(&self, quantity: Decimal) -> Decimal {
        let mut total = Decimal::ZERO;
        for tier in &self.tiers {
            if quantity <= tier.begin {
                break;
            }
            let upper = match tier.end {
                Some(end) if end < quantity => end,
                _ => quantity,
            };
            total += (upper - tier.begin) * tier.per_unit;
        }
        total
    }

    pub fn is_tiered(&self) -> bool {
        self.tiers.len() > 1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no price data for {service} in {region}")]
    NoData { service: String, region: String },
    #[error("no product matches {query}")]
    NotFound { query: String },
    #[error("{count} different products match {query} (SKUs {skus}); the query is ambiguous")]
    Ambiguous {
        query: String,
        count: usize,
        skus: String,
    },
    #[error("price data for {service} in {region} is corrupt: {message}")]
    Corrupt {
        service: String,
        region: String,
        message: String,
    },
}

/// Products of one service and region, parsed on first use.
struct LazyChunk<'a> {
    body: &'a [u8],
    /// Line scans done so far (see [`SELECTIVE_SCANS`]).
    scans: AtomicUsize,
    parsed: OnceLock<Result<ParsedChunk, String>>,
}

/// A chunk parsed whole, with its products indexed by instance type (`""`: products without
/// one), which is what most queries of a large chunk name.
struct ParsedChunk {
    products: Vec<Product>,
    by_instance_type: HashMap<String, Vec<usize>>,
}

impl ParsedChunk {
    fn parse(body: &[u8]) -> Result<ParsedChunk, String> {
        let products: Vec<Product> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let mut by_instance_type: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in products.iter().enumerate() {
            let key = p.attribute("instanceType").unwrap_or("").to_string();
            by_instance_type.entry(key).or_default().push(i);
        }
        Ok(ParsedChunk {
            products,
            by_instance_type,
        })
    }

    /// The products `query` can match: those of its instance type and those without one, when
    /// it names one exactly; all of them otherwise.
    fn candidates(&self, query: &PriceQuery) -> Cow<'_, [Product]> {
        let wanted = query.attributes.iter().find_map(|(name, m)| match m {
            AttrMatch::Exact(value) if name == "instanceType" => Some(value.as_str()),
            _ => None,
        });
        match wanted {
            None => Cow::Borrowed(self.products.as_slice()),
            Some(t) => Cow::Owned(
                [t, ""]
                    .iter()
                    .filter_map(|k| self.by_instance_type.get(*k))
                    .flatten()
                    .map(|&i| self.products[i].clone())
                    .collect(),
            ),
        }
    }
}

/// Queries of a chunk answered by scanning its lines before it is parsed whole: a run that asks
/// for a few prices never parses the region's thousands of products, and one that asks for many
/// (a large plan, a store holding a region's whole offer) parses them once and uses the index.
const SELECTIVE_SCANS: usize = 16;

struct Layer<'a> {
    origin: Origin,
    content: Content<'a>,
}

enum Content<'a> {
    /// A snapshot in memory (bundled, or a `--prices` file read by the caller).
    Snapshot {
        sources: Vec<Source>,
        chunks: HashMap<(String, String), LazyChunk<'a>>,
        /// Region → (source index, entries parsed on first use).
        spot: HashMap<String, (usize, LazySpot<'a>)>,
    },
    /// One file of the cache, holding one service and region (`key`) or the Spot Advisor's
    /// regions (`key` is `None`), read from disk the first time a lookup needs it.
    CacheFile {
        path: PathBuf,
        key: Option<(String, String)>,
        loaded: OnceLock<Result<LoadedFile, String>>,
    },
}

struct LoadedFile {
    sources: Vec<Source>,
    products: Vec<Product>,
    spot: HashMap<String, (usize, Vec<SpotEntry>)>,
}

impl LoadedFile {
    fn read(path: &Path) -> Result<LoadedFile, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let snapshot = Snapshot::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut products = Vec::new();
        for chunk in &snapshot.chunks {
            let mut parsed: Vec<Product> = serde_json::from_slice(chunk.body)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            products.append(&mut parsed);
        }
        let mut spot = HashMap::new();
        for chunk in &snapshot.spot {
            let entries: Vec<SpotEntry> = serde_json::from_slice(chunk.body)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            spot.insert(chunk.region.clone(), (chunk.products, entries));
        }
        Ok(LoadedFile {
            sources: snapshot.sources,
            products,
            spot,
        })
    }
}

impl Layer<'_> {
    fn sources(&self) -> &[Source] {
        match &self.content {
            Content::Snapshot { sources, .. } => sources,
            Content::CacheFile { loaded, .. } => match loaded.get() {
                Some(Ok(file)) => &file.sources,
                _ => &[],
            },
        }
    }
}

fn load<'l>(
    path: &Path,
    loaded: &'l OnceLock<Result<LoadedFile, String>>,
) -> Result<&'l LoadedFile, String> {
    loaded
        .get_or_init(|| LoadedFile::read(path))
        .as_ref()
        .map_err(Clone::clone)
}

/// A region's Spot Advisor entries, one per line; a lookup parses only its type's lines.
struct LazySpot<'a> {
    body: &'a [u8],
}

/// A spot estimate's inputs: the advisor's saving and interruption band, and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotSaving {
    pub entry: SpotEntry,
    pub source: Source,
    pub origin: Origin,
}

pub struct PriceBook<'a> {
    layers: Vec<Layer<'a>>,
    /// Shared answers: handing out a remembered price must not copy its strings each time.
    /// Read far more often than written, by the two threads pricing a large plan's halves:
    /// readers do not wait for each other.
    memo: RwLock<HashMap<PriceQuery, Result<Arc<Price>, LookupError>>>,
    /// Spot savings by (region, instance type, operating system), remembered like prices.
    spot_memo: RwLock<SpotMemo>,
}

type SpotMemo = HashMap<(String, String, String), Result<Arc<SpotSaving>, LookupError>>;

impl<'a> PriceBook<'a> {
    pub fn new() -> Self {
        PriceBook {
            layers: Vec::new(),
            memo: RwLock::new(HashMap::new()),
            spot_memo: RwLock::new(HashMap::new()),
        }
    }

    /// Adds a layer consulted after the ones already added.
    pub fn push_snapshot(&mut self, snapshot: Snapshot<'a>, origin: Origin) {
        let chunks = snapshot
            .chunks
            .into_iter()
            .map(|c| {
                (
                    (c.service, c.region),
                    LazyChunk {
                        body: c.body,
                        scans: AtomicUsize::new(0),
                        parsed: OnceLock::new(),
                    },
                )
            })
            .collect();
        let spot = snapshot
            .spot
            .into_iter()
            .map(|c| (c.region, (c.products, LazySpot { body: c.body })))
            .collect();
        self.layers.push(Layer {
            origin,
            content: Content::Snapshot {
                sources: snapshot.sources,
                chunks,
                spot,
            },
        });
    }

    /// Adds the cache's files, consulted after the layers already added. Nothing is read until
    /// a lookup asks for a service and region a file holds.
    pub fn push_cache(&mut self, cache: &Cache) {
        for file in cache.files() {
            self.layers.push(Layer {
                origin: Origin::Cache,
                content: Content::CacheFile {
                    path: file.path,
                    key: file.key,
                    loaded: OnceLock::new(),
                },
            });
        }
    }

    /// Every source of every layer read so far, with its origin, for the report's `prices`
    /// section (cache files not needed by any lookup are not read, and not listed).
    pub fn sources(&self) -> impl Iterator<Item = (&Source, Origin)> {
        self.layers
            .iter()
            .flat_map(|l| l.sources().iter().map(move |s| (s, l.origin)))
    }

    /// The Spot Instance Advisor's saving for an instance type, from the first layer that has
    /// advisor data for the region.
    pub fn spot_saving(
        &self,
        region: &str,
        instance_type: &str,
        operating_system: &str,
    ) -> Result<Arc<SpotSaving>, LookupError> {
        // Each answer scans the region's spot data: remembered, as a large plan asks the same
        // few thousands of times.
        let key = (
            region.to_string(),
            instance_type.to_string(),
            operating_system.to_string(),
        );
        if let Some(answer) = self
            .spot_memo
            .read()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return answer;
        }
        let answer = self
            .spot_saving_uncached(region, instance_type, operating_system)
            .map(Arc::new);
        if let Ok(mut memo) = self.spot_memo.write() {
            memo.insert(key, answer.clone());
        }
        answer
    }

    fn spot_saving_uncached(
        &self,
        region: &str,
        instance_type: &str,
        operating_system: &str,
    ) -> Result<SpotSaving, LookupError> {
        let corrupt = |message: &String| LookupError::Corrupt {
            service: "AmazonEC2 spot advisor".into(),
            region: region.into(),
            message: message.clone(),
        };
        let mut found = None;
        for layer in &self.layers {
            match &layer.content {
                Content::Snapshot { spot, .. } => {
                    if let Some((source, lazy)) = spot.get(region) {
                        let entries: Cow<'_, [SpotEntry]> = Cow::Owned(
                            spot_candidates(lazy.body, instance_type).map_err(|m| corrupt(&m))?,
                        );
                        found = Some((layer, *source, entries));
                        break;
                    }
                }
                Content::CacheFile {
                    path,
                    key: None,
                    loaded,
                } => {
                    let file = load(path, loaded).map_err(|m| corrupt(&m))?;
                    if let Some((source, entries)) = file.spot.get(region) {
                        found = Some((layer, *source, Cow::Borrowed(entries.as_slice())));
                        break;
                    }
                }
                Content::CacheFile { .. } => {}
            }
        }
        let Some((layer, source, entries)) = found else {
            return Err(LookupError::NoData {
                service: "AmazonEC2 spot advisor".into(),
                region: region.into(),
            });
        };
        let entry = entries
            .iter()
            .find(|e| e.instance_type == instance_type && e.operating_system == operating_system)
            .ok_or_else(|| LookupError::NotFound {
                query: format!(
                    "spot advisor {region} {operating_system} {instance_type} (no spot saving published)"
                ),
            })?;
        let source = layer
            .sources()
            .get(source)
            .cloned()
            .ok_or_else(|| corrupt(&"source index out of range".to_string()))?;
        Ok(SpotSaving {
            entry: entry.clone(),
            source,
            origin: layer.origin,
        })
    }

    /// The first layer holding the query's service and region, with its products.
    fn products(
        &self,
        query: &PriceQuery,
    ) -> Result<(&Layer<'a>, Cow<'_, [Product]>), LookupError> {
        let corrupt = |message: String| LookupError::Corrupt {
            service: query.service.clone(),
            region: query.region.clone(),
            message,
        };
        let key = (query.service.clone(), query.region.clone());
        for layer in &self.layers {
            match &layer.content {
                Content::Snapshot { chunks, .. } => {
                    if let Some(chunk) = chunks.get(&key) {
                        if chunk.parsed.get().is_none()
                            && chunk.scans.fetch_add(1, Ordering::Relaxed) < SELECTIVE_SCANS
                        {
                            if let Some(products) = candidates(chunk.body, query) {
                                return Ok((layer, Cow::Owned(products.map_err(corrupt)?)));
                            }
                        }
                        let parsed = chunk
                            .parsed
                            .get_or_init(|| ParsedChunk::parse(chunk.body))
                            .as_ref()
                            .map_err(|m| corrupt(m.clone()))?;
                        return Ok((layer, parsed.candidates(query)));
                    }
                }
                Content::CacheFile {
                    path,
                    key: Some(file_key),
                    loaded,
                } if *file_key == key => {
                    let file = load(path, loaded).map_err(corrupt)?;
                    return Ok((layer, Cow::Borrowed(file.products.as_slice())));
                }
                Content::CacheFile { .. } => {}
            }
        }
        Err(LookupError::NoData {
            service: query.service.clone(),
            region: query.region.clone(),
        })
    }

    /// The one price `query` matches. Answers are remembered: a large plan asks the same few
    /// queries for thousands of resources.
    pub fn lookup(&self, query: &PriceQuery) -> Result<Arc<Price>, LookupError> {
        if let Some(answer) = self.memo.read().ok().and_then(|m| m.get(query).cloned()) {
            return answer;
        }
        let answer = self.lookup_uncached(query).map(Arc::new);
        if let Ok(mut memo) = self.memo.write() {
            memo.insert(query.clone(), answer.clone());
        }
        answer
    }

    fn lookup_uncached(&self, query: &PriceQuery) -> Result<Price, LookupError> {
        let (layer, products) = self.products(query)?;

        let mut found: Vec<(&Product, Vec<&super::Dimension>)> = Vec::new();
        for product in products.iter() {
            if !matches_product(query, product) {
                continue;
            }
            let dims: Vec<_> = product
                .dimensions
                .iter()
                .filter(|d| d.term == Term::OnDemand)
                .filter(|d| query.unit.as_ref().is_none_or(|u| &d.unit == u))
                .collect();
            if !dims.is_empty() {
                found.push((product, dims));
            }
        }
        let ambiguous = |count: usize, skus: Vec<String>| LookupError::Ambiguous {
            query: query.to_string(),
            count,
            skus: skus.join(", "),
        };
        match found.len() {
            0 => Err(LookupError::NotFound {
                query: query.to_string(),
            }),
            1 => {
                let (product, mut dims) = found.pop().expect("one element");
                let unit = dims[0].unit.clone();
                if dims.iter().any(|d| d.unit != unit) {
                    let units = dims.iter().map(|d| d.unit.clone()).collect();
                    return Err(ambiguous(1, units));
                }
                dims.sort_by_key(|d| d.begin_range);
                let first = dims[0];
                Ok(Price {
                    unit,
                    tiers: dims
                        .iter()
                        .map(|d| Tier {
                            begin: d.begin_range,
                            end: d.end_range,
                            per_unit: d.price_per_unit,
                        })
                        .collect(),
                    sku: product.sku.clone(),
                    rate_code: first.rate_code.clone(),
                    effective_date: first.effective_date.clone(),
                    source: layer
                        .sources()
                        .get(product.source)
                        .cloned()
                        .ok_or_else(|| LookupError::Corrupt {
                            service: query.service.clone(),
                            region: query.region.clone(),
                            message: "source index out of range".into(),
                        })?,
                    origin: layer.origin,
                })
            }
            n => Err(ambiguous(
                n,
                found
                    .iter()
                    .map(|(p, _)| p.sku.clone().unwrap_or_else(|| "(no SKU)".into()))
                    .collect(),
            )),
        }
    }
}

impl PriceBook<'_> {
    /// The effective hourly price of a Reserved term of the one product `query` matches: the
    /// recurring hourly fee plus the upfront fee spread over the term's hours (8,760 a year,
    /// as AWS amortises). `lease` is `1yr` or `3yr`, `class` `standard` or `convertible`,
    /// `option` `No Upfront`, `Partial Upfront` or `All Upfront`.
    pub fn lookup_reserved(
        &self,
        query: &PriceQuery,
        lease: &str,
        class: &str,
        option: &str,
    ) -> Result<Price, LookupError> {
        let term = Term::reserved(lease, class, option);
        let described = || format!("{query} reserved {lease} {class} {option}");
        let (layer, products) = self.products(query)?;
        let found: Vec<&Product> = products
            .iter()
            .filter(|p| matches_product(query, p) && p.dimensions.iter().any(|d| d.term == term))
            .collect();
        let product = match found.as_slice() {
            [] => return Err(LookupError::NotFound { query: described() }),
            [one] => *one,
            many => {
                return Err(LookupError::Ambiguous {
                    query: described(),
                    count: many.len(),
                    skus: many
                        .iter()
                        .map(|p| p.sku.clone().unwrap_or_else(|| "(no SKU)".into()))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        };
        let dims: Vec<_> = product
            .dimensions
            .iter()
            .filter(|d| d.term == term)
            .collect();
        let hourly: Vec<_> = dims.iter().filter(|d| d.unit == "Hrs").collect();
        let upfront: Decimal = dims
            .iter()
            .filter(|d| d.unit == "Quantity")
            .map(|d| d.price_per_unit)
            .sum();
        let years: Decimal = match lease {
            "1yr" => Decimal::ONE,
            "3yr" => Decimal::from(3),
            _ => {
                return Err(LookupError::NotFound {
                    query: format!("{} (lease {lease:?} is not 1yr or 3yr)", described()),
                });
            }
        };
        let hours = years * Decimal::from(8760);
        let recurring = match hourly.as_slice() {
            [] => Decimal::ZERO,
            [one] => one.price_per_unit,
            _ => {
                return Err(LookupError::Ambiguous {
                    query: described(),
                    count: hourly.len(),
                    skus: product.sku.clone().unwrap_or_default(),
                });
            }
        };
        let first = hourly.first().map(|d| **d).or(dims.first().copied());
        Ok(Price {
            unit: "Hrs".into(),
            tiers: vec![Tier {
                begin: Decimal::ZERO,
                end: None,
                per_unit: recurring + upfront / hours,
            }],
            sku: product.sku.clone(),
            rate_code: first.and_then(|d| d.rate_code.clone()),
            effective_date: first.and_then(|d| d.effective_date.clone()),
            source: layer
                .sources()
                .get(product.source)
                .cloned()
                .ok_or_else(|| LookupError::Corrupt {
                    service: query.service.clone(),
                    region: query.region.clone(),
                    message: "source index out of range".into(),
                })?,
            origin: layer.origin,
        })
    }
}

impl Default for PriceBook<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// The products of a snapshot chunk that can match `query`, parsed from only the lines that hold
/// every exact value the query asks for; `None` when the query asks for none, or the body is
/// not one product per line (then the whole chunk is parsed).
///
/// Sound because the writer puts each product on its own line in serde_json's compact form: a
/// product whose line lacks `"product_family":"Storage"` or `["instanceType","t3.large"]`
/// cannot match a query for them. Every candidate still goes through [`matches_product`].
fn candidates(body: &[u8], query: &PriceQuery) -> Option<Result<Vec<Product>, String>> {
    let mut needles: Vec<Vec<u8>> = Vec::new();
    if let Some(family) = &query.product_family {
        needles.push(format!("\"product_family\":{}", json_string(family)).into_bytes());
    }
    for (name, m) in &query.attributes {
        if let AttrMatch::Exact(value) = m {
            needles.push(format!("[{},{}]", json_string(name), json_string(value)).into_bytes());
        }
    }
    if needles.is_empty() || !body.starts_with(b"[\n") {
        return None;
    }
    let finders: Vec<memchr::memmem::Finder> =
        needles.iter().map(memchr::memmem::Finder::new).collect();
    let mut products = Vec::new();
    for line in body.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b",").unwrap_or(line);
        if !line.starts_with(b"{") || finders.iter().any(|f| f.find(line).is_none()) {
            continue;
        }
        match serde_json::from_slice(line) {
            Ok(product) => products.push(product),
            Err(e) => return Some(Err(e.to_string())),
        }
    }
    Some(Ok(products))
}

/// The Spot Advisor entries of `instance_type` in a region's chunk (one entry per line).
fn spot_candidates(body: &[u8], instance_type: &str) -> Result<Vec<SpotEntry>, String> {
    let needle = format!("\"instance_type\":{}", json_string(instance_type));
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let mut entries = Vec::new();
    for line in body.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b",").unwrap_or(line);
        if line.starts_with(b"{") && finder.find(line).is_some() {
            entries.push(serde_json::from_slice(line).map_err(|e| e.to_string())?);
        }
    }
    Ok(entries)
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn matches_product(query: &PriceQuery, product: &Product) -> bool {
    if let Some(family) = &query.product_family {
        if product.product_family.as_deref() != Some(family.as_str()) {
            return false;
        }
    }
    query
        .attributes
        .iter()
        .all(|(name, m)| product.attribute(name).is_some_and(|v| m.matches(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiered(tiers: &[(i64, Option<i64>, &str)]) -> Price {
        Price {
            unit: "GB".into(),
            tiers: tiers
                .iter()
                .map(|&(b, e, p)| Tier {
                    begin: b.into(),
                    end: e.map(Into::into),
                    per_unit: p.parse().unwrap(),
                })
                .collect(),
            sku: None,
            rate_code: None,
            effective_date: None,
            source: Source {
                service: String::new(),
                region: String::new(),
                version: String::new(),
                publication_date: String::new(),
                kind: String::new(),
                file: String::new(),
            },
            origin: Origin::Bundled,
        }
    }

    #[test]
    fn tiered_cost_charges_each_tier_its_own_price() {
        // S3 Standard us-east-1: first 50 TB at 0.023, next 450 TB at 0.022, then 0.021.
        let s3 = tiered(&[
            (0, Some(51200), "0.023"),
            (51200, Some(512000), "0.022"),
            (512000, None, "0.021"),
        ]);
        assert_eq!(s3.cost(500.into()), "11.5".parse().unwrap()); // 500 × 0.023
        // 60,000 GB: 51,200 × 0.023 = 1,177.6; 8,800 × 0.022 = 193.6; total 1,371.2
        assert_eq!(s3.cost(60000.into()), "1371.2".parse().unwrap());
        assert_eq!(s3.cost(Decimal::ZERO), Decimal::ZERO);
    }
}

#[cfg(test)]
mod candidate_tests {
    use super::*;
    use crate::pricing::snapshot::Snapshot;

    /// Parsing only candidate lines finds exactly the products a full parse matches.
    #[test]
    fn candidates_match_what_a_full_parse_matches() {
        let snapshot = Snapshot::bundled();
        let queries = [
            crate::aws::ec2::instance_hours_query("us-east-1", "t3.large", "Shared"),
            crate::aws::ec2::instance_hours_query("eu-west-1", "m5.large", "Dedicated"),
            PriceQuery::new("AmazonEC2", "eu-west-1")
                .family("Storage")
                .attr("volumeApiName", "gp3"),
            PriceQuery::new("AmazonEC2", "us-east-1")
                .family("System Operation")
                .attr("volumeApiName", "io2")
                .usage_type("EBS:VolumeP-IOPS.io2"),
            PriceQuery::new("AmazonRDS", "eu-west-1")
                .family("Database Instance")
                .attr("instanceType", "db.t3.medium"),
        ];
        for query in &queries {
            let chunk = snapshot
                .chunks
                .iter()
                .find(|c| c.service == query.service && c.region == query.region)
                .expect("a chunk for the query");
            let all: Vec<Product> = serde_json::from_slice(chunk.body).unwrap();
            let full: Vec<&Product> = all.iter().filter(|p| matches_product(query, p)).collect();
            let some = candidates(chunk.body, query)
                .expect("the query names values")
                .unwrap();
            let picked: Vec<&Product> = some.iter().filter(|p| matches_product(query, p)).collect();
            assert!(!full.is_empty(), "{query}");
            assert_eq!(full, picked, "{query}");
            // And the candidates are a small part of the chunk.
            assert!(some.len() < all.len(), "{query}");
        }
    }
}
