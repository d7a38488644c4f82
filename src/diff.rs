//! Cost changes: a report compared with an earlier one (`plancost diff --compare-to`), and
//! several reports merged into one (`plancost merge`, for monorepos and CI matrices).
//!
//! Projects are matched by name, resources by address, components by name. A plan's own diff
//! (prior state against planned values) needs none of this: pricing fills both sides already.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::model::Action;
use crate::report::{ProjectReport, Report, ResourceReport};

/// Reads a JSON report written by `--format json`.
pub fn read_report(path: &Path) -> Result<Report> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let report: Report = serde_json::from_slice(&bytes).map_err(|e| Error::json(path, &e))?;
    if report.schema_version != crate::report::SCHEMA_VERSION {
        return Err(Error::input(
            path,
            format!(
                "is a report of schema version {:?}; this plancost reads version 1",
                report.schema_version
            ),
        ));
    }
    Ok(report)
}

fn check_unique_names(projects: &[ProjectReport], what: &str) -> Result<()> {
    let mut seen = BTreeSet::new();
    for p in projects {
        if !seen.insert(p.name.as_str()) {
            return Err(Error::Usage(format!(
                "{what} has two projects named {:?}; project names must be unique to be matched",
                p.name
            )));
        }
    }
    Ok(())
}

/// Makes `current` a diff against `earlier`: every resource's past cost and components become
/// the earlier report's, and resources only in the earlier report are listed as deleted.
pub fn compare(current: &mut Report, earlier: &Report, earlier_name: &str) -> Result<()> {
    check_unique_names(&current.projects, "the new report")?;
    check_unique_names(&earlier.projects, earlier_name)?;
    let earlier_projects: BTreeMap<&str, &ProjectReport> = earlier
        .projects
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    for project in &mut current.projects {
        let before = earlier_projects.get(project.name.as_str()).copied();
        compare_project(project, before);
    }
    // Projects that are gone: all their resources are deleted.
    let current_names: BTreeSet<String> = current.projects.iter().map(|p| p.name.clone()).collect();
    for gone in earlier
        .projects
        .iter()
        .filter(|p| !current_names.contains(&p.name))
    {
        let mut project = gone.clone();
        project.resources.clear();
        project.unpriced.clear();
        project.skipped.clear();
        compare_project(&mut project, Some(gone));
        current.projects.push(project);
    }
    current.recompute_totals();
    Ok(())
}

fn compare_project(project: &mut ProjectReport, before: Option<&ProjectReport>) {
    let earlier: BTreeMap<&str, &ResourceReport> = before
        .map(|b| {
            b.resources
                .iter()
                .map(|r| (r.address.as_str(), r))
                .collect()
        })
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    for r in &mut project.resources {
        seen.insert(r.address.clone());
        match earlier.get(r.address.as_str()) {
            None => {
                r.action = Action::Create;
                r.past_monthly_cost = Decimal::ZERO;
                r.past_components.clear();
            }
            Some(old) => {
                r.past_monthly_cost = old.monthly_cost;
                if old.components == r.components {
                    r.action = Action::NoOp;
                    r.past_components.clear();
                } else {
                    r.action = Action::Update;
                    r.past_components = old.components.clone();
                }
            }
        }
    }
    for (address, old) in earlier {
        if seen.contains(address) {
            continue;
        }
        project.resources.push(ResourceReport {
            action: Action::Delete,
            monthly_cost: Decimal::ZERO,
            past_monthly_cost: old.monthly_cost,
            components: Vec::new(),
            past_components: old.components.clone(),
            ..old.clone()
        });
    }
    project.recompute_totals();
}

/// Combines reports into one. Project names must be unique across them.
pub fn merge(reports: Vec<(String, Report)>, generated_at: String) -> Result<Report> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut projects = Vec::new();
    let mut sources = BTreeSet::new();
    let mut origins = BTreeSet::new();
    for (file, report) in reports {
        for p in &report.projects {
            if let Some(other) = names.insert(p.name.clone(), file.clone()) {
                return Err(Error::Usage(format!(
                    "project {:?} is in both {other} and {file}; project names must be unique to merge",
                    p.name
                )));
            }
        }
        for s in report.prices.snapshot.split('+').filter(|s| !s.is_empty()) {
            origins.insert(s.to_string());
        }
        sources.extend(report.prices.sources);
        projects.extend(report.projects);
    }
    let mut merged = Report {
        schema_version: crate::report::SCHEMA_VERSION.to_string(),
        generated_at,
        currency: "USD".to_string(),
        prices: crate::report::PricesInfo {
            snapshot: origins.into_iter().collect::<Vec<_>>().join("+"),
            sources: sources.into_iter().collect(),
        },
        projects,
        total_monthly_cost: Decimal::ZERO,
        past_total_monthly_cost: Decimal::ZERO,
        diff_monthly_cost: Decimal::ZERO,
        // Budgets belong to the projects' own checks; a merged report carries none.
        budget: None,
    };
    merged.recompute_totals();
    Ok(merged)
}
