//! plancost: the monthly AWS cost of Terraform, before it is applied.
//!
//! The stages (DESIGN.md §1) are plain functions over plain data:
//! [`terraform`] reads plans and state into [`model::Resource`]s; [`aws`] maps each resource to
//! cost components; [`pricing`] answers their price queries; [`estimate`] puts the priced
//! components together into a [`report::Report`], which [`report`] renders.

pub mod aws;
pub mod error;
pub mod estimate;
pub mod model;
pub mod pricing;
pub mod report;
pub mod terraform;
pub mod time;
pub mod usage;

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
    /// Variables and settings for paths that are HCL directories.
    pub hcl: terraform::hcl::HclOptions,
    pub prices: PriceOptions,
    /// The report's `generated_at`; now when `None`.
    pub generated_at: Option<String>,
}

/// Prices every path (plan or state JSON, or an HCL directory) as one project each.
pub fn breakdown(options: &BreakdownOptions) -> Result<report::Report> {
    let file_bytes = read_prices_file(&options.prices)?;
    let book = open_book(file_bytes.as_deref(), options.prices.prices_file.as_deref())?;
    let usage = usage::Usage::default();
    let categories = BTreeMap::new();
    let mut used = estimate::SourcesUsed::default();
    let mut projects = Vec::new();
    for path in &options.paths {
        let resources = if path.is_dir() {
            terraform::hcl::load_dir(path, &options.load, &options.hcl)?
        } else {
            terraform::load_file(path, &options.load)?
        };
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
    Ok(estimate::report(projects, &book, used, generated_at))
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
