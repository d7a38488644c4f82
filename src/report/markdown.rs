//! `--format markdown`: the report as GitHub-flavoured Markdown, for pull-request comments and
//! job summaries. Headline totals, one row per project (before, after, change, budget status),
//! the budget verdict, what could not be priced or was skipped, a collapsible per-resource
//! breakdown and, last, where the prices came from.
//!
//! Every string that came from the input (project names, paths, addresses, component names,
//! reasons) goes through [`escape`], so a crafted resource name cannot inject Markdown or HTML
//! into the page: no links, images, code spans, emphasis, table cells, mentions or tags.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::verdict::{amount, check_label, summary, threshold};
use super::{Report, Status, money};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## plancost: monthly cost estimate\n");
    let _ = write!(
        out,
        "**Total monthly cost: {}**",
        money(report.total_monthly_cost)
    );
    if report.past_total_monthly_cost != Decimal::ZERO
        || report.diff_monthly_cost != report.total_monthly_cost
    {
        let _ = write!(
            out,
            " (before: {}, change: {})",
            money(report.past_total_monthly_cost),
            signed(report.diff_monthly_cost)
        );
    }
    out.push_str("\n\n");
    if let Some(budget) = &report.budget {
        let _ = writeln!(
            out,
            "**Budget: {}** — {}\n",
            badge(budget.status),
            summary(budget)
        );
    }

    let _ = writeln!(out, "| Project | Before | After | Change | Budget |");
    let _ = writeln!(out, "|---|---:|---:|---:|---|");
    for p in &report.projects {
        let status = report.budget.as_ref().and_then(|b| {
            b.checks
                .iter()
                .filter(|c| c.project == p.name)
                .map(|c| c.status)
                .max()
        });
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            escape(&p.name),
            money(p.past_total_monthly_cost),
            money(p.total_monthly_cost),
            signed(p.diff_monthly_cost),
            status.map(badge).unwrap_or_else(|| "—".into())
        );
    }
    out.push('\n');

    if let Some(budget) = report.budget.as_ref().filter(|b| !b.checks.is_empty()) {
        let _ = writeln!(out, "### Budget verdict\n");
        let _ = writeln!(
            out,
            "| Project | Check | Threshold | Actual | Headroom | Status |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---|");
        for c in &budget.checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                escape(&c.project),
                escape(&check_label(&c.name)),
                threshold(c),
                amount(c.unit, c.actual),
                amount(c.unit, c.headroom),
                badge(c.status)
            );
        }
        out.push('\n');
    }

    for p in &report.projects {
        if !p.unpriced.is_empty() {
            let _ = writeln!(
                out,
                "**{}: {} component(s) could not be priced and are not in the totals:**\n",
                escape(&p.name),
                p.unpriced.len()
            );
            for u in &p.unpriced {
                let _ = writeln!(
                    out,
                    "- {} / {}: {}",
                    escape(&u.address),
                    escape(&u.component),
                    escape(&u.reason)
                );
            }
            out.push('\n');
        }
        let unsupported: Vec<_> = p.skipped.iter().filter(|s| s.reason != "free").collect();
        let free = p.skipped.len() - unsupported.len();
        if !p.skipped.is_empty() {
            let _ = write!(
                out,
                "{}: {free} resource(s) free of charge",
                escape(&p.name)
            );
            if unsupported.is_empty() {
                out.push_str(".\n\n");
            } else {
                let _ = writeln!(
                    out,
                    "; {} of types plancost does not price yet:\n",
                    unsupported.len()
                );
                for s in unsupported {
                    let _ = writeln!(
                        out,
                        "- {} ({})",
                        escape(&s.address),
                        escape(&s.resource_type)
                    );
                }
                out.push('\n');
            }
        }
    }

    for p in &report.projects {
        let _ = writeln!(
            out,
            "<details><summary>Resource breakdown: {} ({})</summary>\n",
            escape(&p.name),
            money(p.total_monthly_cost)
        );
        let _ = writeln!(
            out,
            "| Resource | Component | Quantity | Unit price | Monthly cost |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|");
        for r in &p.resources {
            let _ = writeln!(
                out,
                "| {} ({}) | | | | {} |",
                escape(&r.address),
                r.action.as_str(),
                money(r.monthly_cost)
            );
            for c in &r.components {
                let cost = match (c.unit_price, c.monthly_cost) {
                    (None, _) => "not priced".to_string(),
                    (Some(_), None) => "depends on usage".to_string(),
                    (Some(_), Some(cost)) => money(cost),
                };
                let _ = writeln!(
                    out,
                    "| | {} | {} | {} | {} |",
                    escape(&c.name),
                    c.monthly_quantity
                        .map(|q| format!("{} {}", q.normalize(), escape(&c.unit)))
                        .unwrap_or_else(|| "—".into()),
                    c.unit_price
                        .map(|p| format!("${}", p.normalize()))
                        .unwrap_or_else(|| "—".into()),
                    cost
                );
            }
        }
        out.push_str("\n</details>\n\n");
    }

    if !report.prices.sources.is_empty() {
        out.push_str("<sub>Prices: ");
        let sources: Vec<String> = report
            .prices
            .sources
            .iter()
            .map(|s| {
                format!(
                    "{} {} {} ({}, {})",
                    escape(&s.service),
                    escape(&s.region),
                    escape(&s.version),
                    escape(&s.file),
                    escape(&s.origin)
                )
            })
            .collect();
        out.push_str(&sources.join("; "));
        let _ = writeln!(
            out,
            ". Generated {} by plancost. Spot prices are estimates.</sub>",
            escape(&report.generated_at)
        );
    }
    out
}

fn badge(status: Status) -> String {
    match status {
        Status::Ok => "✅ ok",
        Status::Warn => "⚠️ warn",
        Status::Fail => "❌ fail",
    }
    .to_string()
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", money(d))
    } else {
        money(d)
    }
}

/// Makes input text inert in Markdown and HTML: characters that start markup become numeric
/// character references (rendered as themselves), line breaks and control characters become
/// spaces (a newline would end a table row), and `://` loses its power to make a link.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' | '`' | '[' | ']' | '*' | '_' | '\\' | '~' | '#' | '!' | '@' | '$' | ':' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if c.is_control() => out.push(' '),
            // Line and paragraph separators end lines in some renderers.
            '\u{2028}' | '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        let hostile = "a|b`c<script>[x](http://e)*_\n# @team ![i](j) ~~s~~ \\";
        let e = escape(hostile);
        // What is left once the character references are taken out must be plain text.
        let mut bare = String::new();
        let mut in_reference = false;
        for c in e.chars() {
            match c {
                '&' => in_reference = true,
                ';' if in_reference => in_reference = false,
                c if !in_reference => bare.push(c),
                _ => {}
            }
        }
        for bad in [
            "|", "`", "<", ">", "[", "]", "*", "_", "\n", "@", ":", "#", "!", "~", "\\",
        ] {
            assert!(!bare.contains(bad), "{bad:?} survives in {e}");
        }
        assert_eq!(
            escape("module.x.aws_y.z[\"k\"]"),
            "module.x.aws&#95;y.z&#91;&quot;k&quot;&#93;"
        );
        assert_eq!(escape("plain words 42"), "plain words 42");
    }
}
