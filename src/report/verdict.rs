//! The verdict table of `plancost check`: one row per check (threshold, actual, headroom,
//! status), after the cost table.

use rust_decimal::Decimal;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use super::table::clean;
use super::{BudgetCheck, BudgetReport, CheckUnit, Status, money};

pub fn render(budget: &BudgetReport, color: bool) -> String {
    let mut out = String::new();
    if budget.checks.is_empty() {
        out.push_str("No budgets or policies are configured: nothing to check.\n");
        return out;
    }
    let mut builder = Builder::default();
    builder.push_record([
        "Project / check",
        "Threshold",
        "Actual",
        "Headroom",
        "Status",
    ]);
    for c in &budget.checks {
        builder.push_record([
            format!("{} / {}", clean(&c.project), check_label(&c.name)),
            threshold(c),
            amount(c.unit, c.actual),
            amount(c.unit, c.headroom),
            paint(c.status, color),
        ]);
    }
    let mut table = builder.build();
    table
        .with(Style::rounded())
        .modify(Columns::new(1..4), Alignment::right());
    out.push_str("\nBudget verdict\n");
    out.push_str(&table.to_string());
    out.push('\n');
    out.push_str(&format!("\n{}\n", summary(budget)));
    out
}

/// `Verdict: FAIL (2 of 9 checks failed, 1 in the warning band)`.
pub fn summary(budget: &BudgetReport) -> String {
    let failed = budget
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .count();
    let warned = budget
        .checks
        .iter()
        .filter(|c| c.status == Status::Warn)
        .count();
    let total = budget.checks.len();
    let mut text = format!(
        "Verdict: {} ({failed} of {total} checks failed",
        budget.status.as_str().to_uppercase()
    );
    if warned > 0 {
        text.push_str(&format!(", {warned} in the warning band"));
    }
    text.push(')');
    text
}

/// A check's name for people.
pub fn check_label(name: &str) -> String {
    match name {
        "total" => "total".into(),
        "max_monthly_increase" => "monthly increase".into(),
        "max_monthly_increase_percent" => "monthly increase %".into(),
        "unpriced_changed_resources" => "unpriced changed resources".into(),
        other => match other.strip_prefix("category:") {
            Some(category) => clean(category),
            None => clean(other),
        },
    }
}

/// The limit, with the warning band when there is one.
pub fn threshold(c: &BudgetCheck) -> String {
    let limit = amount(c.unit, c.limit);
    match c.warn_above {
        Some(w) if !c.limit.is_zero() => {
            let percent = (w * Decimal::ONE_HUNDRED / c.limit).round_dp(2).normalize();
            format!("{limit} (warn > {percent}%)")
        }
        _ => limit,
    }
}

pub fn amount(unit: CheckUnit, value: Decimal) -> String {
    match unit {
        CheckUnit::Usd => money(value),
        CheckUnit::Percent => format!("{}%", value.round_dp(2).normalize()),
        CheckUnit::Count => value.normalize().to_string(),
    }
}

fn paint(status: Status, color: bool) -> String {
    let text = status.as_str().to_uppercase();
    if !color {
        return text;
    }
    let code = match status {
        Status::Ok => "32",
        Status::Warn => "33",
        Status::Fail => "31",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
