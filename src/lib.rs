//! plancost: the monthly AWS cost of Terraform, before it is applied.
//!
//! The stages (DESIGN.md §1) are plain functions over plain data:
//! [`terraform`] reads plans and state into [`model::Resource`]s; [`aws`] maps each resource to
//! cost components; [`pricing`] answers their price queries; [`estimate`] puts the priced
//! components together into a [`report::Report`], which [`report`] renders.

pub mod aws;
pub mod ci;
pub mod diff;
pub mod error;
pub mod estimate;
pub mod model;
pub mod pricing;
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
}

/// Options of `plancost breakdown`.
#[derive(Debug, Clone, Default)]
pub struct BreakdownOptions {
    pub paths: Vec<PathBuf>,
    pub load: terraform::LoadOptions,
    pub prices: PriceOptions,
    /// The report's `generated_at`; now when `None`.
    pub generated_at: Option<String>,
    /// A usage file in Infracost's format.
    pub usage_file: Option<PathBuf>,
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

/// Prices every path (plan or state JSON) as one project each.
pub fn breakdown(options: &BreakdownOptions) -> Result<Outcome> {
    let file_bytes = read_prices_file(&options.prices)?;
    let book = open_book(file_bytes.as_deref(), options.prices.prices_file.as_deref())?;
    let mut warnings = Vec::new();
    let usage = load_usage(options.usage_file.as_deref(), &mut warnings)?;
    let categories = BTreeMap::new();
    let mut used = estimate::SourcesUsed::default();
    let mut projects = Vec::new();
    for path in &options.paths {
        let resources = terraform::load_file(path, &options.load)?;
        let name = project_name(path);
        projects.push(estimate::price_project(
            estimate::ProjectInput {
                name,
                path: path.display().to_string(),
                resources,
                usage: &usage,
                categories: &categories,
            },
            &book,
            &mut used,
        )?);
    }
    let generated_at = options
        .generated_at
        .clone()
        .unwrap_or_else(time::now_rfc3339);
    Ok(Outcome {
        report: estimate::report(projects, &book, used, generated_at),
        warnings,
    })
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

/// The price book of a run: an explicit prices file first, then the bundled snapshot.
pub fn open_book<'a>(
    file_bytes: Option<&'a [u8]>,
    file_path: Option<&std::path::Path>,
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
    book.push_snapshot(Snapshot::bundled(), Origin::Bundled);
    Ok(book)
}

/// A project's name from its path: the file stem, or the directory name for `plan.json`.
fn project_name(path: &std::path::Path) -> String {
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
