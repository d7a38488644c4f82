//! Pricing the projects of a configuration: `plancost check` (each project against its budget),
//! and the pricing that `forecast` and `audit` build on (a project with some variables or usage
//! values changed).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::config::{self, Loaded, Project, UsageOverrides};
use crate::error::{Error, Result};
use crate::estimate::{self, SourcesUsed};
use crate::pricing::PriceBook;
use crate::report::ProjectReport;
use crate::terraform::{self, LoadOptions, Resources};
use crate::usage::{Usage, UsageValues};
use crate::{Outcome, PriceOptions, budget, time};

/// Options of `plancost check`, `forecast` and `audit`.
#[derive(Debug, Clone, Default)]
pub struct ConfigOptions {
    pub config: PathBuf,
    /// Projects to check, by name; all when empty.
    pub projects: Vec<String>,
    pub load: LoadOptions,
    pub prices: PriceOptions,
    /// The report's `generated_at`; now when `None`.
    pub generated_at: Option<String>,
}

/// Prices every selected project and holds it against its budget and the policies; the
/// report's `budget` carries the verdict.
pub fn check(options: &ConfigOptions) -> Result<Outcome> {
    let loaded = config::load(&options.config)?;
    let selected = select(&loaded, &options.projects)?;
    let data = crate::PriceData::read(&options.prices)?;
    let book = data.book()?;
    let mut pricer = Pricer::new(&loaded, &book, options)?;
    let mut projects = Vec::new();
    let mut checks = Vec::new();
    for project in selected {
        let report = pricer.price(project, &BTreeMap::new(), None, None)?;
        let budget = project.budget.clone().unwrap_or_default();
        checks.extend(budget::evaluate(&report, &budget, &loaded.config.policy));
        projects.push(report);
    }
    let (used, warnings) = pricer.finish();
    let mut report = estimate::report(projects, &book, used, generated_at(options));
    report.budget = Some(budget::verdict(checks));
    Ok(Outcome { report, warnings })
}

pub(crate) fn generated_at(options: &ConfigOptions) -> String {
    options
        .generated_at
        .clone()
        .unwrap_or_else(time::now_rfc3339)
}

/// The projects named on the command line, in the configuration's order; all when none is.
pub fn select<'c>(loaded: &'c Loaded, names: &[String]) -> Result<Vec<&'c Project>> {
    if names.is_empty() {
        return Ok(loaded.config.projects.iter().collect());
    }
    for name in names {
        if loaded.project(name).is_none() {
            let known: Vec<&str> = loaded
                .config
                .projects
                .iter()
                .map(|p| p.name.value.as_str())
                .collect();
            return Err(Error::Usage(format!(
                "no project {name:?} in {} (projects: {})",
                loaded.path.display(),
                known.join(", ")
            )));
        }
    }
    Ok(loaded
        .config
        .projects
        .iter()
        .filter(|p| names.contains(&p.name.value))
        .collect())
}

/// Prices projects of one configuration, reading each plan and usage file once.
pub struct Pricer<'a> {
    pricing_date: String,
    loaded: &'a Loaded,
    book: &'a PriceBook<'a>,
    load: &'a LoadOptions,
    /// Plans and state files by project name (HCL is evaluated per variable set).
    files: BTreeMap<String, Resources>,
    usage: BTreeMap<String, Usage>,
    used: SourcesUsed,
    warnings: Vec<String>,
}

impl<'a> Pricer<'a> {
    /// Prices on the day of the report (`options.generated_at`, else now), as `breakdown` does.
    pub fn new(
        loaded: &'a Loaded,
        book: &'a PriceBook<'a>,
        options: &'a ConfigOptions,
    ) -> Result<Self> {
        Ok(Pricer {
            loaded,
            book,
            load: &options.load,
            pricing_date: crate::pricing_date(None, &generated_at(options))?,
            files: BTreeMap::new(),
            usage: BTreeMap::new(),
            used: SourcesUsed::default(),
            warnings: Vec::new(),
        })
    }

    /// Prices `project` with `vars` over its variables and `usage` over its usage file; the
    /// report is named `name`, or the project's name.
    pub fn price(
        &mut self,
        project: &Project,
        vars: &BTreeMap<String, Value>,
        usage: Option<&UsageOverrides>,
        name: Option<String>,
    ) -> Result<ProjectReport> {
        let project_name = project.name.value.clone();
        let path = self.loaded.resolve(&project.path);
        let mut all_vars = project.vars.clone();
        all_vars.extend(vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        let resources = if path.is_dir() {
            terraform::load_path(&path, self.load, &all_vars)?
        } else {
            if !all_vars.is_empty() {
                // The same error the loader gives, naming where the variables come from.
                return Err(Error::Usage(format!(
                    "project {project_name:?}: variables ({}) apply to HCL directories only; {} is a plan or state JSON, whose values are fixed (change usage values in a scenario's `usage` instead, or point the project at its HCL directory)",
                    all_vars.keys().cloned().collect::<Vec<_>>().join(", "),
                    path.display()
                )));
            }
            match self.files.get(&project_name) {
                Some(r) => r.clone(),
                None => {
                    let r = terraform::load_path(&path, self.load, &BTreeMap::new())?;
                    self.files.insert(project_name.clone(), r.clone());
                    r
                }
            }
        };
        if !self.usage.contains_key(&project_name) {
            let file = project.usage_file.as_ref().map(|f| self.loaded.resolve(f));
            let usage = crate::load_usage(file.as_deref(), &mut self.warnings)?;
            self.usage.insert(project_name.clone(), usage);
        }
        let mut project_usage = self.usage[&project_name].clone();
        if let Some(overrides) = usage {
            let label = name.as_deref().unwrap_or(&project_name);
            self.warnings
                .extend(unknown_override_keys(label, overrides));
            project_usage.overlay(&overrides_usage(overrides));
        }
        estimate::price_project(
            estimate::ProjectInput {
                name: name.unwrap_or(project_name),
                path: path.display().to_string(),
                resources,
                usage: &project_usage,
                categories: self.loaded.category_overrides(),
                pricing_date: &self.pricing_date,
            },
            self.book,
            &mut self.used,
        )
    }

    /// The price sources used and the warnings met.
    pub fn finish(self) -> (SourcesUsed, Vec<String>) {
        (self.used, self.warnings)
    }
}

/// Keys of a scenario's usage values that no mapping reads (most likely typos, which would
/// otherwise leave the scenario priced as if nothing changed).
fn unknown_override_keys(scenario: &str, overrides: &UsageOverrides) -> Vec<String> {
    let by_address = overrides
        .resource_usage
        .iter()
        .map(|(address, v)| (crate::usage::address_type(address), address, v));
    let by_type = overrides
        .resource_type_default_usage
        .iter()
        .map(|(t, v)| (t.clone(), t, v));
    let mut out = Vec::new();
    for (resource_type, place, values) in by_address.chain(by_type) {
        let Some(known) = crate::aws::usage_keys(&resource_type) else {
            continue;
        };
        for key in values.keys() {
            if !known.contains(&key.as_str()) {
                out.push(format!(
                    "scenario {scenario:?}: {place}: unknown usage key {key:?} for {resource_type} (known: {})",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ));
            }
        }
    }
    out
}

/// A scenario's usage values as a [`Usage`] (wildcard addresses kept apart, as in a file).
fn overrides_usage(overrides: &UsageOverrides) -> Usage {
    let values = |m: &BTreeMap<String, Value>| -> UsageValues {
        m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let mut usage = Usage::default();
    for (address, v) in &overrides.resource_usage {
        if address.contains("[*]") {
            usage.wildcards.push((address.clone(), values(v)));
        } else {
            usage.by_address.insert(address.clone(), values(v));
        }
    }
    for (resource_type, v) in &overrides.resource_type_default_usage {
        usage.by_type.insert(resource_type.clone(), values(v));
    }
    usage
}
