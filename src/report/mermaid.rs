//! Small Mermaid charts for Markdown that GitHub (and GitLab) render as pictures: a pie of the
//! monthly cost by category for pull-request comments. Platforms that do not render Mermaid show
//! the block as code, so the Markdown renderers put it behind a switch.
//!
//! Only fixed words (category names, a fixed title) and numbers go into the chart: nothing from
//! the plan, so no input can break out of the block.

use rust_decimal::{Decimal, RoundingStrategy};

use super::Report;
use crate::model::Category;

/// A fenced ```` ```mermaid ```` pie chart of the report's monthly cost by category, summed
/// over its projects, in cents. Categories that cost nothing are left out (a pie cannot show a
/// zero slice); a report that costs nothing at all gives an empty string: there is no chart to
/// draw.
pub fn mermaid_cost_by_category(report: &Report) -> String {
    let mut slices = Vec::new();
    for category in Category::ALL {
        let amount: Decimal = report
            .projects
            .iter()
            .filter_map(|p| p.categories.get(&category))
            .sum();
        let cents = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if cents > Decimal::ZERO {
            slices.push((category, cents));
        }
    }
    if slices.is_empty() {
        return String::new();
    }
    let mut out = String::from("```mermaid\npie showData title Monthly cost by category (USD)\n");
    for (category, cents) in slices {
        // Two decimals always, so 73 shows as 73.00 like the money beside it.
        out.push_str(&format!("    \"{}\" : {:.2}\n", category.as_str(), cents));
    }
    out.push_str("```\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{PricesInfo, ProjectReport};
    use std::collections::BTreeMap;

    fn project(name: &str, categories: &[(Category, &str)]) -> ProjectReport {
        ProjectReport {
            name: name.to_string(),
            path: format!("{name}/plan.json"),
            resources: Vec::new(),
            unpriced: Vec::new(),
            skipped: Vec::new(),
            categories: categories
                .iter()
                .map(|(c, a)| (*c, a.parse().unwrap()))
                .collect::<BTreeMap<_, _>>(),
            total_monthly_cost: Decimal::ZERO,
            past_total_monthly_cost: Decimal::ZERO,
            diff_monthly_cost: Decimal::ZERO,
            usage_missing: 0,
            baseline: true,
        }
    }

    fn report(projects: Vec<ProjectReport>) -> Report {
        Report {
            schema_version: "1".to_string(),
            generated_at: "2026-11-27T09:30:00Z".to_string(),
            currency: "USD".to_string(),
            prices: PricesInfo {
                snapshot: "bundled".to_string(),
                sources: Vec::new(),
            },
            projects,
            total_monthly_cost: Decimal::ZERO,
            past_total_monthly_cost: Decimal::ZERO,
            diff_monthly_cost: Decimal::ZERO,
            budget: None,
        }
    }

    #[test]
    fn pie_has_one_slice_per_costly_category_in_cents() {
        let r = report(vec![project(
            "phase1",
            &[
                (Category::Compute, "1468.04"),
                (Category::Database, "0"),
                (Category::Network, "73"),
                (Category::Security, "0.004"),
            ],
        )]);
        assert_eq!(
            mermaid_cost_by_category(&r),
            "```mermaid\n\
             pie showData title Monthly cost by category (USD)\n    \
             \"compute\" : 1468.04\n    \
             \"network\" : 73.00\n\
             ```\n"
        );
    }

    #[test]
    fn categories_add_up_over_projects_and_round_half_away_from_zero() {
        // compute: 100.125 + 0.010 = 100.135 → 100.14 (half away from zero);
        // cache: 12.5 alone → 12.50.
        let r = report(vec![
            project(
                "a",
                &[(Category::Compute, "100.125"), (Category::Cache, "12.5")],
            ),
            project("b", &[(Category::Compute, "0.010")]),
        ]);
        let chart = mermaid_cost_by_category(&r);
        assert!(chart.contains("\"compute\" : 100.14\n"), "{chart}");
        assert!(chart.contains("\"cache\" : 12.50\n"), "{chart}");
        // Category order is the estimate's: compute before cache.
        assert!(chart.find("compute").unwrap() < chart.find("cache").unwrap());
    }

    #[test]
    fn nothing_to_draw_gives_an_empty_string() {
        assert_eq!(mermaid_cost_by_category(&report(Vec::new())), "");
        let free = report(vec![project("p", &[(Category::Compute, "0")])]);
        assert_eq!(mermaid_cost_by_category(&free), "");
    }
}
