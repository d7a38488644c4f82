//! `plancost forecast`: the growth scenarios of the configuration, each priced from the same
//! infrastructure with some variables or usage values changed, beside the estimate's figure.
//!
//! A scenario names a project and what changes (`vars` for HCL directories, `usage` for any
//! project: values laid over the project's usage file). Its priced total is compared with the
//! `estimate` it carries and held against its `budget`, with the project's warning band.

use std::collections::BTreeMap;
use std::fmt::Write;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use crate::budget;
use crate::check::{ConfigOptions, Pricer, generated_at};
use crate::config;
use crate::error::{Error, Result};
use crate::estimate;
use crate::model::Category;
use crate::report::comment_markdown::escape_markdown;
use crate::report::table::clean;
use crate::report::{PricesInfo, SCHEMA_VERSION, Status, money, signed_money};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub schema_version: String,
    pub generated_at: String,
    pub currency: String,
    pub prices: PricesInfo,
    pub scenarios: Vec<ScenarioResult>,
    /// Sum of the estimate's figures (of the scenarios that carry one).
    pub total_estimate: Option<Decimal>,
    /// Sum of plancost's figures over all scenarios (a year's cost when a scenario is a month).
    pub total_monthly_cost: Decimal,
    /// `total_monthly_cost - total_estimate`, over the scenarios that carry an estimate.
    pub total_difference: Option<Decimal>,
    /// The worst status of the scenarios that carry a budget; `ok` when none does.
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub name: String,
    pub project: String,
    pub nodes: Option<u64>,
    pub estimate: Option<Decimal>,
    pub monthly_cost: Decimal,
    /// plancost minus the estimate.
    pub difference: Option<Decimal>,
    /// The difference as a percentage of the estimate, to 2 decimal places.
    pub difference_percent: Option<Decimal>,
    pub budget: Option<Decimal>,
    pub status: Option<Status>,
    pub categories: BTreeMap<Category, Decimal>,
    /// Components that could not be priced and resources of types plancost does not price: when
    /// either is non-zero, `monthly_cost` is a lower bound.
    pub unpriced_components: usize,
    pub unsupported_resources: usize,
}

/// Prices every scenario of the configuration.
pub fn forecast(options: &ConfigOptions) -> Result<(Forecast, Vec<String>)> {
    let loaded = config::load(&options.config)?;
    if loaded.config.scenarios.is_empty() {
        return Err(Error::Usage(format!(
            "{} declares no scenarios: add them under `scenarios` (see the README)",
            loaded.path.display()
        )));
    }
    let data = crate::PriceData::read(&options.prices)?;
    let book = data.book()?;
    let mut pricer = Pricer::new(&loaded, &book, options)?;
    let mut scenarios = Vec::new();
    for s in &loaded.config.scenarios {
        // The configuration checked that the project exists.
        let Some(project) = loaded.project(&s.project.value) else {
            continue;
        };
        let report = pricer
            .price(project, &s.vars, s.usage.as_ref(), Some(s.name.clone()))
            .map_err(|e| match e {
                Error::Usage(m) => Error::Usage(format!("scenario {:?}: {m}", s.name)),
                other => other,
            })?;
        let total = report.total_monthly_cost;
        let difference = s.estimate.map(|e| (total - e.0).normalize());
        let difference_percent = s.estimate.filter(|e| !e.0.is_zero()).map(|e| {
            ((total - e.0) * Decimal::ONE_HUNDRED / e.0)
                .round_dp(2)
                .normalize()
        });
        let warn_percent = project.budget.as_ref().and_then(|b| b.warn_percent);
        let status = s.budget.map(|limit| {
            let banded = config::ProjectBudget {
                monthly: Some(limit),
                warn_percent,
                categories: BTreeMap::new(),
            };
            budget::evaluate(&report, &banded, &config::Policy::default())
                .first()
                .map(|c| c.status)
                .unwrap_or(Status::Ok)
        });
        scenarios.push(ScenarioResult {
            name: s.name.clone(),
            project: project.name.value.clone(),
            nodes: s.nodes,
            estimate: s.estimate.map(|e| e.0),
            monthly_cost: total,
            difference,
            difference_percent,
            budget: s.budget.map(|b| b.0),
            status,
            categories: report.categories.clone(),
            unpriced_components: report.unpriced.len(),
            unsupported_resources: report
                .skipped
                .iter()
                .filter(|s| s.reason == "unsupported")
                .count(),
        });
    }
    let (used, warnings) = pricer.finish();
    let prices = estimate::report(Vec::new(), &book, used, String::new()).prices;
    let with_estimate: Vec<&ScenarioResult> =
        scenarios.iter().filter(|s| s.estimate.is_some()).collect();
    let total_estimate = (!with_estimate.is_empty()).then(|| {
        with_estimate
            .iter()
            .filter_map(|s| s.estimate)
            .sum::<Decimal>()
            .normalize()
    });
    let total_difference = (!with_estimate.is_empty()).then(|| {
        with_estimate
            .iter()
            .filter_map(|s| s.difference)
            .sum::<Decimal>()
            .normalize()
    });
    let status = scenarios
        .iter()
        .filter_map(|s| s.status)
        .max()
        .unwrap_or(Status::Ok);
    Ok((
        Forecast {
            schema_version: SCHEMA_VERSION.to_string(),
            generated_at: generated_at(options),
            currency: "USD".into(),
            prices,
            total_monthly_cost: scenarios
                .iter()
                .map(|s| s.monthly_cost)
                .sum::<Decimal>()
                .normalize(),
            scenarios,
            total_estimate,
            total_difference,
            status,
        },
        warnings,
    ))
}

/// Exit code: 1 when a scenario exceeds its budget.
pub fn exit_code(forecast: &Forecast) -> i32 {
    match forecast.status {
        Status::Fail => 1,
        _ => 0,
    }
}

fn difference(s: &ScenarioResult) -> String {
    match (s.difference, s.difference_percent) {
        (Some(d), Some(p)) => format!(
            "{} ({}{}%)",
            signed_money(d),
            if p > Decimal::ZERO { "+" } else { "" },
            p
        ),
        (Some(d), None) => signed_money(d),
        _ => "-".into(),
    }
}

fn rows(forecast: &Forecast, text: impl Fn(&str) -> String) -> Vec<[String; 7]> {
    let mut rows: Vec<[String; 7]> = forecast
        .scenarios
        .iter()
        .map(|s| {
            let incomplete = if s.unpriced_components + s.unsupported_resources > 0 {
                " *"
            } else {
                ""
            };
            [
                text(&s.name),
                text(&s.project),
                s.nodes.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
                s.estimate.map(money).unwrap_or_else(|| "-".into()),
                format!("{}{incomplete}", money(s.monthly_cost)),
                difference(s),
                match (s.budget, s.status) {
                    (Some(b), Some(st)) => format!("{} {}", money(b), st.as_str().to_uppercase()),
                    _ => "-".into(),
                },
            ]
        })
        .collect();
    rows.push([
        "Sum".into(),
        String::new(),
        String::new(),
        forecast.total_estimate.map(money).unwrap_or_default(),
        money(forecast.total_monthly_cost),
        forecast
            .total_difference
            .map(signed_money)
            .unwrap_or_default(),
        String::new(),
    ]);
    rows
}

const HEADER: [&str; 7] = [
    "Scenario",
    "Project",
    "Nodes",
    "Estimate",
    "plancost",
    "Difference",
    "Budget",
];

fn footnote(forecast: &Forecast) -> Option<String> {
    let incomplete = forecast
        .scenarios
        .iter()
        .filter(|s| s.unpriced_components + s.unsupported_resources > 0)
        .count();
    (incomplete > 0).then(|| {
        format!(
            "* {incomplete} scenario(s) include components plancost could not price or resource types it does not price yet: their figure is a lower bound (run `plancost check` for the list)."
        )
    })
}

pub fn render_table(forecast: &Forecast) -> String {
    let mut builder = Builder::default();
    builder.push_record(HEADER);
    for row in rows(forecast, clean) {
        builder.push_record(row);
    }
    let mut table = builder.build();
    table
        .with(Style::rounded())
        .modify(Columns::new(2..6), Alignment::right());
    let mut out = format!("Forecast\n{table}\n");
    if let Some(note) = footnote(forecast) {
        let _ = writeln!(out, "\n{note}");
    }
    out
}

pub fn render_json(forecast: &Forecast) -> String {
    let mut out = serde_json::to_string(forecast).expect("a forecast always serialises");
    out.push('\n');
    out
}

pub fn render_markdown(forecast: &Forecast) -> String {
    let mut out = String::from("## plancost: forecast\n\n");
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|");
    for row in rows(forecast, escape_markdown) {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    if let Some(note) = footnote(forecast) {
        let _ = writeln!(out, "\n{}", note.replacen('*', "\\*", 1));
    }
    out
}

/// The scenarios that carry an estimate, as the HTML report's forecast line.
pub fn html_series(forecast: &Forecast) -> crate::report::html::Forecast {
    crate::report::html::Forecast {
        title: "Growth scenarios: plancost against the estimate".to_string(),
        points: forecast
            .scenarios
            .iter()
            .filter_map(|s| {
                Some(crate::report::html::ForecastPoint {
                    label: s.name.clone(),
                    estimate: s.estimate?,
                    plancost: s.monthly_cost,
                })
            })
            .collect(),
    }
}
