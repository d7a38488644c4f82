//! Budgets and policies: the verdict of `plancost check`.
//!
//! Each project's priced report is held against its thresholds (total and per category) and the
//! policies of the configuration (how much a change may add, in dollars and in percent, and
//! whether a changed resource that cannot be priced fails the check). A check fails when its
//! actual exceeds its limit, and warns when the actual exceeds `warn_percent` of the limit (the
//! warning band); an actual equal to the limit is within it. Comparisons are exact (decimal,
//! never rounded); only the display rounds.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use crate::config::{Policy, ProjectBudget};
use crate::report::{BudgetCheck, BudgetReport, CheckUnit, ProjectReport, Status};

/// The checks of one project.
pub fn evaluate(
    project: &ProjectReport,
    budget: &ProjectBudget,
    policy: &Policy,
) -> Vec<BudgetCheck> {
    let warn_percent = budget.warn_percent.map(|w| w.0);
    let mut checks = Vec::new();
    let mut push = |name: String, unit, limit: Decimal, actual: Decimal, banded: bool| {
        checks.push(threshold(
            &project.name,
            name,
            unit,
            limit,
            actual,
            if banded { warn_percent } else { None },
        ));
    };
    if let Some(limit) = budget.monthly {
        push(
            "total".into(),
            CheckUnit::Usd,
            limit.0,
            project.total_monthly_cost,
            true,
        );
    }
    for (category, limit) in &budget.categories {
        let actual = project
            .categories
            .get(category)
            .copied()
            .unwrap_or(Decimal::ZERO);
        push(
            format!("category:{category}"),
            CheckUnit::Usd,
            limit.0,
            actual,
            true,
        );
    }
    // An HCL directory priced on its own says nothing of what runs today: an increase needs a
    // baseline (a plan, or `diff --compare-to` an earlier report).
    let max_increase = policy.max_monthly_increase.filter(|_| project.baseline);
    let max_increase_percent = policy
        .max_monthly_increase_percent
        .filter(|_| project.baseline);
    if let Some(limit) = max_increase {
        push(
            "max_monthly_increase".into(),
            CheckUnit::Usd,
            limit.0,
            project.diff_monthly_cost,
            true,
        );
    }
    // A project with nothing before the change (a plan that creates it) has no percentage
    // increase; the dollar limit and the budget still hold it.
    if let Some(limit) = max_increase_percent {
        let past = project.past_total_monthly_cost;
        if past > Decimal::ZERO {
            // Judged on the full quotient; reported to 4 decimal places.
            let percent = project.diff_monthly_cost * Decimal::ONE_HUNDRED / past;
            push(
                "max_monthly_increase_percent".into(),
                CheckUnit::Percent,
                limit.0,
                percent,
                true,
            );
            if let Some(c) = checks.last_mut() {
                c.actual = c.actual.round_dp(4).normalize();
                c.headroom = c.headroom.round_dp(4).normalize();
            }
        }
    }
    let unpriced = unpriced_changed(project);
    if policy.fail_on_unpriced || !unpriced.is_empty() {
        let count = Decimal::from(unpriced.len());
        let status = match (unpriced.is_empty(), policy.fail_on_unpriced) {
            (true, _) => Status::Ok,
            (false, true) => Status::Fail,
            (false, false) => Status::Warn,
        };
        checks.push(BudgetCheck {
            project: project.name.clone(),
            name: "unpriced_changed_resources".into(),
            unit: CheckUnit::Count,
            limit: Decimal::ZERO,
            actual: count,
            headroom: -count,
            warn_above: None,
            status,
        });
    }
    checks
}

/// Addresses of the resources the change touches whose cost the report cannot show: a component
/// without a price, or a resource type plancost does not price.
pub fn unpriced_changed(project: &ProjectReport) -> BTreeSet<&str> {
    let mut addresses: BTreeSet<&str> = project
        .unpriced
        .iter()
        .filter(|u| u.changed && !u.usage_missing)
        .map(|u| u.address.as_str())
        .collect();
    addresses.extend(
        project
            .skipped
            .iter()
            .filter(|s| s.changed && s.reason == "unsupported")
            .map(|s| s.address.as_str()),
    );
    addresses
}

fn threshold(
    project: &str,
    name: String,
    unit: CheckUnit,
    limit: Decimal,
    actual: Decimal,
    warn_percent: Option<Decimal>,
) -> BudgetCheck {
    let warn_above = warn_percent.map(|w| (limit * w / Decimal::ONE_HUNDRED).normalize());
    let status = if actual > limit {
        Status::Fail
    } else if warn_above.is_some_and(|w| actual > w) {
        Status::Warn
    } else {
        Status::Ok
    };
    BudgetCheck {
        project: project.to_string(),
        name,
        unit,
        limit: limit.normalize(),
        actual: actual.normalize(),
        headroom: (limit - actual).normalize(),
        warn_above,
        status,
    }
}

/// All checks with the overall status: the worst of them (`ok` when there are none).
pub fn verdict(checks: Vec<BudgetCheck>) -> BudgetReport {
    let status = checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok);
    BudgetReport { status, checks }
}

/// The exit code of a verdict (DESIGN.md §3): 1 when a check failed; a warning is still 0.
pub fn exit_code(report: &BudgetReport) -> i32 {
    match report.status {
        Status::Fail => 1,
        Status::Ok | Status::Warn => 0,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::Money;
    use crate::model::Category;
    use crate::report::{Skipped, Unpriced};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn project(total: &str, past: &str, compute: &str) -> ProjectReport {
        ProjectReport {
            name: "p".into(),
            path: "p.json".into(),
            resources: Vec::new(),
            unpriced: Vec::new(),
            skipped: Vec::new(),
            categories: BTreeMap::from([(Category::Compute, d(compute))]),
            total_monthly_cost: d(total),
            past_total_monthly_cost: d(past),
            diff_monthly_cost: d(total) - d(past),
            usage_missing: 0,
            baseline: true,
        }
    }

    fn budget(monthly: &str, warn: Option<&str>, compute: &str) -> ProjectBudget {
        ProjectBudget {
            monthly: Some(Money(d(monthly))),
            warn_percent: warn.map(|w| Money(d(w))),
            categories: BTreeMap::from([(Category::Compute, Money(d(compute)))]),
        }
    }

    fn status_of<'a>(checks: &'a [BudgetCheck], name: &str) -> &'a BudgetCheck {
        checks.iter().find(|c| c.name == name).unwrap()
    }

    #[test]
    fn warning_band_is_above_warn_percent_and_the_limit_itself_is_within() {
        // 90% of 1000 is 900: 900 is ok, 900.01 warns, 1000 warns (not over), 1000.01 fails.
        for (actual, want) in [
            ("900", Status::Ok),
            ("900.01", Status::Warn),
            ("1000", Status::Warn),
            ("1000.01", Status::Fail),
        ] {
            let checks = evaluate(
                &project(actual, "0", "0"),
                &budget("1000", Some("90"), "5000"),
                &Policy::default(),
            );
            let total = status_of(&checks, "total");
            assert_eq!(total.status, want, "actual {actual}");
            assert_eq!(total.headroom, d("1000") - d(actual));
            assert_eq!(total.warn_above, Some(d("900")));
        }
    }

    #[test]
    fn percent_increase_is_against_the_cost_before_and_absent_for_new_projects() {
        let policy = Policy {
            max_monthly_increase_percent: Some(Money(d("10"))),
            ..Policy::default()
        };
        // 200 -> 221: +21 = 10.5% of 200.
        let checks = evaluate(
            &project("221", "200", "0"),
            &ProjectBudget::default(),
            &policy,
        );
        let c = status_of(&checks, "max_monthly_increase_percent");
        assert_eq!(c.actual, d("10.5"));
        assert_eq!(c.status, Status::Fail);
        // 200 -> 220 is exactly 10%: within.
        let checks = evaluate(
            &project("220", "200", "0"),
            &ProjectBudget::default(),
            &policy,
        );
        assert_eq!(
            status_of(&checks, "max_monthly_increase_percent").status,
            Status::Ok
        );
        let checks = evaluate(
            &project("220", "0", "0"),
            &ProjectBudget::default(),
            &policy,
        );
        assert!(checks.is_empty());
    }

    #[test]
    fn unpriced_and_unsupported_changed_resources_count_once_each() {
        let mut p = project("1", "0", "1");
        let unpriced = |address: &str, changed, usage_missing| Unpriced {
            address: address.into(),
            resource_type: "aws_instance".into(),
            component: "c".into(),
            reason: "r".into(),
            changed,
            usage_missing,
        };
        p.unpriced = vec![
            unpriced("a", true, false),
            unpriced("a", true, false),
            unpriced("b", false, false),
            // No price, but no usage either: it adds nothing whatever its price, so it waits.
            unpriced("e", true, true),
        ];
        p.skipped = vec![
            Skipped {
                address: "c".into(),
                resource_type: "aws_x".into(),
                reason: "unsupported".into(),
                changed: true,
            },
            Skipped {
                address: "d".into(),
                resource_type: "aws_iam_role".into(),
                reason: "free".into(),
                changed: true,
            },
        ];
        let policy = Policy {
            fail_on_unpriced: true,
            ..Policy::default()
        };
        let checks = evaluate(&p, &ProjectBudget::default(), &policy);
        let c = status_of(&checks, "unpriced_changed_resources");
        assert_eq!((c.actual, c.status), (d("2"), Status::Fail));
        let checks = evaluate(&p, &ProjectBudget::default(), &Policy::default());
        assert_eq!(
            status_of(&checks, "unpriced_changed_resources").status,
            Status::Warn
        );
    }

    #[test]
    fn increase_policies_need_a_baseline() {
        let mut p = project("900", "0", "900");
        let policy = Policy {
            max_monthly_increase: Some(Money(d("500"))),
            ..Policy::default()
        };
        // A plan that creates everything: +900 against a known nothing fails the $500 limit.
        let c = status_of(
            &evaluate(&p, &ProjectBudget::default(), &policy),
            "max_monthly_increase",
        )
        .clone();
        assert_eq!(c.status, Status::Fail);
        // The same cost from an HCL directory alone: nothing is known of what runs today.
        p.baseline = false;
        let checks = evaluate(&p, &ProjectBudget::default(), &policy);
        assert!(checks.iter().all(|c| c.name != "max_monthly_increase"));
    }

    #[test]
    fn overall_status_is_the_worst() {
        let checks = evaluate(
            &project("950", "0", "800"),
            &budget("1000", Some("90"), "700"),
            &Policy::default(),
        );
        let v = verdict(checks);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(exit_code(&v), 1);
        assert_eq!(verdict(Vec::new()).status, Status::Ok);
    }
}
