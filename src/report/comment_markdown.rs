//! `--format markdown` and the body of PR/MR comments: the cost change at a glance (headline and
//! a table per project), the budget verdict, what could not be priced or was skipped, a
//! collapsible per-resource breakdown, and where the prices came from.
//!
//! Everything a Terraform configuration or a report file controls (addresses, project names,
//! component names, reasons, price sources) goes through [`escape_markdown`] or [`escape_html`],
//! so a crafted resource name renders as text: it cannot close a `<details>`, add HTML or a link,
//! break a table, or mention a person or an issue.
//!
//! A comment has a size limit (GitHub: 65,536 characters). The body is rendered at decreasing
//! levels of detail until it fits: the per-component lines go first, then the per-resource lists,
//! then the lists of unpriced and skipped resources (down to their counts). Headline, project
//! totals and the budget verdict are never cut; the body says what it left out.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::diff_table::component_changes;
use super::{
    BudgetCheck, BudgetReport, ProjectReport, Report, ResourceReport, Status, money,
    percent_change, signed_money,
};

/// GitHub's limit on an issue or pull-request comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;
/// GitLab's limit on a note, in characters.
pub const GITLAB_NOTE_LIMIT: usize = 1_000_000;

/// User-controlled strings longer than this are shortened before escaping, so one absurd name
/// cannot take the whole comment.
const MAX_FIELD_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentOptions {
    /// The most characters the body may have, marker included.
    pub max_chars: usize,
    /// A first line the body starts with (the hidden marker of `plancost comment`). It is
    /// written as given: the caller builds it from validated parts.
    pub marker: Option<String>,
    /// A Mermaid pie of cost by category after the projects table: GitHub and GitLab draw it;
    /// other platforms show its source, so it is off unless asked for.
    pub chart: bool,
}

impl Default for CommentOptions {
    fn default() -> Self {
        CommentOptions {
            max_chars: GITHUB_COMMENT_LIMIT,
            marker: None,
            chart: false,
        }
    }
}

/// How much detail a body carries, from most to least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Detail {
    /// Per-resource breakdown with each component's change.
    Components,
    /// Per-resource breakdown, one line a resource.
    Resources,
    /// No per-resource breakdown; unpriced and skipped resources listed.
    Lists,
    /// Unpriced and skipped resources as counts only.
    Counts,
}

/// The comment body: the most detailed rendering that fits `options.max_chars`.
///
/// When even the least detailed one does not fit (thousands of projects), it is returned as it
/// is: totals are never cut, and the platform's refusal says why.
pub fn render(report: &Report, options: &CommentOptions) -> String {
    let levels = [
        Detail::Components,
        Detail::Resources,
        Detail::Lists,
        Detail::Counts,
    ];
    let mut body = String::new();
    for level in levels {
        body = render_at(report, options, level);
        if body.chars().count() <= options.max_chars {
            break;
        }
    }
    body
}

fn render_at(report: &Report, options: &CommentOptions, detail: Detail) -> String {
    let mut out = String::new();
    if let Some(marker) = &options.marker {
        out.push_str(marker);
        out.push('\n');
    }
    headline(&mut out, report);
    projects_table(&mut out, report);
    if options.chart {
        // Only category names and amounts go into the chart: nothing from the input.
        let chart = super::mermaid::mermaid_cost_by_category(report);
        if !chart.is_empty() {
            out.push_str(&chart);
            out.push('\n');
        }
    }
    if let Some(budget) = &report.budget {
        budget_section(&mut out, budget);
    }
    unpriced_section(&mut out, report, detail);
    skipped_section(&mut out, report, detail);
    if detail <= Detail::Resources {
        for project in &report.projects {
            breakdown_details(&mut out, project, detail);
        }
    }
    if detail > Detail::Components {
        let what = match detail {
            Detail::Components => "",
            Detail::Resources => "The per-component lines were",
            Detail::Lists => "The per-resource breakdown was",
            Detail::Counts => {
                "The per-resource breakdown and the lists of unpriced and skipped resources were"
            }
        };
        out.push_str(&format!(
            "\n> [!NOTE]\n> {what} left out to keep this comment under {} characters. \
             `--format json` or `--format table` shows everything.\n",
            group_thousands(options.max_chars)
        ));
    }
    footnote(&mut out, report);
    out
}

fn headline(out: &mut String, report: &Report) {
    let change = report.diff_monthly_cost;
    let before = report.past_total_monthly_cost;
    let after = report.total_monthly_cost;
    let text = if change > Decimal::ZERO {
        format!(
            "Monthly cost up by {}{}",
            money(change),
            percent_change(change, before)
                .map(|p| format!(" ({p})"))
                .unwrap_or_default()
        )
    } else if change < Decimal::ZERO {
        format!(
            "Monthly cost down by {}{}",
            money(-change),
            percent_change(change, before)
                .map(|p| format!(" ({p})"))
                .unwrap_or_default()
        )
    } else {
        "Monthly cost unchanged".to_string()
    };
    out.push_str(&format!("### 💰 plancost: {text}\n\n"));
    out.push_str(&format!(
        "**{} → {}** per month\n\n",
        money(before),
        money(after)
    ));
}

fn projects_table(out: &mut String, report: &Report) {
    let budget = report.budget.as_ref();
    let mut header = "| Project | Before | After | Change |".to_string();
    let mut rule = "| --- | ---: | ---: | ---: |".to_string();
    if budget.is_some() {
        header.push_str(" Budget |");
        rule.push_str(" :---: |");
    }
    out.push_str(&header);
    out.push('\n');
    out.push_str(&rule);
    out.push('\n');
    for project in &report.projects {
        let mut row = format!(
            "| {} | {} | {} | {} |",
            field(&project.name),
            money(project.past_total_monthly_cost),
            money(project.total_monthly_cost),
            change_with_percent(project.diff_monthly_cost, project.past_total_monthly_cost),
        );
        if let Some(budget) = budget {
            let checks = project_checks(budget, &project.name);
            let status = worst_status(&checks);
            row.push_str(&format!(" {} |", status.map_or("—", status_badge)));
        }
        out.push_str(&row);
        out.push('\n');
    }
    if report.projects.len() > 1 {
        let mut row = format!(
            "| **Total** | **{}** | **{}** | **{}** |",
            money(report.past_total_monthly_cost),
            money(report.total_monthly_cost),
            change_with_percent(report.diff_monthly_cost, report.past_total_monthly_cost),
        );
        if let Some(budget) = budget {
            row.push_str(&format!(" **{}** |", status_badge(budget.status)));
        }
        out.push_str(&row);
        out.push('\n');
    }
    if report.projects.is_empty() {
        out.push_str("| *(no projects)* | | | |\n");
    }
    out.push('\n');
}

/// The checks of one project.
fn project_checks<'a>(budget: &'a BudgetReport, project: &str) -> Vec<&'a BudgetCheck> {
    budget
        .checks
        .iter()
        .filter(|c| c.project == project)
        .collect()
}

fn worst_status(checks: &[&BudgetCheck]) -> Option<Status> {
    checks.iter().map(|c| c.status).max()
}

fn status_badge(status: Status) -> &'static str {
    match status {
        Status::Ok => "✅ ok",
        Status::Warn => "⚠️ warn",
        Status::Fail => "❌ fail",
    }
}

fn budget_section(out: &mut String, budget: &BudgetReport) {
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
    out.push_str(&format!(
        "#### Budget and policy: {}\n\n",
        status_badge(budget.status)
    ));
    if budget.checks.is_empty() {
        out.push_str("No budget or policy checks are configured.\n\n");
        return;
    }
    out.push_str(&format!(
        "{} check(s): {} failed, {} warned.\n\n",
        budget.checks.len(),
        failed,
        warned
    ));
    out.push_str("| Check | Limit | Actual | Status |\n| --- | ---: | ---: | :---: |\n");
    // Failures first, then warnings, each in the report's order.
    let mut checks: Vec<&BudgetCheck> = budget.checks.iter().collect();
    checks.sort_by_key(|c| std::cmp::Reverse(c.status));
    for c in checks {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            field(&format!(
                "{} / {}",
                c.project,
                super::verdict::check_label(&c.name)
            )),
            // Amounts are plancost's own formatting of numbers: nothing to escape.
            super::verdict::threshold(c),
            super::verdict::amount(c.unit, c.actual),
            status_badge(c.status)
        ));
    }
    out.push('\n');
}

fn unpriced_section(out: &mut String, report: &Report, detail: Detail) {
    let count: usize = report.projects.iter().map(|p| p.unpriced.len()).sum();
    if count == 0 {
        return;
    }
    let changed: usize = report
        .projects
        .iter()
        .map(|p| p.unpriced.iter().filter(|u| u.changed).count())
        .sum();
    out.push_str(&format!(
        "#### ⚠️ Not priced: {count} component(s), {changed} of them changed by this plan\n\n\
         Their cost is not in the figures above.\n\n"
    ));
    if detail >= Detail::Counts {
        return;
    }
    out.push_str("| Project | Resource | Component | Reason |\n| --- | --- | --- | --- |\n");
    for project in &report.projects {
        // Changed resources first: they are what this change leaves unaccounted for.
        let mut rows: Vec<_> = project.unpriced.iter().collect();
        rows.sort_by_key(|u| !u.changed);
        for u in rows {
            out.push_str(&format!(
                "| {} | {}{} | {} | {} |\n",
                field(&project.name),
                field(&u.address),
                if u.changed { " **(changed)**" } else { "" },
                field(&u.component),
                field(&u.reason)
            ));
        }
    }
    out.push('\n');
}

fn skipped_section(out: &mut String, report: &Report, detail: Detail) {
    let free: usize = report
        .projects
        .iter()
        .map(|p| p.skipped.iter().filter(|s| s.reason == "free").count())
        .sum();
    let mut unsupported: BTreeMap<&str, usize> = BTreeMap::new();
    let mut other = 0;
    for s in report.projects.iter().flat_map(|p| &p.skipped) {
        match s.reason.as_str() {
            "free" => {}
            "unsupported" => *unsupported.entry(s.resource_type.as_str()).or_default() += 1,
            _ => other += 1,
        }
    }
    let unsupported_count: usize = unsupported.values().sum();
    if free + unsupported_count + other == 0 {
        return;
    }
    let mut text = format!(
        "**Skipped:** {free} free resource(s), {unsupported_count} of type(s) plancost does not price"
    );
    if other > 0 {
        text.push_str(&format!(", {other} for other reasons"));
    }
    text.push('.');
    if detail < Detail::Counts && !unsupported.is_empty() {
        let types: Vec<String> = unsupported
            .iter()
            .map(|(t, n)| {
                if *n > 1 {
                    format!("{} ×{n}", field(t))
                } else {
                    field(t)
                }
            })
            .collect();
        text.push_str(&format!(" Not priced types: {}.", types.join(", ")));
    }
    let usage_missing: usize = report.projects.iter().map(|p| p.usage_missing).sum();
    if usage_missing > 0 {
        text.push_str(&format!(
            " {usage_missing} usage-based component(s) have no usage value and count as $0 \
             (give them in a usage file)."
        ));
    }
    out.push_str(&text);
    out.push_str("\n\n");
}

fn is_changed(r: &ResourceReport) -> bool {
    r.action.is_change() || r.monthly_cost != r.past_monthly_cost
}

/// A collapsed section per project: the resources this change touches with their change, or,
/// when nothing changes, every priced resource with its monthly cost.
fn breakdown_details(out: &mut String, project: &ProjectReport, detail: Detail) {
    let changed: Vec<&ResourceReport> =
        project.resources.iter().filter(|r| is_changed(r)).collect();
    let with_components = detail == Detail::Components;
    if !changed.is_empty() {
        out.push_str(&format!(
            "<details><summary>Cost change by resource: {} ({} resource(s))</summary>\n\n",
            escape_html(&shorten(&project.name)),
            changed.len()
        ));
        out.push_str("| Resource | Before | After | Change |\n| --- | ---: | ---: | ---: |\n");
        for r in changed {
            out.push_str(&format!(
                "| {} ({}) | {} | {} | {} |\n",
                field(&r.address),
                r.action.as_str(),
                money(r.past_monthly_cost),
                money(r.monthly_cost),
                signed_money(r.monthly_cost - r.past_monthly_cost)
            ));
            if with_components {
                for (name, before, after) in component_changes(&r.past_components, &r.components) {
                    out.push_str(&format!(
                        "| ↳ {} | {} | {} | {} |\n",
                        field(name),
                        before.map(money).unwrap_or_else(|| "—".into()),
                        after.map(money).unwrap_or_else(|| "—".into()),
                        signed_money(after.unwrap_or_default() - before.unwrap_or_default())
                    ));
                }
            }
        }
    } else {
        let priced: Vec<&ResourceReport> = project
            .resources
            .iter()
            .filter(|r| !r.components.is_empty())
            .collect();
        if priced.is_empty() {
            return;
        }
        out.push_str(&format!(
            "<details><summary>Monthly cost by resource: {} ({} resource(s))</summary>\n\n",
            escape_html(&shorten(&project.name)),
            priced.len()
        ));
        out.push_str("| Resource | Monthly cost |\n| --- | ---: |\n");
        for r in priced {
            out.push_str(&format!(
                "| {} | {} |\n",
                field(&r.address),
                money(r.monthly_cost)
            ));
            if with_components {
                for c in &r.components {
                    let cost = match (c.unit_price, c.monthly_cost) {
                        (None, _) => "not priced".to_string(),
                        (Some(_), None) => "depends on usage".to_string(),
                        (Some(_), Some(cost)) => money(cost),
                    };
                    out.push_str(&format!("| ↳ {} | {} |\n", field(&c.name), cost));
                }
            }
        }
    }
    out.push_str("\n</details>\n\n");
}

fn footnote(out: &mut String, report: &Report) {
    let sources: Vec<String> = report
        .prices
        .sources
        .iter()
        .map(|s| {
            let mut text = format!("{} {} {}", s.service, s.region, s.version);
            let dated = !matches!(s.publication_date.as_str(), "" | "undated");
            if dated && s.publication_date != s.version {
                text.push_str(&format!(" (published {})", s.publication_date));
            }
            escape_html(&shorten(&text))
        })
        .collect();
    out.push_str(&format!(
        "\n<sub>Prices: {} data{}{}. Report generated {} by plancost {}. \
         Monthly = 730 hours; money in {}.</sub>\n",
        escape_html(&shorten(&report.prices.snapshot)),
        if sources.is_empty() { "" } else { ": " },
        sources.join(" · "),
        escape_html(&shorten(&report.generated_at)),
        env!("CARGO_PKG_VERSION"),
        escape_html(&shorten(&report.currency)),
    ));
}

fn change_with_percent(change: Decimal, before: Decimal) -> String {
    match percent_change(change, before) {
        Some(p) => format!("{} ({p})", signed_money(change)),
        None => signed_money(change),
    }
}

fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A user-controlled string for a Markdown context, shortened and escaped.
fn field(text: &str) -> String {
    escape_markdown(&shorten(text))
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_FIELD_CHARS {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(MAX_FIELD_CHARS).collect();
        short.push('…');
        short
    }
}

/// What a character outside the printable range becomes: line breaks and tabs a space (they
/// would end a table row), other control and bidirectional-formatting characters (which can make
/// text read differently from what it is) the replacement character.
fn neutral(c: char) -> Option<char> {
    match c {
        '\n' | '\r' | '\t' => Some(' '),
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            Some('\u{FFFD}')
        }
        c if c.is_control() => Some('\u{FFFD}'),
        _ => None,
    }
}

/// Escapes text for a Markdown context (table cells, list items, paragraphs) of GitHub and
/// GitLab comments, so it renders as the literal text:
/// - `<`, `>`, `&`, `"` become HTML entities: no tag, comment or entity can start;
/// - Markdown punctuation is backslash-escaped: no emphasis, code span, link, image, table cell
///   boundary (`|`), strikethrough or autolinked URL (`:` and `.` are escaped too);
/// - `@` and `#` are followed by a zero-width space: no mention of a person or team, no
///   reference to an issue or pull request;
/// - line breaks and control characters are replaced (see [`neutral`]).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        if let Some(n) = neutral(c) {
            out.push(n);
            continue;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '@' => out.push_str("@&#8203;"),
            '#' => out.push_str("#&#8203;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '+' | '-' | '.' | '!'
            | '|' | '~' | ':' | '=' | '$' | '%' | '^' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for an HTML context (`<summary>`, `<sub>`), where Markdown is not parsed and
/// backslashes would show: entities only, with the same neutralised mentions and references.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        if let Some(n) = neutral(c) {
            out.push(n);
            continue;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '@' => out.push_str("@&#8203;"),
            '#' => out.push_str("#&#8203;"),
            // `|` would still split a table row if the line were ever inside one.
            '|' => out.push_str("&#124;"),
            // Some renderers apply Markdown inside HTML blocks such as <summary>: references
            // show the characters in either case, and never as links, code or emphasis.
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '`' => out.push_str("&#96;"),
            '*' => out.push_str("&#42;"),
            '_' => out.push_str("&#95;"),
            '~' => out.push_str("&#126;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod chart_tests {
    use super::*;

    #[test]
    fn the_chart_is_added_only_when_asked_for() {
        let plan =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tf/eks/plan.json");
        let report = crate::breakdown(&crate::BreakdownOptions {
            paths: vec![plan],
            generated_at: Some("2026-11-27T09:30:00Z".into()),
            ..Default::default()
        })
        .unwrap()
        .report;
        let plain = render(&report, &CommentOptions::default());
        assert!(!plain.contains("```mermaid"));
        let with_chart = render(
            &report,
            &CommentOptions {
                chart: true,
                ..Default::default()
            },
        );
        assert!(with_chart.contains("```mermaid"), "{with_chart}");
        // fixtures/tf/eks is all compute: $1,359.1994, drawn to the cent.
        assert!(with_chart.contains("\"compute\" : 1359.20"), "{with_chart}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Category};
    use crate::report::{
        BudgetCheck, BudgetReport, ComponentReport, PricesInfo, Skipped, SourceInfo, Unpriced,
    };

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn component(name: &str, cost: &str) -> ComponentReport {
        ComponentReport {
            name: name.into(),
            unit: "hours".into(),
            monthly_quantity: Some(d("730")),
            unit_price: Some(d(cost) / d("730")),
            monthly_cost: Some(d(cost)),
            usage_based: false,
            price: None,
            notes: Vec::new(),
            spot: None,
        }
    }

    fn resource(address: &str, action: Action, before: &str, after: &str) -> ResourceReport {
        ResourceReport {
            address: address.into(),
            resource_type: "aws_instance".into(),
            region: "us-east-1".into(),
            category: Category::Compute,
            action,
            monthly_cost: d(after),
            past_monthly_cost: d(before),
            components: if after == "0" {
                Vec::new()
            } else {
                vec![component("Instance usage (t3.xlarge)", after)]
            },
            past_components: if before == "0" {
                Vec::new()
            } else {
                vec![component("Instance usage (t3.large)", before)]
            },
        }
    }

    fn project(name: &str, resources: Vec<ResourceReport>) -> ProjectReport {
        let mut p = ProjectReport {
            name: name.into(),
            path: format!("{name}/plan.json"),
            resources,
            unpriced: Vec::new(),
            skipped: Vec::new(),
            categories: BTreeMap::new(),
            total_monthly_cost: Decimal::ZERO,
            past_total_monthly_cost: Decimal::ZERO,
            diff_monthly_cost: Decimal::ZERO,
            usage_missing: 0,
            baseline: true,
        };
        p.recompute_totals();
        p
    }

    fn report(projects: Vec<ProjectReport>) -> Report {
        let mut r = Report {
            schema_version: "1".into(),
            generated_at: "2026-11-27T09:30:00Z".into(),
            currency: "USD".into(),
            prices: PricesInfo {
                snapshot: "bundled".into(),
                sources: vec![SourceInfo {
                    service: "AmazonEC2".into(),
                    region: "us-east-1".into(),
                    version: "20260720".into(),
                    publication_date: "2026-07-20".into(),
                    origin: "bundled".into(),
                    kind: "karpenter".into(),
                    file: "x.go".into(),
                }],
            },
            projects,
            total_monthly_cost: Decimal::ZERO,
            past_total_monthly_cost: Decimal::ZERO,
            diff_monthly_cost: Decimal::ZERO,
            budget: None,
        };
        r.recompute_totals();
        r
    }

    const HOSTILE: [&str; 8] = [
        "</details><img src=x onerror=alert(1)>",
        "[link](javascript:alert(1))",
        "| pipes | break | rows |",
        "`code` and ``more``",
        "@octocat and @org/team",
        "line\nbreak\r\n# heading",
        "<!-- hidden --> <script>x</script>",
        "see owner/repo#1 and https://evil.example/x and www.evil.example",
    ];

    #[test]
    fn escaped_text_has_no_html_links_mentions_or_cell_breaks() {
        for name in HOSTILE {
            let e = escape_markdown(name);
            assert!(!e.contains('<') && !e.contains('>'), "{e}");
            assert!(!e.contains('\n') && !e.contains('\r'), "{e}");
            assert!(!e.contains("]("), "{e}");
            assert!(!e.contains("http:") && !e.contains("https:"), "{e}");
            assert!(!e.contains("www."), "{e}");
            // Every `|`, backtick and bracket is escaped by a backslash.
            for (i, c) in e.char_indices() {
                if matches!(c, '|' | '`' | '[' | ']' | '(' | ')' | '*' | '_') {
                    assert_eq!(&e[i - 1..i], "\\", "unescaped {c} in {e}");
                }
            }
            // `@` and `#` are never followed by a name (the `#` of the entity aside).
            for (i, c) in e.char_indices() {
                let in_entity = c == '#' && i > 0 && &e[i - 1..i] == "&";
                if (c == '@' || c == '#') && !in_entity {
                    assert!(e[i + 1..].starts_with("&#8203;"), "{e}");
                }
            }
        }
        assert_eq!(
            escape_markdown("</details><img src=x onerror=alert(1)>"),
            "&lt;/details&gt;&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"
        );
        assert_eq!(escape_markdown("| a |"), "\\| a \\|");
        assert_eq!(escape_markdown("@octocat"), "@&#8203;octocat");
        assert_eq!(escape_markdown("a\u{202E}b\u{7}c"), "a\u{FFFD}b\u{FFFD}c");
    }

    #[test]
    fn html_escaping_leaves_no_tags_or_mentions() {
        let e = escape_html("</summary></details><b onclick=\"x\">@me #1 'q' |</b>");
        assert_eq!(
            e,
            "&lt;/summary&gt;&lt;/details&gt;&lt;b onclick=&quot;x&quot;&gt;@&#8203;me \
             #&#8203;1 &#39;q&#39; &#124;&lt;/b&gt;"
        );
    }

    #[test]
    fn hostile_names_stay_inside_their_cells_and_details() {
        let mut resources = Vec::new();
        for (i, name) in HOSTILE.iter().enumerate() {
            resources.push(resource(
                &format!("aws_instance.x[\"{name}\"]"),
                Action::Create,
                "0",
                &format!("{}", i + 1),
            ));
        }
        let mut p = project("</summary></details>@team", resources);
        p.unpriced.push(Unpriced {
            address: "aws_foo.bar[\"<img src=x>\"]".into(),
            resource_type: "aws_foo".into(),
            component: "[x](http://evil)".into(),
            reason: "| @someone".into(),
            changed: true,
            usage_missing: false,
        });
        let body = render(&report(vec![p]), &CommentOptions::default());
        // One `<details>` opened and closed: the names added none.
        assert_eq!(body.matches("<details>").count(), 1, "{body}");
        assert_eq!(body.matches("</details>").count(), 1, "{body}");
        assert_eq!(body.matches("</summary>").count(), 1, "{body}");
        assert!(
            !body.contains("<img") && !body.contains("<script"),
            "{body}"
        );
        assert!(
            !body.contains("@team") && !body.contains("@someone"),
            "{body}"
        );
        // Each table row keeps its number of unescaped cell separators.
        for line in body.lines().filter(|l| l.starts_with('|')) {
            let cells = line
                .char_indices()
                .filter(|&(i, c)| c == '|' && (i == 0 || &line[i - 1..i] != "\\"))
                .count();
            assert!(cells == 5 || cells == 3, "{cells} separators in {line}");
        }
    }

    #[test]
    fn headline_says_up_or_down_by_how_much_and_what_percent() {
        // 61.536 → 122.272: up by 60.736, which is 98.7% of 61.536.
        let up = report(vec![project(
            "app",
            vec![resource(
                "aws_instance.app",
                Action::Update,
                "61.536",
                "122.272",
            )],
        )]);
        let body = render(&up, &CommentOptions::default());
        assert!(
            body.contains("Monthly cost up by $60.74 (+98.7%)"),
            "{body}"
        );
        assert!(body.contains("**$61.54 → $122.27** per month"), "{body}");
        // The per-component lines show the old and the new instance type.
        assert!(body.contains("Instance usage \\(t3\\.large\\) | $61.54 | — | -$61.54"));
        assert!(body.contains("Instance usage \\(t3\\.xlarge\\) | — | $122.27 | +$122.27"));

        // 100 → 75: down by 25, -25.0%.
        let down = report(vec![project(
            "app",
            vec![resource("aws_instance.app", Action::Update, "100", "75")],
        )]);
        let body = render(&down, &CommentOptions::default());
        assert!(
            body.contains("Monthly cost down by $25.00 (-25.0%)"),
            "{body}"
        );

        // Nothing before: no percentage.
        let new = report(vec![project(
            "app",
            vec![resource("aws_instance.app", Action::Create, "0", "30.368")],
        )]);
        let body = render(&new, &CommentOptions::default());
        assert!(body.contains("Monthly cost up by $30.37\n"), "{body}");
    }

    #[test]
    fn several_projects_get_a_total_row_and_budget_statuses() {
        let mut r = report(vec![
            project(
                "phase1",
                vec![resource("aws_instance.a", Action::Update, "10", "20")],
            ),
            project(
                "phase2",
                vec![resource("aws_instance.b", Action::Delete, "5", "0")],
            ),
        ]);
        let check = |project: &str, actual: &str, status| BudgetCheck {
            project: project.into(),
            name: "total".into(),
            unit: super::super::CheckUnit::Usd,
            limit: d("15"),
            actual: d(actual),
            headroom: d("15") - d(actual),
            warn_above: None,
            status,
        };
        r.budget = Some(BudgetReport {
            status: Status::Fail,
            checks: vec![
                check("phase1", "20", Status::Fail),
                check("phase2", "0", Status::Ok),
            ],
        });
        let body = render(&r, &CommentOptions::default());
        // 10 → 20 is +100%; 5 → 0 is -100%; total 15 → 20 is +5, +33.3%.
        assert!(
            body.contains("| phase1 | $10.00 | $20.00 | +$10.00 (+100.0%) | ❌ fail |"),
            "{body}"
        );
        assert!(
            body.contains("| phase2 | $5.00 | $0.00 | -$5.00 (-100.0%) | ✅ ok |"),
            "{body}"
        );
        assert!(
            body.contains(
                "| **Total** | **$15.00** | **$20.00** | **+$5.00 (+33.3%)** | **❌ fail** |"
            ),
            "{body}"
        );
        assert!(body.contains("#### Budget and policy: ❌ fail"), "{body}");
        assert!(
            body.contains("| phase1 / total | $15.00 | $20.00 | ❌ fail |"),
            "{body}"
        );
    }

    #[test]
    fn unpriced_and_skipped_are_listed() {
        let mut p = project(
            "app",
            vec![resource("aws_instance.app", Action::Create, "0", "10")],
        );
        p.unpriced.push(Unpriced {
            address: "aws_db_instance.db".into(),
            resource_type: "aws_db_instance".into(),
            component: "Storage".into(),
            reason: "no price".into(),
            changed: true,
            usage_missing: false,
        });
        for (address, t, reason) in [
            ("aws_iam_role.r", "aws_iam_role", "free"),
            ("aws_foo.a", "aws_foo", "unsupported"),
            ("aws_foo.b", "aws_foo", "unsupported"),
        ] {
            p.skipped.push(Skipped {
                address: address.into(),
                resource_type: t.into(),
                reason: reason.into(),
                changed: true,
            });
        }
        let body = render(&report(vec![p]), &CommentOptions::default());
        assert!(
            body.contains("Not priced: 1 component(s), 1 of them changed by this plan"),
            "{body}"
        );
        assert!(
            body.contains("| app | aws\\_db\\_instance\\.db **(changed)** | Storage | no price |"),
            "{body}"
        );
        assert!(
            body.contains("**Skipped:** 1 free resource(s), 2 of type(s) plancost does not price. Not priced types: aws\\_foo ×2."),
            "{body}"
        );
    }

    #[test]
    fn detail_goes_before_totals_when_the_body_is_too_long() {
        let resources: Vec<_> = (0..2000)
            .map(|i| {
                resource(
                    &format!("aws_instance.server_number_{i}"),
                    Action::Create,
                    "0",
                    "1",
                )
            })
            .collect();
        let r = report(vec![project("big", resources)]);
        let full = render(
            &r,
            &CommentOptions {
                max_chars: usize::MAX,
                marker: None,
                chart: false,
            },
        );
        assert!(full.chars().count() > GITHUB_COMMENT_LIMIT);
        let options = CommentOptions {
            max_chars: GITHUB_COMMENT_LIMIT,
            marker: Some("<!-- plancost-comment generated_at=2026-11-27T09:30:00Z -->".into()),
            chart: false,
        };
        let body = render(&r, &options);
        assert!(body.chars().count() <= GITHUB_COMMENT_LIMIT);
        assert!(body.starts_with("<!-- plancost-comment generated_at=2026-11-27T09:30:00Z -->\n"));
        // 2000 resources × $1.
        assert!(
            body.contains("| big | $0.00 | $2,000.00 | +$2,000.00 |"),
            "{body}"
        );
        assert!(body.contains("left out to keep this comment under 65,536 characters"));
        // With a tiny limit even the lists go, and the totals stay.
        let tiny = render(
            &r,
            &CommentOptions {
                max_chars: 100,
                marker: None,
                chart: false,
            },
        );
        assert!(tiny.contains("| big | $0.00 | $2,000.00 | +$2,000.00 |"));
        assert!(!tiny.contains("<details>"));
    }

    #[test]
    fn long_names_are_shortened() {
        let long = "a".repeat(5000);
        let e = field(&long);
        assert_eq!(e.chars().count(), MAX_FIELD_CHARS + 1);
    }
}
