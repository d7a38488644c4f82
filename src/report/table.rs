//! `--format table`: the terminal report. Per project, each resource with its components
//! (quantity, unit, unit price, monthly cost), then totals, what could not be priced (in words,
//! and what that means for the total), what was skipped, and where the prices came from.

use rust_decimal::Decimal;
use tabled::Table;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style, Width};

use super::{Report, money, signed_money};

pub fn render(report: &Report, color: bool) -> String {
    render_fitted(report, color, None)
}

/// The table fitted to a terminal `width` columns wide (see [`fit_width`]).
pub fn render_fitted(report: &Report, color: bool, width: Option<usize>) -> String {
    let bold = |s: &str| paint(color, "1", s);
    let mut out = String::new();
    for project in &report.projects {
        out.push_str(&bold(&format!(
            "Project: {} ({})",
            clean(&project.name),
            clean(&project.path)
        )));
        out.push_str("\n\n");
        let mut builder = Builder::default();
        let mut names = vec!["Resource / component".to_string()];
        builder.push_record([
            "Resource / component",
            "Quantity",
            "Unit",
            "Unit price",
            "Monthly cost",
        ]);
        for r in &project.resources {
            let action = match r.action.as_str() {
                "no-op" => String::new(),
                a => format!(" ({a})"),
            };
            names.push(format!("{}{action}", clean(&r.address)));
            builder.push_record([
                format!("{}{action}", clean(&r.address)),
                String::new(),
                String::new(),
                String::new(),
                money(r.monthly_cost),
            ]);
            let count = r.components.len();
            for (i, c) in r.components.iter().enumerate() {
                let branch = if i + 1 == count { "└─" } else { "├─" };
                names.push(format!(" {branch} {}", clean(&c.name)));
                let cost = match (c.unit_price, c.monthly_cost) {
                    (None, _) => "not priced".to_string(),
                    (Some(_), None) => "depends on usage".to_string(),
                    (Some(_), Some(cost)) => money(cost),
                };
                builder.push_record([
                    format!(" {branch} {}", clean(&c.name)),
                    c.monthly_quantity
                        .map(quantity)
                        .unwrap_or_else(|| "-".into()),
                    clean(&c.unit),
                    c.unit_price.map(unit_price).unwrap_or_else(|| "-".into()),
                    cost,
                ]);
                for note in &c.notes {
                    names.push(format!("     note: {}", clean(note)));
                    builder.push_record([
                        format!("     note: {}", clean(note)),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                }
            }
        }
        let mut table = builder.build();
        table
            .with(Style::rounded())
            .modify(Columns::new(1..2), Alignment::right())
            .modify(Columns::new(3..5), Alignment::right());
        fit_width(&mut table, &names, width);
        out.push_str(&table.to_string());
        out.push('\n');

        out.push_str(&format!(
            "\n{} {}\n",
            bold("Monthly cost:"),
            bold(&money(project.total_monthly_cost))
        ));
        if project.past_total_monthly_cost != Decimal::ZERO
            || project.diff_monthly_cost != project.total_monthly_cost
        {
            out.push_str(&format!(
                "Before the plan: {}   change: {}\n",
                money(project.past_total_monthly_cost),
                change_color(
                    color,
                    project.diff_monthly_cost,
                    &signed_money(project.diff_monthly_cost)
                )
            ));
        }
        let (waiting, missing): (Vec<_>, Vec<_>) =
            project.unpriced.iter().partition(|u| u.usage_missing);
        if !missing.is_empty() {
            out.push_str(&format!(
                "\n{}: {} component(s) could not be priced and are NOT included in the total above:\n",
                paint(color, "1;31", "INCOMPLETE"),
                missing.len()
            ));
            for u in missing {
                out.push_str(&format!(
                    "  - {} / {}: {}\n",
                    clean(&u.address),
                    clean(&u.component),
                    clean(&u.reason)
                ));
            }
        }
        if !waiting.is_empty() {
            out.push_str(&format!(
                "\n{} usage-based component(s) have no price in the price data; with no usage given they add $0.00, but would be unpriced once usage is given:\n",
                waiting.len()
            ));
            for u in waiting {
                out.push_str(&format!(
                    "  - {} / {}: {}\n",
                    clean(&u.address),
                    clean(&u.component),
                    clean(&u.reason)
                ));
            }
        }
        if project.usage_missing > 0 {
            out.push_str(&format!(
                "\n{} usage-based component(s) depend on usage the usage file does not give; they count as $0.00.\n",
                project.usage_missing
            ));
        }
        if !project.skipped.is_empty() {
            let free = project
                .skipped
                .iter()
                .filter(|s| s.reason == "free")
                .count();
            let unsupported: Vec<_> = project
                .skipped
                .iter()
                .filter(|s| s.reason != "free")
                .collect();
            out.push_str(&format!("\n{free} resource(s) are free of charge"));
            if unsupported.is_empty() {
                out.push_str(".\n");
            } else {
                out.push_str(&format!(
                    "; {} are of types plancost does not price yet:\n",
                    unsupported.len()
                ));
                for s in unsupported {
                    out.push_str(&format!(
                        "  - {} ({})\n",
                        clean(&s.address),
                        clean(&s.resource_type)
                    ));
                }
            }
        }
        out.push('\n');
    }
    if report.projects.len() > 1 {
        out.push_str(&bold(&format!(
            "Total monthly cost: {}",
            money(report.total_monthly_cost)
        )));
        out.push_str("\n\n");
    }
    if !report.prices.sources.is_empty() {
        out.push_str("Prices:\n");
        for s in &report.prices.sources {
            out.push_str(&format!(
                "  {} {} {} — {} ({}, {})\n",
                clean(&s.service),
                clean(&s.region),
                clean(&s.version),
                clean(&s.kind),
                clean(&s.file),
                s.origin
            ));
        }
    }
    out
}

/// Removes terminal control characters from text that came from input, so a crafted resource
/// name cannot move the cursor, change colours or hide lines.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

fn quantity(q: Decimal) -> String {
    let q = q.normalize();
    if q.scale() > 4 {
        q.round_dp(4).normalize().to_string()
    } else {
        q.to_string()
    }
}

fn unit_price(p: Decimal) -> String {
    format!("${}", p.normalize())
}

/// The narrowest the name column gets: below this, addresses become unreadable and the table
/// is better left wider than the terminal.
const MIN_NAME_WIDTH: usize = 24;

/// Narrows the first column (resource and component names, wrapped at word boundaries) so the
/// table fits `width`. Only names wrap: money, quantities and prices are never wrapped or cut,
/// so a terminal too narrow for them gets a table wider than itself.
pub fn fit_width(table: &mut Table, names: &[String], width: Option<usize>) {
    let Some(width) = width else {
        return;
    };
    let total = table.total_width();
    if total <= width {
        return;
    }
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let target = longest.saturating_sub(total - width).max(MIN_NAME_WIDTH);
    if target < longest {
        table.modify(Columns::first(), Width::wrap(target).keep_words(true));
    }
}

/// `text` in an ANSI style (`1` bold, `31` red, `32` green) when colour is on.
pub fn paint(color: bool, style: &str, text: &str) -> String {
    if color {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// A cost change in red when it goes up and green when it goes down.
pub fn change_color(color: bool, change: Decimal, text: &str) -> String {
    if change > Decimal::ZERO {
        paint(color, "31", text)
    } else if change < Decimal::ZERO {
        paint(color, "32", text)
    } else {
        text.to_string()
    }
}
