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
                report.schema_version.chars().take(20).collect::<String>()
            ),
        ));
    }
    if report.currency != "USD" {
        return Err(Error::input(
            path,
            "is a report in another currency than USD; plancost compares and merges USD reports only",
        ));
    }
    check_amounts(&report).map_err(|field| {
        Error::input(
            path,
            format!(
                "{field} is not a plausible amount (beyond ±10^15); the report was not written by plancost or was altered"
            ),
        )
    })?;
    Ok(report)
}

/// The largest amount (money or quantity) a report may hold, 10^15: far above any real bill,
/// and far enough below `Decimal::MAX` (about 7.9 × 10^28) that totals of millions of such
/// amounts cannot overflow when reports are compared or merged.
const MAX_AMOUNT: Decimal = crate::model::MAX_QUANTITY;

/// The first amount of `report` beyond [`MAX_AMOUNT`], by its place in the report.
fn check_amounts(report: &Report) -> std::result::Result<(), String> {
    let ok = |d: &Decimal| d.abs() <= MAX_AMOUNT;
    let check = |d: &Decimal, field: &dyn Fn() -> String| if ok(d) { Ok(()) } else { Err(field()) };
    let opt = |d: &Option<Decimal>, field: &dyn Fn() -> String| match d {
        Some(d) if !ok(d) => Err(field()),
        _ => Ok(()),
    };
    check(&report.total_monthly_cost, &|| "total_monthly_cost".into())?;
    check(&report.past_total_monthly_cost, &|| {
        "past_total_monthly_cost".into()
    })?;
    check(&report.diff_monthly_cost, &|| "diff_monthly_cost".into())?;
    for (p, project) in report.projects.iter().enumerate() {
        let at = |f: &str| format!("projects[{p}].{f}");
        check(&project.total_monthly_cost, &|| at("total_monthly_cost"))?;
        check(&project.past_total_monthly_cost, &|| {
            at("past_total_monthly_cost")
        })?;
        check(&project.diff_monthly_cost, &|| at("diff_monthly_cost"))?;
        for (c, amount) in &project.categories {
            check(amount, &|| at(&format!("categories.{}", c.as_str())))?;
        }
        for (r, resource) in project.resources.iter().enumerate() {
            let at = |f: &str| format!("projects[{p}].resources[{r}].{f}");
            check(&resource.monthly_cost, &|| at("monthly_cost"))?;
            check(&resource.past_monthly_cost, &|| at("past_monthly_cost"))?;
            let components = resource.components.iter().map(|c| ("components", c)).chain(
                resource
                    .past_components
                    .iter()
                    .map(|c| ("past_components", c)),
            );
            for (i, (list, component)) in components.enumerate() {
                let at = |f: &str| at(&format!("{list}[{i}].{f}"));
                opt(&component.monthly_quantity, &|| at("monthly_quantity"))?;
                opt(&component.unit_price, &|| at("unit_price"))?;
                opt(&component.monthly_cost, &|| at("monthly_cost"))?;
            }
        }
    }
    if let Some(budget) = &report.budget {
        for (i, c) in budget.checks.iter().enumerate() {
            check(&c.limit, &|| format!("budget.checks[{i}].limit"))?;
            check(&c.actual, &|| format!("budget.checks[{i}].actual"))?;
        }
    }
    Ok(())
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
        check_unique_names(&report.projects, &file)?;
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
