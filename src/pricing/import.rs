//! `plancost prices import`: reads price files and directories into a price set.
//!
//! Recognised by content, not by name: AWS offer files (JSON, optionally gzipped), the
//! reconstructed list-price table (CSV), Karpenter's EC2 table and the Spot Instance Advisor
//! feed. Index files (offer index, region indexes) are part of a mirrored Bulk API tree and are
//! skipped here; `prices sync` follows them. Only rows some resource mapping can ask for are
//! kept (`crate::aws::wanted`), which keeps the store small and lookups fast.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::{PriceSet, Source, listprice, offer, offer_csv, spot};

/// What an import read, for messages and `prices info`.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub files: Vec<(PathBuf, String)>,
}

/// Imports every recognised file under `paths` (files or directories, walked in name order).
/// `root` is stripped from file names recorded in sources, so a snapshot built on one machine
/// names the same files as on another.
pub fn import_paths(
    paths: &[PathBuf],
    root: Option<&Path>,
    set: &mut PriceSet,
) -> Result<ImportSummary> {
    let mut files = Vec::new();
    for path in paths {
        collect_files(path, &mut files, 0)?;
    }
    let mut summary = ImportSummary::default();
    for file in files {
        let name = root
            .and_then(|r| file.strip_prefix(r).ok())
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(what) = import_file(&file, &name, set)? {
            summary.files.push((file, what));
        }
    }
    Ok(summary)
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    // Mirrored Bulk API trees are six levels deep; anything far deeper is a link loop.
    if depth > 16 {
        return Err(Error::input(
            path,
            "directory nesting is too deep (a symlink loop?)",
        ));
    }
    let meta =
        std::fs::metadata(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::input(path, format!("cannot list: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || name.ends_with(".md") {
                continue;
            }
            collect_files(&entry, out, depth + 1)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Imports one file; `Ok(None)` when the file is not price data plancost reads (an index).
fn import_file(path: &Path, name: &str, set: &mut PriceSet) -> Result<Option<String>> {
    let mut head = [0u8; 4096];
    let n = File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let head = &head[..n];
    let gz = head.starts_with(&[0x1f, 0x8b]);
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}');

    if text.starts_with("offer_code,") {
        let bytes = read_all(path)?;
        let region = name
            .rsplit('/')
            .next()
            .and_then(|f| f.split("-list-prices").next())
            .filter(|r| looks_like_region(r))
            .ok_or_else(|| {
                Error::input(
                    path,
                    "a list-price table's name must start with its region (REGION-list-prices.csv)",
                )
            })?;
        let table = listprice::read_list_price_csv(&bytes, region, name, "undated").map_err(
            |e| match e {
                listprice::TableError::Row { line, message } => Error::input_at(
                    path,
                    crate::error::Position {
                        line: line as usize,
                        column: 1,
                    },
                    message,
                ),
                listprice::TableError::Format(m) => Error::input(path, m),
            },
        )?;
        let rows = add_table(set, table);
        return Ok(Some(format!("list-price table, {rows} products")));
    }

    if offer_csv::is_csv_offer(text) || (gz && gz_head_is_csv(path)) {
        return import_offer_with(path, name, set, "CSV", |file, hint, keep| {
            offer_csv::read_csv_offer(file, hint, keep)
        });
    }

    // Offer files say "products" within their first lines (after a short disclaimer); index
    // files never do. Anything else that is JSON is small and classified after a full parse.
    if gz || text.contains("\"products\"") {
        return import_file_as_offer(path, name, set);
    }

    if text.trim_start().starts_with('[') {
        let bytes = read_all(path)?;
        return import_offer_with(path, name, set, "Query API GetProducts", |_, _, keep| {
            offer_csv::read_get_products(&bytes, keep)
        });
    }

    if text.trim_start().starts_with('{') {
        let bytes = read_all(path)?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| Error::json(path, &e))?;
        if listprice::is_karpenter_table(&value) {
            let table =
                listprice::read_karpenter_table(&bytes, name).map_err(|e| Error::json(path, &e))?;
            let rows = add_table(set, table);
            return Ok(Some(format!("Karpenter EC2 table, {rows} products")));
        }
        if spot::is_spot_advisor(&value) {
            // The feed carries no date of its own; the file name does (spot-advisor-data_2025-06.json).
            let date = name
                .rsplit('_')
                .next()
                .and_then(|d| d.strip_suffix(".json"))
                .unwrap_or("undated");
            let (source, regions) =
                spot::read_spot_advisor(&bytes, name, date).map_err(|e| Error::json(path, &e))?;
            let n = regions.len();
            set.add_spot(source, regions);
            return Ok(Some(format!("Spot Instance Advisor, {n} regions")));
        }
        if value.get("products").is_some() {
            return import_file_as_offer(path, name, set);
        }
        let is_item =
            |v: &serde_json::Value| v.get("product").is_some() && v.get("serviceCode").is_some();
        if value.get("PriceList").is_some() || is_item(&value) {
            return import_offer_with(path, name, set, "Query API GetProducts", |_, _, keep| {
                offer_csv::read_get_products(&bytes, keep)
            });
        }
        // Offer indexes, region indexes and version indexes: skipped.
        if value.get("offers").is_some()
            || value.get("regions").is_some()
            || value.get("versions").is_some()
        {
            return Ok(None);
        }
    }
    Err(Error::input(
        path,
        "not a price file plancost can read (AWS offer JSON, list-price CSV, Karpenter table or Spot Advisor feed)",
    ))
}

fn import_file_as_offer(path: &Path, name: &str, set: &mut PriceSet) -> Result<Option<String>> {
    import_offer_with(path, name, set, "", |file, hint, keep| {
        offer::read_offer(file, hint, keep).map_err(|e| e.to_string())
    })
}

/// Whether a gzipped file decompresses to a CSV offer.
fn gz_head_is_csv(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut head = [0u8; 64];
    let mut decoder = flate2::read::MultiGzDecoder::new(file);
    let n = read_up_to_any(&mut decoder, &mut head).unwrap_or(0);
    offer_csv::is_csv_offer(&String::from_utf8_lossy(&head[..n]))
}

fn read_up_to_any(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Imports an offer read by `read` (JSON, CSV or GetProducts) into the set.
fn import_offer_with(
    path: &Path,
    name: &str,
    set: &mut PriceSet,
    format: &str,
    read: impl FnOnce(
        File,
        Option<&str>,
        offer::KeepFilter<'_>,
    ) -> std::result::Result<offer::Offer, String>,
) -> Result<Option<String>> {
    let region_hint = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .filter(|r| looks_like_region(r));
    let file = File::open(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let keep = |service: &str,
                family: Option<&str>,
                attrs: &std::collections::BTreeMap<String, String>| {
        crate::aws::wanted(service, family, attrs)
    };
    let offer = read(file, region_hint, &keep).map_err(|e| Error::input(path, e))?;
    if offer.offer_code.is_empty() {
        return Err(Error::input(path, "offer file has no offerCode"));
    }
    let kept = offer.products.len();
    let mut regions: Vec<&str> = offer.products.iter().map(|(r, _)| r.as_str()).collect();
    regions.sort();
    regions.dedup();
    let source = Source {
        service: offer.offer_code.clone(),
        region: if regions.len() == 1 {
            regions[0].to_string()
        } else {
            "(several)".into()
        },
        version: offer.version.clone(),
        publication_date: offer.publication_date.clone(),
        kind: match format {
            "" => "AWS Price List Bulk API offer file".to_string(),
            "CSV" => "AWS Price List Bulk API offer file (CSV)".to_string(),
            other => format!("AWS Price List {other} items"),
        },
        file: name.to_string(),
    };
    let service = offer.offer_code.clone();
    set.add(
        source,
        offer
            .products
            .into_iter()
            .map(|(region, p)| (service.clone(), region, p)),
    );
    Ok(Some(format!(
        "{} offer {}, {kept} of {} products kept",
        service, offer.version, offer.products_seen
    )))
}

fn add_table(set: &mut PriceSet, table: listprice::Table) -> usize {
    let mut rows = 0;
    for (source, products) in table.sources {
        rows += products.len();
        set.add(source, products);
    }
    rows
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn read_all(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))
}

/// `us-east-1`, `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`...
fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}
