//! plancost: the monthly AWS cost of Terraform, before it is applied.
//!
//! The stages (DESIGN.md §1) are plain functions over plain data:
//! [`terraform`] reads plans and state into [`model::Resource`]s; [`aws`] maps each resource to
//! cost components; [`pricing`] answers their price queries; [`estimate`] puts the priced
//! components together into a [`report::Report`], which [`report`] renders.

pub mod audit;
pub mod aws;
pub mod budget;
pub mod check;
pub mod ci;
pub mod config;
pub mod diff;
pub mod error;
pub mod estimate;
pub mod forecast;
pub mod halves;
pub mod jsonscan;
pub mod model;
pub mod pricing;
pub mod redact;
pub mod report;
pub mod terraform;
pub mod time;
pub mod usage;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use error::{Error, Result};

use pricing::snapshot::Snapshot;
use pricing::{Origin, PriceBook};

/// Where prices come from for one run.
#[derive(Debug, Clone, Default)]
pub struct PriceOptions {
    /// A snapshot file made by `plancost prices import --out`, consulted before the bundled one.
    pub prices_file: Option<PathBuf>,
    /// The price cache (`prices sync` / `prices import`), consulted after `prices_file` and
    /// before the bundled snapshot; `None` uses no cache (the CLI resolves the default).
    pub cache_dir: Option<PathBuf>,
}

/// Options of `plancost breakdown`.
#[derive(Debug, Clone, Default)]
pub struct BreakdownOptions {
    pub paths: Vec<PathBuf>,
    pub load: terraform::LoadOptions,
    /// Variables and settings for paths that are HCL directories.
    pub hcl: terraform::hcl::HclOptions,
    pub prices: PriceOptions,
    /// The report's `generated_at`; now when `None`.
    pub generated_at: Option<String>,
    /// A usage file in Infracost's format.
    pub usage_file: Option<PathBuf>,
    /// The day to price (`YYYY-MM-DD`) where AWS bills by date (EKS extended support); the day of
    /// `generated_at` when `None`.
    pub pricing_date: Option<String>,
}

/// A report and the warnings met while making it (unknown usage keys, ...), which the binary
/// prints on standard error.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub report: report::Report,
    pub warnings: Vec<String>,
}

/// Reads a usage file, turning its warnings into `file:line: message` lines.
pub fn load_usage(
    path: Option<&std::path::Path>,
    warnings: &mut Vec<String>,
) -> Result<usage::Usage> {
    let Some(path) = path else {
        return Ok(usage::Usage::default());
    };
    let (usage, found) = usage::load_file(path)?;
    warnings.extend(
        found
            .into_iter()
            .map(|w| format!("{}:{}: {}", path.display(), w.line, w.message)),
    );
    Ok(usage)
}

/// Prints how long a phase of the run took, on standard error, when `PLANCOST_TIMINGS` is set:
/// for finding where a large plan's time goes without a profiler.
pub fn timing(phase: &str, started: std::time::Instant) {
    if std::env::var_os("PLANCOST_TIMINGS").is_some() {
        eprintln!(
            "plancost timing: {phase} {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
}

/// Prices every path (plan or state JSON, or an HCL directory) as one project each.
pub fn breakdown(options: &BreakdownOptions) -> Result<Outcome> {
    let data = PriceData::read(&options.prices)?;
    let book = data.book()?;
    let mut warnings = Vec::new();
    let usage = load_usage(options.usage_file.as_deref(), &mut warnings)?;
    let categories = BTreeMap::new();
    let generated_at = options
        .generated_at
        .clone()
        .unwrap_or_else(time::now_rfc3339);
    let pricing_date = pricing_date(options.pricing_date.as_deref(), &generated_at)?;
    let mut used = estimate::SourcesUsed::default();
    let mut projects = Vec::new();
    for path in &options.paths {
        let started = std::time::Instant::now();
        let resources = if path.is_dir() {
            terraform::hcl::load_dir(path, &options.load, &options.hcl)?
        } else {
            terraform::load_file(path, &options.load)?
        };
        timing("load", started);
        let started = std::time::Instant::now();
        let name = project_name(path);
        projects.push(estimate::price_project(
            estimate::ProjectInput {
                name,
                path: path.display().to_string(),
                resources,
                usage: &usage,
                categories: &categories,
                pricing_date: &pricing_date,
            },
            &book,
            &mut used,
        )?);
        timing("price", started);
    }
    Ok(Outcome {
        report: estimate::report(projects, &book, used, generated_at),
        warnings,
    })
}

/// The day prices apply to: the one asked for (checked to be a real `YYYY-MM-DD` date), else the
/// day of the report's timestamp.
pub fn pricing_date(asked: Option<&str>, generated_at: &str) -> Result<String> {
    match asked {
        Some(date) if time::is_iso_date(date) => Ok(date.to_string()),
        Some(date) => Err(Error::Usage(format!(
            "pricing date {date:?} is not a date of the form YYYY-MM-DD"
        ))),
        None => Ok(generated_at.get(..10).unwrap_or(generated_at).to_string()),
    }
}

/// The price data of one run: the bytes of an explicit `--prices` file, which the book borrows.
pub struct PriceData<'o> {
    options: &'o PriceOptions,
    bytes: Option<Vec<u8>>,
}

impl<'o> PriceData<'o> {
    pub fn read(options: &'o PriceOptions) -> Result<Self> {
        Ok(PriceData {
            options,
            bytes: read_prices_file(options)?,
        })
    }

    /// The book over the `--prices` file, the cache and the bundled snapshot, in that order.
    pub fn book(&self) -> Result<PriceBook<'_>> {
        open_book(
            self.bytes.as_deref(),
            self.options.prices_file.as_deref(),
            self.options.cache_dir.as_deref(),
        )
    }
}

fn read_prices_file(options: &PriceOptions) -> Result<Option<Vec<u8>>> {
    options
        .prices_file
        .as_ref()
        .map(|p| {
            std::fs::read(p).map_err(|e| Error::Prices(format!("cannot read {}: {e}", p.display())))
        })
        .transpose()
}

/// The price book of a run: an explicit prices file first, then the cache (each of its files
/// answers only for the service and region it holds), then the bundled snapshot.
pub fn open_book<'a>(
    file_bytes: Option<&'a [u8]>,
    file_path: Option<&std::path::Path>,
    cache_dir: Option<&std::path::Path>,
) -> Result<PriceBook<'a>> {
    let mut book = PriceBook::new();
    if let (Some(bytes), Some(path)) = (file_bytes, file_path) {
        let snapshot = Snapshot::parse(bytes).map_err(|e| {
            Error::Prices(format!(
                "{} is not a plancost price file: {e}",
                path.display()
            ))
        })?;
        book.push_snapshot(snapshot, Origin::File);
    }
    if let Some(dir) = cache_dir {
        book.push_cache(&pricing::cache::Cache::new(dir));
    }
    book.push_snapshot(Snapshot::bundled(), Origin::Bundled);
    Ok(book)
}

/// A project's name from its path: the file stem, or the directory name for `plan.json` and
/// for an HCL directory.
fn project_name(path: &std::path::Path) -> String {
    if path.is_dir() {
        let dir = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if let Some(name) = dir.file_name().and_then(|n| n.to_str()) {
            return name.to_string();
        }
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("project");
    if matches!(stem, "plan" | "tfplan" | "terraform") {
        if let Some(dir) = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
        {
            return dir.to_string();
        }
    }
    stem.to_string()
}
