//! The terminal view of a cost change: only what changes, each resource and component with its
//! monthly cost before and after and the difference.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use super::table::{change_color, clean, fit_width, paint};
use super::{ComponentReport, Report, money, percent_change, signed_money};

pub fn render(report: &Report, color: bool) -> String {
    render_fitted(report, color, None)
}

/// The view fitted to a terminal `width` columns wide: only names wrap, never money.
pub fn render_fitted(report: &Report, color: bool, width: Option<usize>) -> String {
    let bold = |s: &str| paint(color, "1", s);
    let mut out = String::new();
    for project in &report.projects {
        out.push_str(&bold(&format!(
            "Project: {} ({})",
            clean(&project.name),
            clean(&project.path)
        )));
        out.push('\n');
        let changed: Vec<_> = project
            .resources
            .iter()
            .filter(|r| r.action.is_change() || r.monthly_cost != r.past_monthly_cost)
            .collect();
        if changed.is_empty() {
            out.push_str("\nNo cost change.\n\n");
            continue;
        }
        let mut builder = Builder::default();
        builder.push_record(["Resource / component", "Before", "After", "Change"]);
        let mut names = vec!["Resource / component".to_string()];
        for r in changed {
            names.push(format!("{} ({})", clean(&r.address), r.action.as_str()));
            builder.push_record([
                format!("{} ({})", clean(&r.address), r.action.as_str()),
                money(r.past_monthly_cost),
                money(r.monthly_cost),
                signed_money(r.monthly_cost - r.past_monthly_cost),
            ]);
            for (name, before, after) in component_changes(&r.past_components, &r.components) {
                names.push(format!("  {}", clean(name)));
                builder.push_record([
                    format!("  {}", clean(name)),
                    before.map(money).unwrap_or_else(|| "-".into()),
                    after.map(money).unwrap_or_else(|| "-".into()),
                    signed_money(after.unwrap_or_default() - before.unwrap_or_default()),
                ]);
            }
        }
        let mut table = builder.build();
        table
            .with(Style::rounded())
            .modify(Columns::new(1..4), Alignment::right());
        fit_width(&mut table, &names, width);
        out.push_str(&table.to_string());
        out.push('\n');
        out.push_str(&format!(
            "\nMonthly cost: {} → {} ({}{})\n",
            money(project.past_total_monthly_cost),
            money(project.total_monthly_cost),
            change_color(
                color,
                project.diff_monthly_cost,
                &signed_money(project.diff_monthly_cost)
            ),
            percent_suffix(project.diff_monthly_cost, project.past_total_monthly_cost)
        ));
        let unpriced_changes: Vec<_> = project.unpriced.iter().filter(|u| u.changed).collect();
        if !unpriced_changes.is_empty() {
            out.push_str(&format!(
                "\n{}: {} changed component(s) could not be priced; their change is not in the figures above:\n",
                paint(color, "1;31", "INCOMPLETE"),
                unpriced_changes.len()
            ));
            for u in unpriced_changes {
                out.push_str(&format!(
                    "  - {} / {}: {}\n",
                    clean(&u.address),
                    clean(&u.component),
                    clean(&u.reason)
                ));
            }
        }
        out.push('\n');
    }
    if report.projects.len() > 1 {
        out.push_str(&bold(&format!(
            "Total: {} → {} ({}{})",
            money(report.past_total_monthly_cost),
            money(report.total_monthly_cost),
            signed_money(report.diff_monthly_cost),
            percent_suffix(report.diff_monthly_cost, report.past_total_monthly_cost)
        )));
        out.push('\n');
    }
    out
}

/// Components matched by name: (name, cost before, cost after), in order of appearance, only
/// those whose cost differs.
pub fn component_changes<'a>(
    before: &'a [ComponentReport],
    after: &'a [ComponentReport],
) -> Vec<(&'a str, Option<Decimal>, Option<Decimal>)> {
    let mut rows: Vec<(&str, Option<Decimal>, Option<Decimal>)> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for c in before {
        index.insert(&c.name, rows.len());
        rows.push((&c.name, Some(c.monthly_cost.unwrap_or_default()), None));
    }
    for c in after {
        let cost = Some(c.monthly_cost.unwrap_or_default());
        match index.get(c.name.as_str()) {
            Some(&i) => rows[i].2 = cost,
            None => rows.push((&c.name, None, cost)),
        }
    }
    rows.retain(|(_, b, a)| b != a);
    rows
}

/// `, +12.3%` after a change; empty when there was nothing before.
fn percent_suffix(change: Decimal, before: Decimal) -> String {
    percent_change(change, before).map_or_else(String::new, |p| format!(", {p}"))
}
