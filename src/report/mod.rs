//! The report: the priced result of one run, as the JSON contract of DESIGN.md §3 lays it out.
//! Every output format renders this one structure; `diff --compare-to`, `merge` and `comment`
//! read it back from JSON.

pub mod comment_markdown;
pub mod diff_table;
pub mod html;
pub mod infracost;
pub mod json;
pub mod mermaid;
pub mod table;
pub mod verdict;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::{Action, Category};

pub const SCHEMA_VERSION: &str = "1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub generated_at: String,
    pub currency: String,
    pub prices: PricesInfo,
    pub projects: Vec<ProjectReport>,
    pub total_monthly_cost: Decimal,
    pub past_total_monthly_cost: Decimal,
    pub diff_monthly_cost: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricesInfo {
    /// Which price data answered: `bundled`, `cache`, `file` (several joined by `+`).
    pub snapshot: String,
    pub sources: Vec<SourceInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceInfo {
    pub service: String,
    pub region: String,
    pub version: String,
    pub publication_date: String,
    pub origin: String,
    pub kind: String,
    pub file: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectReport {
    pub name: String,
    pub path: String,
    pub resources: Vec<ResourceReport>,
    pub unpriced: Vec<Unpriced>,
    pub skipped: Vec<Skipped>,
    pub categories: BTreeMap<Category, Decimal>,
    pub total_monthly_cost: Decimal,
    pub past_total_monthly_cost: Decimal,
    pub diff_monthly_cost: Decimal,
    /// Usage-based components with no usage value: shown with their unit price, counted as 0.
    pub usage_missing: usize,
    /// False when the input says nothing of what exists before the change (an HCL directory
    /// priced without a plan): increase policies then have no baseline and are not applied.
    #[serde(default = "yes")]
    pub baseline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceReport {
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub region: String,
    pub category: Category,
    pub action: Action,
    pub monthly_cost: Decimal,
    pub past_monthly_cost: Decimal,
    pub components: Vec<ComponentReport>,
    /// The components before the change, for resources the plan (or the comparison) changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub past_components: Vec<ComponentReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentReport {
    pub name: String,
    pub unit: String,
    /// `null` when it depends on usage the usage file does not give.
    pub monthly_quantity: Option<Decimal>,
    /// Price per `unit`; `null` when the price could not be found (see `unpriced`).
    pub unit_price: Option<Decimal>,
    /// `null` when unpriced or when the quantity depends on missing usage.
    pub monthly_cost: Option<Decimal>,
    pub usage_based: bool,
    pub price: Option<Provenance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot: Option<SpotInfo>,
}

/// Where a unit price came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub sku: Option<String>,
    pub rate_code: Option<String>,
    pub effective_date: Option<String>,
    /// `SERVICE REGION VERSION (kind, file, origin)`.
    pub source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierInfo {
    pub begin: Decimal,
    pub end: Option<Decimal>,
    pub unit_price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotInfo {
    pub on_demand_unit_price: Option<Decimal>,
    pub savings_percent: Option<i32>,
    pub interruption: Option<String>,
    /// `spot advisor` or `usage file`.
    pub basis: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unpriced {
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub component: String,
    pub reason: String,
    /// True when the plan changes this resource (a policy may fail on it).
    #[serde(default)]
    pub changed: bool,
    /// True when the component's quantity also depends on usage the usage file does not give:
    /// it adds nothing to the total either way, so no policy fails on it until usage is given.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub usage_missing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub address: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    /// `free` or `unsupported`.
    pub reason: String,
    /// True when the plan changes this resource: an unsupported one that changes is a cost the
    /// report cannot show, which `fail_on_unpriced` treats as unpriced.
    #[serde(default)]
    pub changed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetReport {
    pub status: Status,
    pub checks: Vec<BudgetCheck>,
}

/// The verdict of one check, or of all of them (the worst one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// What a check's limit and actual count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckUnit {
    /// US dollars per month.
    Usd,
    Percent,
    /// A number of resources.
    Count,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetCheck {
    /// The project the check belongs to.
    #[serde(default)]
    pub project: String,
    /// `total`, `category:compute`, `max_monthly_increase`, `max_monthly_increase_percent`,
    /// `unpriced_changed_resources`.
    pub name: String,
    #[serde(default = "usd")]
    pub unit: CheckUnit,
    pub limit: Decimal,
    pub actual: Decimal,
    /// `limit - actual`: negative when the limit is exceeded.
    #[serde(default)]
    pub headroom: Decimal,
    /// The actual above which the check warns (`warn_percent` of the limit), when there is a
    /// warning band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_above: Option<Decimal>,
    pub status: Status,
}

fn usd() -> CheckUnit {
    CheckUnit::Usd
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    /// Markdown for pull-request comments, under GitHub's comment size limit.
    Markdown,
    /// One self-contained HTML page with charts (`html.rs`).
    Html,
    /// Infracost's JSON output, version 0.2 (`infracost.rs`).
    InfracostJson,
}

/// Renders a report in `format`. `color` applies to terminal formats only.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Table => render_for_terminal(report, format, color, None),
        Format::Json => json::render(report),
        Format::Markdown => {
            comment_markdown::render(report, &comment_markdown::CommentOptions::default())
        }
        Format::Html => html::render(report),
        Format::InfracostJson => infracost::render(report),
    }
}

/// Renders a report for a terminal `width` columns wide (`None`: as wide as it needs). Only
/// the table narrows, by wrapping names; other formats are the same as [`render`].
pub fn render_for_terminal(
    report: &Report,
    format: Format,
    color: bool,
    width: Option<usize>,
) -> String {
    match format {
        Format::Table => {
            let mut out = table::render_fitted(report, color, width);
            if let Some(budget) = &report.budget {
                out.push_str(&verdict::render(budget, color));
            }
            out
        }
        other => render(report, other, color),
    }
}

/// Writes a report as [`render_for_terminal`] renders it: JSON is serialised straight into
/// `out` (the report of a large plan is tens of MB, not worth holding as one string).
pub fn write_for_terminal(
    report: &Report,
    format: Format,
    color: bool,
    width: Option<usize>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        other => out.write_all(render_for_terminal(report, other, color, width).as_bytes()),
    }
}

/// Money with its sign, for changes: `+$1.00` up, `-$1.00` down, `$0.00` none.
pub fn signed_money(amount: Decimal) -> String {
    if amount > Decimal::ZERO {
        format!("+{}", money(amount))
    } else {
        money(amount)
    }
}

/// A change as a percentage of the amount before, to one decimal rounded half away from zero,
/// with its sign (`+12.3%`); `None` when there was nothing before to compare with.
pub fn percent_change(change: Decimal, before: Decimal) -> Option<String> {
    if before.is_zero() {
        return None;
    }
    let p = (change * Decimal::ONE_HUNDRED / before)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    Some(if p > Decimal::ZERO {
        format!("+{p:.1}%")
    } else {
        format!("{p:.1}%")
    })
}

/// Money for people: rounded half away from zero to cents, with thousands separators.
pub fn money(amount: Decimal) -> String {
    let rounded =
        amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.2}", rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${grouped}.{frac}")
}

impl BudgetCheck {
    /// A check in dollars, outside any warning band: for hand-made reports (tests, tools).
    pub fn usd(project: &str, name: &str, limit: Decimal, actual: Decimal, status: Status) -> Self {
        BudgetCheck {
            project: project.to_string(),
            name: name.to_string(),
            unit: CheckUnit::Usd,
            limit,
            actual,
            headroom: limit - actual,
            warn_above: None,
            status,
        }
    }
}

impl ProjectReport {
    /// Recomputes categories and totals from the resources (after a comparison changed them).
    pub fn recompute_totals(&mut self) {
        let mut categories: BTreeMap<Category, Decimal> =
            Category::ALL.iter().map(|c| (*c, Decimal::ZERO)).collect();
        for r in &self.resources {
            *categories.entry(r.category).or_default() += r.monthly_cost;
        }
        self.categories = categories
            .into_iter()
            .map(|(c, d)| (c, d.normalize()))
            .collect();
        self.total_monthly_cost = self
            .resources
            .iter()
            .map(|r| r.monthly_cost)
            .sum::<Decimal>()
            .normalize();
        self.past_total_monthly_cost = self
            .resources
            .iter()
            .map(|r| r.past_monthly_cost)
            .sum::<Decimal>()
            .normalize();
        self.diff_monthly_cost =
            (self.total_monthly_cost - self.past_total_monthly_cost).normalize();
    }
}

impl Report {
    /// Recomputes the report's totals from its projects.
    pub fn recompute_totals(&mut self) {
        self.total_monthly_cost = self
            .projects
            .iter()
            .map(|p| p.total_monthly_cost)
            .sum::<Decimal>()
            .normalize();
        self.past_total_monthly_cost = self
            .projects
            .iter()
            .map(|p| p.past_total_monthly_cost)
            .sum::<Decimal>()
            .normalize();
        self.diff_monthly_cost =
            (self.total_monthly_cost - self.past_total_monthly_cost).normalize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_rounds_half_away_from_zero_and_groups_thousands() {
        assert_eq!(money("121.472".parse().unwrap()), "$121.47");
        assert_eq!(money("0.005".parse().unwrap()), "$0.01");
        assert_eq!(money("1234567.5".parse().unwrap()), "$1,234,567.50");
        assert_eq!(money("-73".parse().unwrap()), "-$73.00");
        assert_eq!(money(Decimal::ZERO), "$0.00");
    }
}
