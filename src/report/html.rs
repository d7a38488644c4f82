//! `--format html`: the report as one self-contained page that people would rather look at.
//!
//! Everything is inline: the CSS, the SVG charts (drawn here, not by a script) and one small
//! script that sorts and filters the resource table. The page makes no network request (its
//! Content-Security-Policy forbids any), so it can be attached to a CI run, mailed, or opened
//! from disk years later, and it prints on paper.
//!
//! The page is rendered from a [`Report`] only, the JSON contract, so a report read back from
//! JSON renders the same page. A growth forecast is not part of the report: it comes in beside
//! it as a [`Forecast`].
//!
//! Every string that came from input (addresses, names, paths, notes, sources) goes through
//! [`escape`]. Exact amounts travel in `data-*` attributes as decimal strings; the script adds
//! them up with `BigInt` arithmetic, never floating point, and writes what it found into the
//! `#plancost-check` element so a headless browser can confirm the page agrees with the JSON.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{
    BudgetCheck, BudgetReport, ComponentReport, ProjectReport, Report, ResourceReport, SourceInfo,
    Status, money, percent_change, signed_money,
};
use crate::model::{Action, Category};

/// A growth forecast to draw beside the report: the hand-made estimate's monthly figure and
/// plancost's for each step of a scenario (a month, a node count, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// What the steps are, e.g. "GPU nodes by month".
    pub title: String,
    pub points: Vec<ForecastPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForecastPoint {
    /// The step's name on the x axis, e.g. "2026-03" or "6 nodes".
    pub label: String,
    /// The estimate's monthly cost at this step.
    pub estimate: Decimal,
    /// plancost's monthly cost at this step.
    pub plancost: Decimal,
}

/// The page for a report without a forecast.
pub fn render(report: &Report) -> String {
    render_with_forecast(report, None)
}

/// The page, with the forecast drawn as lines when one is given.
pub fn render_with_forecast(report: &Report, forecast: Option<&Forecast>) -> String {
    let mut page = String::with_capacity(64 * 1024);
    let title = match report.projects.as_slice() {
        [one] => format!("plancost: {}", one.name),
        _ => "plancost report".to_string(),
    };
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"plancost\">\n<title>{}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n",
        escape(&title)
    );
    let _ = write!(
        page,
        "<header><h1>{}</h1><p class=\"meta\">Monthly cost in {} · generated {} · prices: {}</p></header>\n<main>\n",
        escape(&title),
        escape(&report.currency),
        escape(&report.generated_at),
        escape(&report.prices.snapshot),
    );
    headline(&mut page, report);
    if let Some(budget) = &report.budget {
        budget_section(&mut page, budget);
    }
    charts_section(&mut page, report);
    if let Some(forecast) = forecast {
        forecast_section(&mut page, forecast);
    }
    resource_table(&mut page, report);
    unpriced_section(&mut page, report);
    skipped_section(&mut page, report);
    prices_section(&mut page, report);
    let _ = write!(
        page,
        "</main>\n<footer>Made by plancost. Prices are AWS list prices from the sources above; \
         730 hours a month.</footer>\n\
         <div id=\"plancost-check\" hidden data-status=\"no-script\"></div>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    page
}

/// Escapes text for HTML element content and attribute values alike. Control characters
/// (which have no business in a report) become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// An exact amount for a `data-*` attribute.
fn exact(amount: Decimal) -> String {
    amount.normalize().to_string()
}

fn headline(page: &mut String, report: &Report) {
    let resources: usize = report.projects.iter().map(|p| p.resources.len()).sum();
    let free: usize = report
        .projects
        .iter()
        .flat_map(|p| &p.skipped)
        .filter(|s| s.reason == "free")
        .count();
    let unsupported: usize = report
        .projects
        .iter()
        .flat_map(|p| &p.skipped)
        .filter(|s| s.reason != "free")
        .count();
    let unpriced: usize = report.projects.iter().map(|p| p.unpriced.len()).sum();
    let usage_missing: usize = report.projects.iter().map(|p| p.usage_missing).sum();
    let diff = report.diff_monthly_cost;
    let changed = !report.past_total_monthly_cost.is_zero() || diff != report.total_monthly_cost;
    let direction = if diff > Decimal::ZERO {
        "up"
    } else if diff < Decimal::ZERO {
        "down"
    } else {
        "flat"
    };

    let _ = write!(
        page,
        "<section class=\"headline\" aria-label=\"Totals\">\n\
         <div class=\"card total\"><span class=\"label\">Monthly cost</span>\
         <span class=\"value\" id=\"total\" data-total=\"{}\">{}</span>\
         <span class=\"sub\">{} a year</span></div>\n",
        exact(report.total_monthly_cost),
        money(report.total_monthly_cost),
        money(report.total_monthly_cost * Decimal::from(12)),
    );
    if changed {
        let _ = write!(
            page,
            "<div class=\"card\"><span class=\"label\">Before the change</span>\
             <span class=\"value\" data-past-total=\"{}\">{}</span></div>\n\
             <div class=\"card change {direction}\"><span class=\"label\">Change</span>\
             <span class=\"value\" data-diff=\"{}\">{}</span><span class=\"sub\">{}</span></div>\n",
            exact(report.past_total_monthly_cost),
            money(report.past_total_monthly_cost),
            exact(diff),
            signed_money(diff),
            percent_change(report.diff_monthly_cost, report.past_total_monthly_cost)
                .unwrap_or_else(|| "new".to_string()),
        );
    }
    let _ = writeln!(
        page,
        "<div class=\"card counts\"><span class=\"label\">Resources</span>\
         <span class=\"value\">{resources} priced</span>\
         <span class=\"sub\">{free} free · {unsupported} not supported yet</span></div>"
    );
    if let Some(budget) = &report.budget {
        let _ = writeln!(
            page,
            "<div class=\"card verdict {}\"><span class=\"label\">Budget</span>\
             <span class=\"value\">{}</span><span class=\"sub\">{} check(s)</span></div>",
            status_class(budget.status),
            budget.status.as_str().to_uppercase(),
            budget.checks.len()
        );
    }
    page.push_str("</section>\n");

    if report.projects.len() > 1 {
        page.push_str(
            "<section aria-label=\"Projects\"><h2>Projects</h2>\n<table class=\"projects\">\
             <thead><tr><th scope=\"col\">Project</th><th scope=\"col\">Path</th>\
             <th scope=\"col\" class=\"num\">Monthly cost</th><th scope=\"col\" class=\"num\">Before</th>\
             <th scope=\"col\" class=\"num\">Change</th></tr></thead><tbody>\n",
        );
        for p in &report.projects {
            let _ = writeln!(
                page,
                "<tr><th scope=\"row\">{}</th><td class=\"path\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&p.name),
                escape(&p.path),
                money(p.total_monthly_cost),
                money(p.past_total_monthly_cost),
                signed_money(p.diff_monthly_cost)
            );
        }
        page.push_str("</tbody></table></section>\n");
    }

    if unpriced > 0 {
        let _ = writeln!(
            page,
            "<p class=\"banner fail\" role=\"alert\"><strong>Incomplete:</strong> {unpriced} \
             component(s) could not be priced and are <strong>not</strong> in the totals. \
             <a href=\"#unpriced\">See which and why.</a></p>"
        );
    }
    if usage_missing > 0 {
        let _ = writeln!(
            page,
            "<p class=\"banner warn\">{usage_missing} usage-based component(s) depend on usage \
             the usage file does not give; they count as $0.00.</p>"
        );
    }
}

fn status_class(status: Status) -> &'static str {
    status.as_str()
}

/// `project / check`, as the terminal verdict names a check.
fn check_name(check: &BudgetCheck) -> String {
    format!(
        "{} / {}",
        check.project,
        super::verdict::check_label(&check.name)
    )
}

fn budget_section(page: &mut String, budget: &BudgetReport) {
    let _ = writeln!(
        page,
        "<section aria-labelledby=\"budget-h\"><h2 id=\"budget-h\">Budget \
         <span class=\"badge {}\">{}</span></h2>",
        status_class(budget.status),
        budget.status.as_str().to_uppercase()
    );
    if budget.checks.is_empty() {
        page.push_str("<p>No budget thresholds are set.</p></section>\n");
        return;
    }
    page.push_str(
        "<p class=\"hint\">Each bar is the cost as a share of its threshold; the line is the \
         threshold.</p>\n",
    );
    page.push_str("<figure class=\"wide\">");
    page.push_str(&budget_chart(budget));
    page.push_str("</figure></section>\n");
}

// ---------------------------------------------------------------------------------------------
// Charts: plain SVG drawn here. Geometry uses f64 (pixels); every figure shown is Decimal money.

const CHART_WIDTH: f64 = 560.0;
const LABEL_WIDTH: f64 = 110.0;
const VALUE_WIDTH: f64 = 90.0;
const ROW_HEIGHT: f64 = 26.0;

fn px(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// Keeps the end of a long label (the most specific part of an address) within `max` chars.
fn shorten(label: &str, max: usize) -> String {
    let count = label.chars().count();
    if count <= max {
        return label.to_string();
    }
    let tail: String = label.chars().skip(count - (max - 1)).collect();
    format!("…{tail}")
}

struct Bar {
    label: String,
    full_label: String,
    value: Decimal,
    past: Option<Decimal>,
    class: String,
}

/// A horizontal bar chart of amounts, one row per bar, with the amount written beside each
/// bar and, when `past` is given, a thin bar of the amount before the change. Long labels
/// (resource addresses) go above their bar, short ones (categories) to its left.
fn bar_chart(id: &str, title: &str, bars: &[Bar], labels_above: bool) -> String {
    let max = bars
        .iter()
        .map(|b| b.value.max(b.past.unwrap_or_default()))
        .max()
        .unwrap_or_default();
    let (left, row_height, bar_offset) = if labels_above {
        (0.0, 40.0, 17.0)
    } else {
        (LABEL_WIDTH, ROW_HEIGHT, 3.0)
    };
    let bar_height = ROW_HEIGHT - 10.0;
    let plot = CHART_WIDTH - left - VALUE_WIDTH;
    let height = row_height * bars.len() as f64 + 8.0;
    let scaled = |v: Decimal| {
        if max.is_zero() {
            0.0
        } else {
            plot * px(v) / px(max)
        }
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart bars\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-t\" \
         viewBox=\"0 0 {CHART_WIDTH} {height}\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-t\">{}</title>",
        escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row_height;
        // A bar of a non-zero amount stays visible however small it is.
        let width = if bar.value > Decimal::ZERO {
            scaled(bar.value).max(1.5)
        } else {
            0.0
        };
        let (label_x, label_y, anchor) = if labels_above {
            (0.0, y + 12.0, "start")
        } else {
            (LABEL_WIDTH - 8.0, y + row_height * 0.62, "end")
        };
        let _ = write!(
            svg,
            "<g class=\"row\"><title>{}: {}</title>\
             <text class=\"label\" x=\"{label_x:.1}\" y=\"{label_y:.1}\" text-anchor=\"{anchor}\">{}</text>\
             <rect class=\"bar {}\" x=\"{left}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{bar_height:.1}\" rx=\"2\"/>",
            escape(&bar.full_label),
            money(bar.value),
            escape(&bar.label),
            escape(&bar.class),
            y + bar_offset,
        );
        if let Some(past) = bar.past.filter(|p| *p != bar.value) {
            let _ = write!(
                svg,
                "<rect class=\"past\" x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"3\"/>",
                y + bar_offset + bar_height + 1.0,
                scaled(past),
            );
        }
        let _ = write!(
            svg,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            left + width + 6.0,
            y + bar_offset + bar_height * 0.78,
            money(bar.value),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Each check as a share of its threshold: 0 to 150 %, the threshold drawn at 100 %.
fn budget_chart(budget: &BudgetReport) -> String {
    // Wider than the other charts: it has the whole row, and long figures beside the bars.
    let chart_width = 760.0;
    let label_width = 130.0;
    let plot = chart_width - label_width - 230.0;
    let scale = 1.5;
    let threshold_x = label_width + plot / scale;
    let height = ROW_HEIGHT * budget.checks.len() as f64 + 26.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart budget\" id=\"chart-budget\" role=\"img\" aria-labelledby=\"chart-budget-t\" \
         viewBox=\"0 0 {chart_width} {height}\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"chart-budget-t\">Cost against budget thresholds</title>"
    );
    for (i, check) in budget.checks.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW_HEIGHT;
        let share = if check.limit > Decimal::ZERO {
            check.actual / check.limit
        } else if check.actual > Decimal::ZERO {
            Decimal::from(2)
        } else {
            Decimal::ZERO
        };
        let share_f = px(share);
        let width = (plot * share_f / scale).clamp(0.0, plot);
        let percent = if check.limit > Decimal::ZERO {
            format!("{}%", (share * Decimal::from(100)).round_dp(0))
        } else {
            "no limit".to_string()
        };
        let _ = write!(
            svg,
            "<g class=\"row\"><title>{}: {} of {} ({percent}), {}</title>\
             <text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"track\" x=\"{label_width}\" y=\"{:.1}\" width=\"{plot:.1}\" height=\"{:.1}\" rx=\"2\"/>\
             <rect class=\"bar {}\" x=\"{label_width}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\" rx=\"2\"/>",
            escape(&check_name(check)),
            super::verdict::amount(check.unit, check.actual),
            super::verdict::amount(check.unit, check.limit),
            check.status.as_str(),
            label_width - 8.0,
            y + ROW_HEIGHT * 0.62,
            escape(&shorten(&check_name(check), 16)),
            y + 3.0,
            ROW_HEIGHT - 10.0,
            status_class(check.status),
            y + 3.0,
            ROW_HEIGHT - 10.0,
        );
        if share_f > scale {
            // Off the scale: an arrow says the bar goes on.
            let _ = write!(
                svg,
                "<text class=\"over\" x=\"{:.1}\" y=\"{:.1}\">▶</text>",
                label_width + plot - 10.0,
                y + ROW_HEIGHT * 0.62
            );
        }
        let _ = write!(
            svg,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{} / {} · {percent}</text></g>",
            label_width + plot + 8.0,
            y + ROW_HEIGHT * 0.62,
            money(check.actual),
            money(check.limit),
        );
    }
    let bottom = 4.0 + ROW_HEIGHT * budget.checks.len() as f64;
    let _ = writeln!(
        svg,
        "<line class=\"threshold\" x1=\"{threshold_x:.1}\" y1=\"2\" x2=\"{threshold_x:.1}\" y2=\"{bottom:.1}\"/>\
         <text class=\"axis\" x=\"{threshold_x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">threshold</text></svg>",
        bottom + 14.0
    );
    svg
}

fn charts_section(page: &mut String, report: &Report) {
    let show_past = !report.past_total_monthly_cost.is_zero();
    let mut by_category: Vec<Bar> = Vec::new();
    for category in Category::ALL {
        let value: Decimal = report
            .projects
            .iter()
            .filter_map(|p| p.categories.get(&category))
            .sum();
        let past: Decimal = report
            .projects
            .iter()
            .flat_map(|p| &p.resources)
            .filter(|r| r.category == category)
            .map(|r| r.past_monthly_cost)
            .sum();
        by_category.push(Bar {
            label: category.as_str().to_string(),
            full_label: category.as_str().to_string(),
            value,
            past: show_past.then_some(past),
            class: format!("cat-{}", category.as_str()),
        });
    }

    let several = report.projects.len() > 1;
    let mut resources: Vec<(&ProjectReport, &ResourceReport)> = report
        .projects
        .iter()
        .flat_map(|p| p.resources.iter().map(move |r| (p, r)))
        .filter(|(_, r)| r.monthly_cost > Decimal::ZERO || r.past_monthly_cost > Decimal::ZERO)
        .collect();
    resources.sort_by(|a, b| {
        b.1.monthly_cost
            .cmp(&a.1.monthly_cost)
            .then_with(|| a.1.address.cmp(&b.1.address))
    });
    const TOP: usize = 10;
    let mut by_resource: Vec<Bar> = resources
        .iter()
        .take(TOP)
        .map(|(p, r)| {
            let full = if several {
                format!("{}: {}", p.name, r.address)
            } else {
                r.address.clone()
            };
            let short = r.address.replace("module.", "");
            let short = if several {
                format!("{}: {short}", p.name)
            } else {
                short
            };
            Bar {
                label: shorten(&short, 64),
                full_label: full,
                value: r.monthly_cost,
                past: show_past.then_some(r.past_monthly_cost),
                class: format!("cat-{}", r.category.as_str()),
            }
        })
        .collect();
    if resources.len() > TOP {
        let rest = &resources[TOP..];
        let label = format!("{} others", rest.len());
        by_resource.push(Bar {
            label: label.clone(),
            full_label: label,
            value: rest.iter().map(|(_, r)| r.monthly_cost).sum(),
            past: show_past.then(|| rest.iter().map(|(_, r)| r.past_monthly_cost).sum()),
            class: "others".to_string(),
        });
    }

    page.push_str("<section class=\"charts\" aria-label=\"Charts\">\n<figure>");
    page.push_str("<figcaption>Monthly cost by category</figcaption>\n");
    page.push_str(&bar_chart(
        "chart-category",
        "Monthly cost by category",
        &by_category,
        false,
    ));
    if show_past {
        page.push_str("<p class=\"hint\">Thin grey line: the cost before the change.</p>");
    }
    page.push_str("</figure>\n<figure>");
    let _ = writeln!(
        page,
        "<figcaption>Most expensive resources{}</figcaption>",
        if resources.len() > TOP {
            format!(" (top {TOP})")
        } else {
            String::new()
        }
    );
    if by_resource.is_empty() {
        page.push_str("<p>No resource has a cost.</p>");
        // Still a chart element, empty, so the page's layout and checks stay the same.
        page.push_str(&bar_chart(
            "chart-resources",
            "Most expensive resources",
            &[],
            true,
        ));
    } else {
        page.push_str(&bar_chart(
            "chart-resources",
            "Most expensive resources",
            &by_resource,
            true,
        ));
    }
    page.push_str("</figure>\n</section>\n");
}

/// A round step for an axis of `max`: 1, 2 or 5 times a power of ten, about four ticks.
fn nice_step(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let rough = max / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let residual = rough / magnitude;
    let nice = if residual <= 1.0 {
        1.0
    } else if residual <= 2.0 {
        2.0
    } else if residual <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

fn forecast_section(page: &mut String, forecast: &Forecast) {
    let _ = writeln!(
        page,
        "<section aria-labelledby=\"forecast-h\"><h2 id=\"forecast-h\">Forecast: {}</h2>",
        escape(&forecast.title)
    );
    if forecast.points.is_empty() {
        page.push_str("<p>The forecast has no steps.</p></section>\n");
        return;
    }
    page.push_str("<div class=\"forecast-grid\"><figure>");
    page.push_str(&forecast_chart(forecast));
    page.push_str("</figure>\n");
    page.push_str(
        "<table class=\"forecast\"><thead><tr><th scope=\"col\">Step</th>\
         <th scope=\"col\" class=\"num\">Estimate</th><th scope=\"col\" class=\"num\">plancost</th>\
         <th scope=\"col\" class=\"num\">Difference</th></tr></thead><tbody>\n",
    );
    for p in &forecast.points {
        let _ = writeln!(
            page,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            escape(&p.label),
            money(p.estimate),
            money(p.plancost),
            signed_money(p.plancost - p.estimate)
        );
    }
    page.push_str("</tbody></table></div></section>\n");
}

fn forecast_chart(forecast: &Forecast) -> String {
    let (left, right, top, bottom) = (78.0, 20.0, 14.0, 40.0);
    let height = 260.0;
    let plot_w = CHART_WIDTH - left - right;
    let plot_h = height - top - bottom;
    let max = forecast
        .points
        .iter()
        .map(|p| p.estimate.max(p.plancost))
        .max()
        .unwrap_or_default();
    let step = nice_step(px(max));
    let ticks = (px(max) / step).ceil().max(1.0) as usize;
    let y_max = step * ticks as f64;
    let n = forecast.points.len();
    let x_of = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |v: Decimal| top + plot_h - plot_h * px(v) / y_max;

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart line\" id=\"chart-forecast\" role=\"img\" aria-labelledby=\"chart-forecast-t\" \
         viewBox=\"0 0 {CHART_WIDTH} {height}\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"chart-forecast-t\">Forecast: {}</title>",
        escape(&forecast.title)
    );
    for t in 0..=ticks {
        let value = step * t as f64;
        let y = top + plot_h - plot_h * value / y_max;
        let label = Decimal::from_f64_retain(value)
            .map(|d| money(d.round_dp(0)))
            .unwrap_or_default();
        let label = label.trim_end_matches(".00");
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
            left + plot_w,
            left - 6.0,
            y + 4.0
        );
    }
    // Label every step when they fit, else every k-th.
    let every = n.div_ceil(12).max(1);
    for (i, p) in forecast.points.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x_of(i),
                top + plot_h + 18.0,
                escape(&shorten(&p.label, 12))
            );
        }
    }
    for (class, name, pick) in [
        (
            "estimate",
            "estimate",
            (|p: &ForecastPoint| p.estimate) as fn(&ForecastPoint) -> Decimal,
        ),
        ("plancost", "plancost", |p: &ForecastPoint| p.plancost),
    ] {
        let points: Vec<String> = forecast
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x_of(i), y_of(pick(p))))
            .collect();
        let _ = write!(
            svg,
            "<polyline class=\"series {class}\" points=\"{}\"/>",
            points.join(" ")
        );
        for (i, p) in forecast.points.iter().enumerate() {
            let _ = write!(
                svg,
                "<circle class=\"dot {class}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\"><title>{}, {name}: {}</title></circle>",
                x_of(i),
                y_of(pick(p)),
                escape(&p.label),
                money(pick(p))
            );
        }
    }
    let legend_y = height - 8.0;
    let _ = writeln!(
        svg,
        "<line class=\"series estimate\" x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\
         <text class=\"axis\" x=\"{:.1}\" y=\"{legend_y:.1}\">estimate</text>\
         <line class=\"series plancost\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\
         <text class=\"axis\" x=\"{:.1}\" y=\"{legend_y:.1}\">plancost</text></svg>",
        legend_y - 4.0,
        left + 24.0,
        legend_y - 4.0,
        left + 30.0,
        left + 110.0,
        legend_y - 4.0,
        left + 134.0,
        legend_y - 4.0,
        left + 140.0,
    );
    svg
}

// ---------------------------------------------------------------------------------------------
// The resource table.

fn action_badge(action: Action) -> String {
    match action {
        Action::NoOp | Action::Read => String::new(),
        a => format!(
            " <span class=\"badge action-{0}\">{0}</span>",
            escape(a.as_str())
        ),
    }
}

fn quantity_text(c: &ComponentReport) -> String {
    match c.monthly_quantity {
        Some(q) => {
            let q = q.normalize();
            let q = if q.scale() > 4 {
                q.round_dp(4).normalize()
            } else {
                q
            };
            format!("{} {}", q, escape(&c.unit))
        }
        None => format!("? {}", escape(&c.unit)),
    }
}

fn component_cost_cell(c: &ComponentReport) -> String {
    match (c.unit_price, c.monthly_cost) {
        (None, _) => "<span class=\"missing\">not priced</span>".to_string(),
        (Some(_), None) => "<span class=\"missing\">depends on usage</span>".to_string(),
        (Some(_), Some(cost)) => money(cost),
    }
}

/// The text a component's `price.source` has when it names `source` (estimate.rs writes it).
fn source_text(s: &SourceInfo) -> String {
    format!(
        "{} {} {} ({}, {}, {})",
        s.service, s.region, s.version, s.kind, s.file, s.origin
    )
}

/// SKU, rate code, date and source of a component's price. A source listed in the report's
/// sources is shown short, with a link to its row in the sources table.
fn provenance_cell(c: &ComponentReport, sources: &[SourceInfo]) -> String {
    let Some(p) = &c.price else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(sku) = &p.sku {
        parts.push(format!("SKU <code>{}</code>", escape(sku)));
    }
    if let Some(rate) = &p.rate_code {
        parts.push(format!("rate <code>{}</code>", escape(rate)));
    }
    if let Some(date) = &p.effective_date {
        // The day is what matters to a reader; the full timestamp stays in the tooltip.
        let day = match date.split_once('T') {
            Some((day, _)) if day.len() == 10 => day,
            _ => date.as_str(),
        };
        parts.push(format!(
            "<span title=\"{}\">effective {}</span>",
            escape(date),
            escape(day)
        ));
    }
    match sources.iter().position(|s| source_text(s) == p.source) {
        Some(i) => {
            let s = &sources[i];
            parts.push(format!(
                "{} {} {} <a href=\"#source-{}\">[{}]</a>",
                escape(&s.service),
                escape(&s.region),
                escape(&s.version),
                i + 1,
                i + 1
            ));
        }
        None => parts.push(escape(&p.source)),
    }
    if !p.tiers.is_empty() {
        let tiers: Vec<String> = p
            .tiers
            .iter()
            .map(|t| {
                format!(
                    "{}–{}: ${}",
                    t.begin.normalize(),
                    t.end
                        .map(|e| e.normalize().to_string())
                        .unwrap_or_else(|| "∞".to_string()),
                    t.unit_price.normalize()
                )
            })
            .collect();
        parts.push(format!("tiers {}", escape(&tiers.join("; "))));
    }
    parts.join(" · ")
}

fn resource_table(page: &mut String, report: &Report) {
    let several = report.projects.len() > 1;
    page.push_str(
        "<section aria-labelledby=\"resources-h\"><h2 id=\"resources-h\">Resources</h2>\n\
         <div class=\"controls\" hidden>\
         <label>Filter <input type=\"search\" id=\"filter\" placeholder=\"address, type, component…\" autocomplete=\"off\"></label>\
         <label>Category <select id=\"category\"><option value=\"\">all</option>",
    );
    for c in Category::ALL {
        let _ = write!(page, "<option>{}</option>", c.as_str());
    }
    page.push_str(
        "</select></label>\
         <label><input type=\"checkbox\" id=\"components\" checked> components</label>\
         <span id=\"shown\" aria-live=\"polite\"></span></div>\n\
         <table id=\"resources\" class=\"resources\">\n<thead><tr>\
         <th scope=\"col\" data-sort=\"address\" aria-sort=\"none\">Resource / component</th>\
         <th scope=\"col\" data-sort=\"category\" aria-sort=\"none\">Category</th>\
         <th scope=\"col\" class=\"num\">Quantity</th>\
         <th scope=\"col\" class=\"num\">Unit price</th>\
         <th scope=\"col\" class=\"num\" data-sort=\"cost\" aria-sort=\"descending\">Monthly cost</th>\
         <th scope=\"col\" class=\"num\" data-sort=\"change\" aria-sort=\"none\">Change</th>\
         <th scope=\"col\">Price source</th></tr></thead>\n",
    );
    let mut rows: Vec<(&ProjectReport, &ResourceReport)> = report
        .projects
        .iter()
        .flat_map(|p| p.resources.iter().map(move |r| (p, r)))
        .collect();
    rows.sort_by(|a, b| {
        b.1.monthly_cost
            .cmp(&a.1.monthly_cost)
            .then_with(|| a.1.address.cmp(&b.1.address))
    });
    for (project, r) in &rows {
        let change = r.monthly_cost - r.past_monthly_cost;
        let search = std::iter::once(r.address.as_str())
            .chain([r.resource_type.as_str(), r.category.as_str(), &project.name])
            .chain(r.components.iter().map(|c| c.name.as_str()))
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let address = if several {
            format!(
                "<span class=\"project\">{}</span> {}",
                escape(&project.name),
                escape(&r.address)
            )
        } else {
            escape(&r.address)
        };
        let _ = write!(
            page,
            "<tbody class=\"res\" data-address=\"{}\" data-category=\"{}\" data-cost=\"{}\" \
             data-change=\"{}\" data-search=\"{}\">\n<tr class=\"resource\"><th scope=\"row\">\
             <code>{address}</code>{}<div class=\"type\">{} · {}</div></th>\
             <td><span class=\"dot cat-{}\"></span>{}</td><td></td><td></td>\
             <td class=\"num cost\">{}</td><td class=\"num\">{}</td><td></td></tr>\n",
            escape(&r.address),
            r.category.as_str(),
            exact(r.monthly_cost),
            exact(change),
            escape(&search),
            action_badge(r.action),
            escape(&r.resource_type),
            escape(&r.region),
            r.category.as_str(),
            r.category.as_str(),
            money(r.monthly_cost),
            if change.is_zero() {
                String::new()
            } else {
                signed_money(change)
            },
        );
        // The components now, then those the change removes (all of a deleted resource's),
        // struck through: they are not in the total.
        let gone: Vec<&ComponentReport> = r
            .past_components
            .iter()
            .filter(|old| !r.components.iter().any(|c| c.name == old.name))
            .collect();
        let rows = r
            .components
            .iter()
            .map(|c| (c, false))
            .chain(gone.into_iter().map(|c| (c, true)));
        for (c, was) in rows {
            let mut notes = String::new();
            if was {
                notes.push_str("<div class=\"note\">before the change; removed</div>");
            }
            for note in &c.notes {
                let _ = write!(notes, "<div class=\"note\">{}</div>", escape(note));
            }
            if let Some(spot) = &c.spot {
                if let Some(band) = &spot.interruption {
                    let _ = write!(
                        notes,
                        "<div class=\"note\">spot interruption frequency {} ({})</div>",
                        escape(band),
                        escape(&spot.basis)
                    );
                }
            }
            if c.usage_based {
                notes.push_str("<div class=\"note\">usage-based</div>");
            }
            let _ = writeln!(
                page,
                "<tr class=\"component{}\"><td class=\"name\"><span class=\"cname\">{}</span>{notes}</td><td></td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td></td><td class=\"source\">{}</td></tr>",
                if was { " was" } else { "" },
                escape(&c.name),
                quantity_text(c),
                c.unit_price
                    .map(|p| format!("${}", p.normalize()))
                    .unwrap_or_else(|| "–".to_string()),
                component_cost_cell(c),
                provenance_cell(c, &report.prices.sources),
            );
        }
        page.push_str("</tbody>\n");
    }
    if rows.is_empty() {
        page.push_str("<tbody><tr><td colspan=\"7\">No priced resources.</td></tr></tbody>\n");
    }
    let _ = write!(
        page,
        "<tfoot><tr><th scope=\"row\">Total<span id=\"filtered-note\"></span></th><td></td><td></td><td></td>\
         <td class=\"num\" id=\"table-total\">{}</td><td class=\"num\">{}</td><td></td></tr></tfoot>\n\
         </table>\n</section>\n",
        money(report.total_monthly_cost),
        signed_money(report.diff_monthly_cost)
    );
}

fn unpriced_section(page: &mut String, report: &Report) {
    let unpriced: Vec<_> = report
        .projects
        .iter()
        .flat_map(|p| p.unpriced.iter().map(move |u| (p, u)))
        .collect();
    if unpriced.is_empty() {
        return;
    }
    page.push_str(
        "<section id=\"unpriced\" aria-labelledby=\"unpriced-h\"><h2 id=\"unpriced-h\">Not priced</h2>\n\
         <p>These components are <strong>not</strong> in the totals.</p>\n<table><thead><tr>\
         <th scope=\"col\">Resource</th><th scope=\"col\">Component</th><th scope=\"col\">Why</th>\
         </tr></thead><tbody>\n",
    );
    for (_, u) in unpriced {
        let _ = writeln!(
            page,
            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&u.address),
            if u.changed {
                " <span class=\"badge action-update\">changed</span>"
            } else {
                ""
            },
            escape(&u.component),
            escape(&u.reason)
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn skipped_section(page: &mut String, report: &Report) {
    let skipped: Vec<_> = report.projects.iter().flat_map(|p| &p.skipped).collect();
    if skipped.is_empty() {
        return;
    }
    let unsupported: Vec<_> = skipped.iter().filter(|s| s.reason != "free").collect();
    let free: Vec<_> = skipped.iter().filter(|s| s.reason == "free").collect();
    page.push_str(
        "<section aria-labelledby=\"skipped-h\"><h2 id=\"skipped-h\">Not in the totals</h2>\n",
    );
    if !unsupported.is_empty() {
        let _ = write!(
            page,
            "<details class=\"print-open\"><summary>{} resource(s) of types plancost does not price yet</summary><ul class=\"columns\">",
            unsupported.len()
        );
        for s in unsupported {
            let _ = write!(
                page,
                "<li><code>{}</code> <span class=\"type\">{}</span></li>",
                escape(&s.address),
                escape(&s.resource_type)
            );
        }
        page.push_str("</ul></details>\n");
    }
    if !free.is_empty() {
        let _ = write!(
            page,
            "<details class=\"print-open\"><summary>{} resource(s) that are free of charge</summary><ul class=\"columns\">",
            free.len()
        );
        for s in free {
            let _ = write!(
                page,
                "<li><code>{}</code> <span class=\"type\">{}</span></li>",
                escape(&s.address),
                escape(&s.resource_type)
            );
        }
        page.push_str("</ul></details>\n");
    }
    page.push_str("</section>\n");
}

fn prices_section(page: &mut String, report: &Report) {
    if report.prices.sources.is_empty() {
        return;
    }
    page.push_str(
        "<section aria-labelledby=\"prices-h\"><h2 id=\"prices-h\">Where the prices come from</h2>\n\
         <table class=\"sources\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Service</th><th scope=\"col\">Region</th>\
         <th scope=\"col\">Version</th><th scope=\"col\">Published</th><th scope=\"col\">Kind</th>\
         <th scope=\"col\">File</th><th scope=\"col\">Origin</th></tr></thead><tbody>\n",
    );
    for (i, s) in report.prices.sources.iter().enumerate() {
        let _ = writeln!(
            page,
            "<tr id=\"source-{}\"><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td>{}</td><td>{}</td><td class=\"path\">{}</td><td>{}</td></tr>",
            i + 1,
            i + 1,
            escape(&s.service),
            escape(&s.region),
            escape(&s.version),
            escape(&s.publication_date),
            escape(&s.kind),
            escape(&s.file),
            escape(&s.origin)
        );
    }
    page.push_str("</tbody></table></section>\n");
}

const CSS: &str = r#"
:root{--fg:#1d2430;--muted:#5b6575;--bg:#fff;--panel:#f5f7fa;--line:#dde2ea;--accent:#2563eb;
--ok:#15803d;--warn:#b45309;--fail:#b91c1c;
--compute:#0072b2;--database:#e69f00;--cache:#cc79a7;--storage:#009e73;--network:#56b4e9;--monitoring:#d55e00;--security:#6b6b9a;--others:#9aa3b2}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#a3acba;--bg:#14171c;--panel:#1d2128;--line:#2f3541;--accent:#60a5fa;--ok:#4ade80;--warn:#fbbf24;--fail:#f87171}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:20px}
h1{font-size:1.5rem;margin:0 0 2px}
h2{font-size:1.15rem;margin:28px 0 10px}
.meta,.hint,footer,.type,.note,.source{color:var(--muted)}
.meta{margin:0;font-size:.9rem}
footer{font-size:.85rem;padding:24px 20px 40px}
code{font:13px/1.3 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;overflow-wrap:anywhere}
.headline{display:flex;flex-wrap:wrap;gap:12px;margin-top:18px}
.card{flex:1 1 180px;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 16px;display:flex;flex-direction:column}
.card .label{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.card .value{font-size:1.6rem;font-weight:650;font-variant-numeric:tabular-nums}
.card .sub{font-size:.85rem;color:var(--muted)}
.card.total{flex-grow:1.4;border-left:4px solid var(--accent)}
.change.up .value,.verdict.fail .value{color:var(--fail)}
.change.down .value,.verdict.ok .value{color:var(--ok)}
.verdict.warn .value{color:var(--warn)}
.banner{margin:14px 0 0;padding:10px 14px;border-radius:6px;border:1px solid}
.banner.fail{border-color:var(--fail);background:color-mix(in srgb,var(--fail) 9%,var(--bg))}
.banner.warn{border-color:var(--warn);background:color-mix(in srgb,var(--warn) 9%,var(--bg))}
.badge{display:inline-block;font-size:.72rem;font-weight:600;padding:1px 7px;border-radius:999px;vertical-align:middle;border:1px solid currentColor}
.badge.ok{color:var(--ok)}.badge.warn{color:var(--warn)}.badge.fail{color:var(--fail)}
.action-create{color:var(--ok)}.action-delete{color:var(--fail)}.action-update,.action-replace{color:var(--warn)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;margin-top:8px}
figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;display:block}
figure.wide svg.chart{max-width:900px}
.forecast-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;align-items:start}
svg text{font:12px system-ui,"DejaVu Sans",sans-serif;fill:var(--fg)}
svg text.value{font-variant-numeric:tabular-nums}
svg text.axis{fill:var(--muted);font-size:11px}
svg .past{fill:var(--muted);opacity:.7}
svg .track{fill:var(--line);opacity:.6}
svg .bar.ok{fill:var(--ok)}svg .bar.warn{fill:var(--warn)}svg .bar.fail{fill:var(--fail)}
svg .over{fill:var(--bg);font-size:11px}
svg .threshold{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:4 3}
svg .grid{stroke:var(--line);stroke-width:1}
svg .series{fill:none;stroke-width:2.5}
svg .series.estimate{stroke:var(--muted);stroke-dasharray:6 4}
svg .series.plancost{stroke:var(--accent)}
svg .dot.estimate{fill:var(--muted)}svg .dot.plancost{fill:var(--accent)}
svg .row:hover .bar{opacity:.8}
.bar{fill:var(--accent)}
.cat-compute{fill:var(--compute);background:var(--compute)}.cat-database{fill:var(--database);background:var(--database)}
.cat-cache{fill:var(--cache);background:var(--cache)}.cat-storage{fill:var(--storage);background:var(--storage)}
.cat-network{fill:var(--network);background:var(--network)}.cat-monitoring{fill:var(--monitoring);background:var(--monitoring)}
.cat-security{fill:var(--security);background:var(--security)}svg .others{fill:var(--others)}
span.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:6px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:5px 8px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
thead th{position:sticky;top:0;background:var(--bg);border-bottom:2px solid var(--line);font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);white-space:nowrap}
th[data-sort]{cursor:pointer;user-select:none}
th[data-sort]:hover{color:var(--fg)}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.resource{background:var(--panel)}
tr.resource th{font-weight:500}
tr.resource .cost{font-weight:650}
tr.component td{border-bottom-color:transparent;font-size:.85rem}
tr.component td.name{padding-left:26px}
tr.was td{color:var(--muted)}
tr.was .cname,tr.was td.num{text-decoration:line-through}
tbody.res{border-bottom:1px solid var(--line)}
.source{font-size:.75rem;max-width:360px;overflow-wrap:anywhere}
.note{font-size:.78rem}
.missing{color:var(--fail);font-style:italic}
.type{font-size:.8rem}
.project{font-weight:600}
tfoot th,tfoot td{font-weight:700;border-top:2px solid var(--line);border-bottom:none}
.resources.no-components tr.component{display:none}
.controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin-bottom:10px;font-size:.9rem}
.controls input[type=search]{padding:5px 8px;min-width:260px;border:1px solid var(--line);border-radius:5px;background:var(--bg);color:var(--fg)}
.controls select{padding:4px;border:1px solid var(--line);border-radius:5px;background:var(--bg);color:var(--fg)}
#shown{color:var(--muted)}
.path{overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
ul.columns{columns:2 380px;padding-left:18px;font-size:.85rem}
details{margin:6px 0}
summary{cursor:pointer}
@media print{
 body{font-size:10pt;color:#000;background:#fff}
 :root{--fg:#000;--bg:#fff;--panel:#f4f4f4}
 header,main,footer{max-width:none;padding:0}
 .controls{display:none!important}
 th[aria-sort]::after{content:none!important}
 thead th{position:static}
 figure,.card,tbody.res,svg{break-inside:avoid}
 .charts{grid-template-columns:1fr 1fr}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
}
"#;

/// The page's only script: table sorting and filtering, the visible total, and a self-check
/// a headless browser reads back. Amounts are decimal strings added up as BigInt in units of
/// 1e-28 (rust_decimal's finest scale), so the sum is exact.
const SCRIPT: &str = r##"
"use strict";
(function(){
const SCALE=28n, ONE=10n**SCALE;
function units(s){s=String(s).trim();let neg=false;if(s[0]==="-"){neg=true;s=s.slice(1);}
 const parts=s.split(".");const f=((parts[1]||"")+"0".repeat(28)).slice(0,28);
 const v=BigInt(parts[0]||"0")*ONE+BigInt(f);return neg?-v:v;}
function money(v){const neg=v<0n;if(neg)v=-v;const cents=(v+ONE/200n)/(ONE/100n);
 const i=(cents/100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g,",");const c=(cents%100n).toString().padStart(2,"0");
 return (neg&&cents!==0n?"-":"")+"$"+i+"."+c;}
const check=document.getElementById("plancost-check");
const problems=[];
window.addEventListener("error",function(e){problems.push("script error: "+e.message);if(check){check.dataset.status="fail";check.dataset.problems=problems.join("; ");}});
const table=document.getElementById("resources");
const groups=table?Array.from(table.querySelectorAll("tbody.res")):[];
function visible(){return groups.filter(function(g){return !g.hidden;});}
function refresh(){
 const shown=visible();let sum=0n;shown.forEach(function(g){sum+=units(g.dataset.cost);});
 const total=document.getElementById("table-total");if(total)total.textContent=money(sum);
 const note=document.getElementById("filtered-note");const label=document.getElementById("shown");
 const filtered=shown.length!==groups.length;
 if(note)note.textContent=filtered?" (shown)":"";
 if(label)label.textContent=filtered?shown.length+" of "+groups.length+" resources":groups.length+" resources";
}
function applyFilter(){
 const q=(document.getElementById("filter").value||"").trim().toLowerCase();
 const cat=document.getElementById("category").value;
 groups.forEach(function(g){const words=q.split(/\s+/).filter(Boolean);
  g.hidden=!(words.every(function(w){return g.dataset.search.indexOf(w)>=0;})&&(!cat||g.dataset.category===cat));});
 refresh();
 // The filter lives in the address bar too, so a filtered view can be linked to.
 const params=new URLSearchParams();if(q)params.set("q",q);if(cat)params.set("category",cat);
 const hash=params.toString();
 try{history.replaceState(null,"",hash?"#"+hash:location.pathname+location.search);}catch(e){}
}
function fromHash(){
 const h=new URLSearchParams(location.hash.slice(1));const q=h.get("q"),cat=h.get("category");
 if(q!==null)document.getElementById("filter").value=q;
 if(cat!==null)document.getElementById("category").value=cat;
 if(q!==null||cat!==null)applyFilter();
}
function sortBy(th){
 const key=th.dataset.sort;const dir=th.getAttribute("aria-sort")==="descending"?"ascending":"descending";
 table.querySelectorAll("th[data-sort]").forEach(function(h){h.setAttribute("aria-sort","none");});
 th.setAttribute("aria-sort",dir);
 const sign=dir==="ascending"?1:-1;
 const sorted=groups.slice().sort(function(a,b){let r;
  if(key==="cost"||key==="change"){const x=units(a.dataset[key]),y=units(b.dataset[key]);r=x<y?-1:x>y?1:0;}
  else{r=a.dataset[key].localeCompare(b.dataset[key]);}
  if(r===0)r=a.dataset.address.localeCompare(b.dataset.address)*sign;return r*sign;});
 const foot=table.querySelector("tfoot");sorted.forEach(function(g){table.insertBefore(g,foot);});
}
if(table){
 const controls=document.querySelector(".controls");if(controls)controls.hidden=false;
 document.getElementById("filter").addEventListener("input",applyFilter);
 document.getElementById("category").addEventListener("change",applyFilter);
 document.getElementById("components").addEventListener("change",function(e){table.classList.toggle("no-components",!e.target.checked);});
 table.querySelectorAll("th[data-sort]").forEach(function(th){th.addEventListener("click",function(){sortBy(th);});
  th.tabIndex=0;th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();sortBy(th);}});});
 refresh();
 fromHash();
}
window.addEventListener("beforeprint",function(){document.querySelectorAll("details.print-open").forEach(function(d){d.open=true;});});
// Self-check: the rows add up to the headline total, the headline shows it, the charts are drawn.
if(check){
 const totalEl=document.getElementById("total");
 const expected=totalEl?units(totalEl.dataset.total):0n;
 let sum=0n;groups.forEach(function(g){sum+=units(g.dataset.cost);});
 if(sum!==expected)problems.push("rows add up to "+money(sum)+", headline says "+money(expected));
 if(totalEl&&totalEl.textContent.trim()!==money(expected))problems.push("headline shows "+totalEl.textContent+", expected "+money(expected));
 const charts=document.querySelectorAll("svg.chart").length;
 check.dataset.charts=String(charts);
 check.dataset.rows=String(groups.length);
 check.dataset.sum=money(sum);
 check.dataset.headline=totalEl?totalEl.textContent.trim():"";
 check.dataset.status=problems.length?"fail":"ok";
 if(problems.length)check.dataset.problems=problems.join("; ");
}
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{BudgetCheck, PricesInfo};
    use std::collections::BTreeMap;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn component(name: &str, qty: &str, price: &str, cost: &str) -> ComponentReport {
        ComponentReport {
            name: name.to_string(),
            unit: "hours".to_string(),
            monthly_quantity: Some(d(qty)),
            unit_price: Some(d(price)),
            monthly_cost: Some(d(cost)),
            usage_based: false,
            price: None,
            notes: Vec::new(),
            spot: None,
        }
    }

    fn report_with(address: &str, name: &str) -> Report {
        let resource = ResourceReport {
            address: address.to_string(),
            resource_type: "aws_eks_cluster".to_string(),
            region: "us-east-1".to_string(),
            category: Category::Compute,
            action: Action::Create,
            monthly_cost: d("73"),
            past_monthly_cost: Decimal::ZERO,
            components: vec![component(name, "730", "0.1", "73")],
            past_components: Vec::new(),
        };
        let mut categories = BTreeMap::new();
        categories.insert(Category::Compute, d("73"));
        Report {
            schema_version: "1".to_string(),
            generated_at: "2026-11-27T09:30:00Z".to_string(),
            currency: "USD".to_string(),
            prices: PricesInfo {
                snapshot: "bundled".to_string(),
                sources: Vec::new(),
            },
            projects: vec![ProjectReport {
                name: "p".to_string(),
                path: "p/plan.json".to_string(),
                resources: vec![resource],
                unpriced: Vec::new(),
                skipped: Vec::new(),
                categories,
                total_monthly_cost: d("73"),
                past_total_monthly_cost: Decimal::ZERO,
                diff_monthly_cost: d("73"),
                usage_missing: 0,
                baseline: true,
            }],
            total_monthly_cost: d("73"),
            past_total_monthly_cost: Decimal::ZERO,
            diff_monthly_cost: d("73"),
            budget: None,
        }
    }

    #[test]
    fn escape_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<a href='x'>\"&\"</a>\u{1b}[2J"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;\u{fffd}[2J"
        );
    }

    #[test]
    fn input_strings_cannot_open_tags_or_break_attributes() {
        let hostile = "aws_eks_cluster.x[\"</script><script>alert(1)</script>\"]";
        let page = render(&report_with(hostile, "<img src=x onerror=alert(1)>"));
        assert!(!page.contains("<script>alert"), "script tag got through");
        assert!(!page.contains("<img"), "img tag got through");
        assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)"));
        // The only <script> element is the page's own.
        assert_eq!(page.matches("<script>").count(), 1);
    }

    #[test]
    fn page_is_self_contained() {
        let page = render(&report_with("aws_eks_cluster.a", "EKS cluster"));
        for needle in ["http://", "https://", "src=", "<link", "@import", "url("] {
            assert!(
                !page.contains(needle),
                "the page refers to something outside: {needle}"
            );
        }
        assert!(page.contains("default-src 'none'"));
    }

    #[test]
    fn headline_carries_the_exact_total_and_the_rounded_one() {
        let page = render(&report_with("aws_eks_cluster.a", "EKS cluster"));
        assert!(page.contains("data-total=\"73\">$73.00</span>"));
        // 73 × 12 = 876 a year.
        assert!(page.contains("$876.00 a year"));
        assert!(page.contains("data-cost=\"73\""));
    }

    #[test]
    fn budget_checks_are_drawn_against_their_thresholds() {
        let mut report = report_with("aws_eks_cluster.a", "EKS cluster");
        report.budget = Some(BudgetReport {
            status: Status::Fail,
            checks: vec![
                BudgetCheck::usd("p", "category:compute", d("50"), d("73"), Status::Fail),
                BudgetCheck::usd("p", "total", d("100"), d("73"), Status::Ok),
            ],
        });
        let page = render(&report);
        assert!(page.contains("id=\"chart-budget\""));
        // 73 / 50 = 146 %; 73 / 100 = 73 %.
        assert!(page.contains("$73.00 / $50.00 · 146%"));
        assert!(page.contains("$73.00 / $100.00 · 73%"));
        assert!(page.contains("class=\"bar fail\""));
        assert!(page.contains("class=\"bar ok\""));
    }

    #[test]
    fn forecast_is_drawn_as_two_lines_when_given() {
        let report = report_with("aws_eks_cluster.a", "EKS cluster");
        assert!(!render(&report).contains("chart-forecast"));
        let forecast = Forecast {
            title: "GPU nodes <by month>".to_string(),
            points: vec![
                ForecastPoint {
                    label: "M1".to_string(),
                    estimate: d("1227"),
                    plancost: d("1541.04"),
                },
                ForecastPoint {
                    label: "M2".to_string(),
                    estimate: d("2000"),
                    plancost: d("2100"),
                },
            ],
        };
        let page = render_with_forecast(&report, Some(&forecast));
        assert!(page.contains("id=\"chart-forecast\""));
        assert_eq!(page.matches("<polyline class=\"series").count(), 2);
        assert!(page.contains("GPU nodes &lt;by month&gt;"));
        // 1541.04 − 1227 = 314.04
        assert!(page.contains("+$314.04"));
    }

    #[test]
    fn removed_components_are_struck_through_and_not_counted() {
        let mut report = report_with("aws_instance.old", "Instance usage");
        let r = &mut report.projects[0].resources[0];
        r.action = Action::Delete;
        r.past_components = std::mem::take(&mut r.components);
        r.past_monthly_cost = r.monthly_cost;
        r.monthly_cost = Decimal::ZERO;
        let page = render(&report);
        assert!(page.contains("<tr class=\"component was\">"));
        assert!(page.contains("before the change; removed"));
        assert!(page.contains("data-cost=\"0\""));
        // 0 − 73 = −73
        assert!(page.contains("data-change=\"-73\""));
    }

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(1541.0), 500.0);
        assert_eq!(nice_step(100.0), 50.0);
        assert_eq!(nice_step(7.0), 2.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn long_labels_keep_their_end() {
        assert_eq!(
            shorten("module.gpu.aws_eks_node_group.spot", 20),
            "…eks_node_group.spot"
        );
        assert_eq!(shorten("short", 20), "short");
    }
}
