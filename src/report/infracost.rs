//! `--format infracost-json`: the report in Infracost's JSON output format, version 0.2, so
//! OPA/Conftest policies, dashboards and scripts written against `infracost breakdown
//! --format json` work with plancost unchanged. docs/infracost-json.md maps each field.
//!
//! The choices that matter: amounts are exact decimal strings; hourly figures are monthly ÷ 730;
//! a price that could not be found is `null` with `priceNotFound: true`, never `"0"`; a
//! quantity or cost that depends on usage the usage file does not give is `null`, as Infracost
//! writes it. The output validates against Infracost's published schema
//! (fixtures/schema/infracost.schema.json, checked by the integration tests).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::{ComponentReport, ProjectReport, Report, ResourceReport};
use crate::model::{Action, HOURS_PER_MONTH};

pub const VERSION: &str = "0.2";

pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string(&to_value(report)).expect("a JSON value always serialises");
    out.push('\n');
    out
}

/// The Infracost document as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let projects: Vec<Value> = report.projects.iter().map(project).collect();
    let summaries: Vec<Summary> = report.projects.iter().map(Summary::of).collect();
    let usage =
        |side: fn(&ProjectReport) -> Decimal| -> Decimal { report.projects.iter().map(side).sum() };
    let usage_now = usage(|p| usage_cost_of(current_resources(p).map(|r| &r.components[..])));
    let usage_past = usage(|p| usage_cost_of(p.resources.iter().map(past_components)));
    json!({
        "version": VERSION,
        "metadata": {
            "infracostCommand": "breakdown",
            "vcsBranch": "",
            "vcsCommitSha": "",
            "vcsCommitAuthorName": "",
            "vcsCommitAuthorEmail": "",
            "vcsCommitTimestamp": "0001-01-01T00:00:00Z",
            "vcsCommitMessage": "",
        },
        "currency": report.currency,
        "projects": projects,
        "totalHourlyCost": hourly(report.total_monthly_cost),
        "totalMonthlyCost": amount(report.total_monthly_cost),
        "totalMonthlyUsageCost": amount(usage_now),
        "pastTotalHourlyCost": hourly(report.past_total_monthly_cost),
        "pastTotalMonthlyCost": amount(report.past_total_monthly_cost),
        "pastTotalMonthlyUsageCost": amount(usage_past),
        "diffTotalHourlyCost": hourly(report.diff_monthly_cost),
        "diffTotalMonthlyCost": amount(report.diff_monthly_cost),
        "diffTotalMonthlyUsageCost": amount(usage_now - usage_past),
        "timeGenerated": report.generated_at,
        "summary": Summary::sum(&summaries).to_value(),
    })
}

fn amount(d: Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

fn hourly(monthly: Decimal) -> Value {
    amount(monthly / HOURS_PER_MONTH)
}

fn optional(d: Option<Decimal>) -> Value {
    d.map(amount).unwrap_or(Value::Null)
}

/// Resources that exist after the change.
fn current_resources(p: &ProjectReport) -> impl Iterator<Item = &ResourceReport> {
    p.resources.iter().filter(|r| r.action != Action::Delete)
}

/// A resource's components before the change: none for a created one, the recorded ones for a
/// changed or deleted one, and the same as now for one the change leaves alone.
fn past_components(r: &ResourceReport) -> &[ComponentReport] {
    match r.action {
        Action::Create => &[],
        Action::NoOp | Action::Read => &r.components,
        Action::Update | Action::Replace | Action::Delete => &r.past_components,
    }
}

fn usage_cost_of<'a>(sides: impl Iterator<Item = &'a [ComponentReport]>) -> Decimal {
    sides
        .flatten()
        .filter(|c| c.usage_based)
        .filter_map(|c| c.monthly_cost)
        .sum()
}

fn project(p: &ProjectReport) -> Value {
    let now: Vec<Value> = current_resources(p)
        .map(|r| resource(r, &r.components, Some(r.monthly_cost)))
        .collect();
    let past: Vec<Value> = p
        .resources
        .iter()
        .filter(|r| r.action != Action::Create && !past_components(r).is_empty())
        .map(|r| resource(r, past_components(r), Some(r.past_monthly_cost)))
        .collect();
    let diff: Vec<Value> = p
        .resources
        .iter()
        .filter(|r| r.action.is_change() || r.monthly_cost != r.past_monthly_cost)
        .map(diff_resource)
        .collect();
    let free: Vec<Value> = p
        .skipped
        .iter()
        .filter(|s| s.reason == "free")
        .map(|s| {
            json!({
                "name": s.address,
                "resourceType": s.resource_type,
                "metadata": {},
            })
        })
        .collect();
    let usage_now = usage_cost_of(current_resources(p).map(|r| &r.components[..]));
    let usage_past = usage_cost_of(p.resources.iter().map(past_components));
    json!({
        "name": p.name,
        "displayName": p.name,
        "metadata": { "path": p.path, "type": "terraform_plan_json" },
        "pastBreakdown": {
            "resources": past,
            "totalHourlyCost": hourly(p.past_total_monthly_cost),
            "totalMonthlyCost": amount(p.past_total_monthly_cost),
            "totalMonthlyUsageCost": amount(usage_past),
        },
        "breakdown": {
            "resources": now,
            "freeResources": free,
            "totalHourlyCost": hourly(p.total_monthly_cost),
            "totalMonthlyCost": amount(p.total_monthly_cost),
            "totalMonthlyUsageCost": amount(usage_now),
        },
        "diff": {
            "resources": diff,
            "totalHourlyCost": hourly(p.diff_monthly_cost),
            "totalMonthlyCost": amount(p.diff_monthly_cost),
            "totalMonthlyUsageCost": amount(usage_now - usage_past),
        },
        "summary": Summary::of(p).to_value(),
    })
}

fn metadata(r: &ResourceReport) -> Value {
    json!({
        "region": r.region,
        "category": r.category.as_str(),
        "action": r.action.as_str(),
    })
}

/// A resource with `components`; `total` is its monthly cost on that side.
fn resource(r: &ResourceReport, components: &[ComponentReport], total: Option<Decimal>) -> Value {
    let costs: Vec<Value> = components.iter().map(component).collect();
    // Infracost's resource cost is null when none of its components has one.
    let total = if !components.is_empty() && components.iter().all(|c| c.monthly_cost.is_none()) {
        None
    } else {
        total
    };
    let usage: Vec<Decimal> = components
        .iter()
        .filter(|c| c.usage_based)
        .filter_map(|c| c.monthly_cost)
        .collect();
    let usage = (!usage.is_empty()).then(|| usage.into_iter().sum());
    json!({
        "name": r.address,
        "resourceType": r.resource_type,
        "metadata": metadata(r),
        "hourlyCost": optional(total.map(|t| t / HOURS_PER_MONTH)),
        "monthlyCost": optional(total),
        "monthlyUsageCost": optional(usage),
        "costComponents": costs,
        "subresources": [],
    })
}

fn component(c: &ComponentReport) -> Value {
    let hours = HOURS_PER_MONTH;
    json!({
        "name": c.name,
        "unit": c.unit,
        "hourlyQuantity": optional(c.monthly_quantity.map(|q| q / hours)),
        "monthlyQuantity": optional(c.monthly_quantity),
        "price": optional(c.unit_price),
        "hourlyCost": optional(c.monthly_cost.map(|m| m / hours)),
        "monthlyCost": optional(c.monthly_cost),
        "usageBased": c.usage_based,
        "priceNotFound": c.unit_price.is_none(),
    })
}

/// A changed resource: each component as after − before, matched by name.
fn diff_resource(r: &ResourceReport) -> Value {
    let hours = HOURS_PER_MONTH;
    let before = past_components(r);
    let after: &[ComponentReport] = if r.action == Action::Delete {
        &[]
    } else {
        &r.components
    };
    let mut names: Vec<&str> = after.iter().map(|c| c.name.as_str()).collect();
    for c in before {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    let find = |side: &'_ [ComponentReport], name: &str| -> Option<ComponentReport> {
        side.iter().find(|c| c.name == name).cloned()
    };
    let mut costs = Vec::new();
    for name in names {
        let (new, old) = (find(after, name), find(before, name));
        let any = new
            .as_ref()
            .or(old.as_ref())
            .expect("the name came from one side");
        let delta = |pick: fn(&ComponentReport) -> Option<Decimal>| -> Option<Decimal> {
            let n = new.as_ref().map(pick);
            let o = old.as_ref().map(pick);
            match (n, o) {
                (Some(None), _) | (_, Some(None)) => None,
                (n, o) => Some(n.flatten().unwrap_or_default() - o.flatten().unwrap_or_default()),
            }
        };
        let quantity = delta(|c| c.monthly_quantity);
        let cost = delta(|c| c.monthly_cost);
        costs.push(json!({
            "name": name,
            "unit": any.unit,
            "hourlyQuantity": optional(quantity.map(|q| q / hours)),
            "monthlyQuantity": optional(quantity),
            "price": optional(new.as_ref().and_then(|c| c.unit_price).or(old.as_ref().and_then(|c| c.unit_price))),
            "hourlyCost": optional(cost.map(|m| m / hours)),
            "monthlyCost": optional(cost),
            "usageBased": any.usage_based,
            "priceNotFound": any.unit_price.is_none(),
        }));
    }
    let change = r.monthly_cost - r.past_monthly_cost;
    json!({
        "name": r.address,
        "resourceType": r.resource_type,
        "metadata": metadata(r),
        "hourlyCost": amount(change / hours),
        "monthlyCost": amount(change),
        "costComponents": costs,
        "subresources": [],
    })
}

#[derive(Default)]
struct Summary {
    supported: BTreeMap<String, u64>,
    unsupported: BTreeMap<String, u64>,
    no_price: BTreeMap<String, u64>,
    usage_based: u64,
}

impl Summary {
    fn of(p: &ProjectReport) -> Summary {
        let mut s = Summary::default();
        for r in current_resources(p) {
            *s.supported.entry(r.resource_type.clone()).or_default() += 1;
            if r.components.iter().any(|c| c.usage_based) {
                s.usage_based += 1;
            }
        }
        for skipped in &p.skipped {
            let counts = if skipped.reason == "free" {
                &mut s.no_price
            } else {
                &mut s.unsupported
            };
            *counts.entry(skipped.resource_type.clone()).or_default() += 1;
        }
        s
    }

    fn sum(all: &[Summary]) -> Summary {
        let mut total = Summary::default();
        for s in all {
            for (mine, theirs) in [
                (&mut total.supported, &s.supported),
                (&mut total.unsupported, &s.unsupported),
                (&mut total.no_price, &s.no_price),
            ] {
                for (k, v) in theirs {
                    *mine.entry(k.clone()).or_default() += v;
                }
            }
            total.usage_based += s.usage_based;
        }
        total
    }

    fn to_value(&self) -> Value {
        let count = |m: &BTreeMap<String, u64>| m.values().sum::<u64>();
        let object = |m: &BTreeMap<String, u64>| {
            Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect::<Map<_, _>>(),
            )
        };
        let (supported, unsupported, no_price) = (
            count(&self.supported),
            count(&self.unsupported),
            count(&self.no_price),
        );
        json!({
            "totalDetectedResources": supported + unsupported + no_price,
            "totalSupportedResources": supported,
            "totalUnsupportedResources": unsupported,
            "totalUsageBasedResources": self.usage_based,
            "totalNoPriceResources": no_price,
            "supportedResourceCounts": object(&self.supported),
            "unsupportedResourceCounts": object(&self.unsupported),
            "noPriceResourceCounts": object(&self.no_price),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use crate::report::{PricesInfo, Skipped};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn comp(
        name: &str,
        qty: Option<&str>,
        price: Option<&str>,
        cost: Option<&str>,
    ) -> ComponentReport {
        ComponentReport {
            name: name.to_string(),
            unit: "hours".to_string(),
            monthly_quantity: qty.map(d),
            unit_price: price.map(d),
            monthly_cost: cost.map(d),
            usage_based: false,
            price: None,
            notes: Vec::new(),
            spot: None,
        }
    }

    fn res(
        address: &str,
        action: Action,
        now: Vec<ComponentReport>,
        past: Vec<ComponentReport>,
        cost: &str,
        past_cost: &str,
    ) -> ResourceReport {
        ResourceReport {
            address: address.to_string(),
            resource_type: "aws_instance".to_string(),
            region: "us-east-1".to_string(),
            category: Category::Compute,
            action,
            monthly_cost: d(cost),
            past_monthly_cost: d(past_cost),
            components: now,
            past_components: past,
        }
    }

    fn one_project(resources: Vec<ResourceReport>, skipped: Vec<Skipped>) -> Report {
        let mut p = ProjectReport {
            name: "p".to_string(),
            path: "p/plan.json".to_string(),
            resources,
            unpriced: Vec::new(),
            skipped,
            categories: BTreeMap::new(),
            total_monthly_cost: Decimal::ZERO,
            past_total_monthly_cost: Decimal::ZERO,
            diff_monthly_cost: Decimal::ZERO,
            usage_missing: 0,
            baseline: true,
        };
        p.recompute_totals();
        let mut r = Report {
            schema_version: "1".to_string(),
            generated_at: "2026-11-27T09:30:00Z".to_string(),
            currency: "USD".to_string(),
            prices: PricesInfo {
                snapshot: "bundled".to_string(),
                sources: Vec::new(),
            },
            projects: vec![p],
            total_monthly_cost: Decimal::ZERO,
            past_total_monthly_cost: Decimal::ZERO,
            diff_monthly_cost: Decimal::ZERO,
            budget: None,
        };
        r.recompute_totals();
        r
    }

    #[test]
    fn an_update_shows_both_sides_and_the_component_difference() {
        // t3.large → t3.xlarge: 730 h × 0.0832 = 60.736 before, 730 h × 0.1664 = 121.472 after.
        let report = one_project(
            vec![res(
                "aws_instance.web",
                Action::Update,
                vec![comp(
                    "Instance usage",
                    Some("730"),
                    Some("0.1664"),
                    Some("121.472"),
                )],
                vec![comp(
                    "Instance usage",
                    Some("730"),
                    Some("0.0832"),
                    Some("60.736"),
                )],
                "121.472",
                "60.736",
            )],
            Vec::new(),
        );
        let v = to_value(&report);
        let p = &v["projects"][0];
        assert_eq!(p["breakdown"]["totalMonthlyCost"], "121.472");
        assert_eq!(p["pastBreakdown"]["totalMonthlyCost"], "60.736");
        assert_eq!(
            p["pastBreakdown"]["resources"][0]["costComponents"][0]["price"],
            "0.0832"
        );
        // 121.472 − 60.736 = 60.736
        assert_eq!(p["diff"]["totalMonthlyCost"], "60.736");
        let diff = &p["diff"]["resources"][0]["costComponents"][0];
        assert_eq!(diff["monthlyCost"], "60.736");
        assert_eq!(diff["monthlyQuantity"], "0");
        // 60.736 / 730 = 0.0832 an hour
        assert_eq!(v["diffTotalHourlyCost"], "0.0832");
        assert_eq!(v["totalHourlyCost"], "0.1664");
    }

    #[test]
    fn unpriced_and_usage_dependent_components_are_null_not_zero() {
        let report = one_project(
            vec![res(
                "aws_instance.web",
                Action::Create,
                vec![
                    comp("Instance usage", Some("730"), None, None),
                    comp("Requests", None, Some("0.2"), None),
                ],
                Vec::new(),
                "0",
                "0",
            )],
            Vec::new(),
        );
        let v = to_value(&report);
        let r = &v["projects"][0]["breakdown"]["resources"][0];
        assert_eq!(r["monthlyCost"], Value::Null);
        let unpriced = &r["costComponents"][0];
        assert_eq!(unpriced["price"], Value::Null);
        assert_eq!(unpriced["priceNotFound"], true);
        let usage = &r["costComponents"][1];
        assert_eq!(usage["price"], "0.2");
        assert_eq!(usage["monthlyQuantity"], Value::Null);
        assert_eq!(usage["priceNotFound"], false);
        // A created resource has no past.
        assert_eq!(v["projects"][0]["pastBreakdown"]["resources"], json!([]));
    }

    #[test]
    fn deleted_resources_are_only_in_the_past_and_the_diff() {
        let report = one_project(
            vec![res(
                "aws_instance.old",
                Action::Delete,
                Vec::new(),
                vec![comp("Instance usage", Some("730"), Some("0.1"), Some("73"))],
                "0",
                "73",
            )],
            vec![
                Skipped {
                    address: "aws_iam_role.r".to_string(),
                    resource_type: "aws_iam_role".to_string(),
                    reason: "free".to_string(),
                    changed: false,
                },
                Skipped {
                    address: "aws_foo.f".to_string(),
                    resource_type: "aws_foo".to_string(),
                    reason: "unsupported".to_string(),
                    changed: false,
                },
            ],
        );
        let v = to_value(&report);
        let p = &v["projects"][0];
        assert_eq!(p["breakdown"]["resources"], json!([]));
        assert_eq!(p["pastBreakdown"]["resources"][0]["monthlyCost"], "73");
        assert_eq!(p["diff"]["resources"][0]["monthlyCost"], "-73");
        assert_eq!(
            p["diff"]["resources"][0]["costComponents"][0]["monthlyCost"],
            "-73"
        );
        assert_eq!(p["breakdown"]["freeResources"][0]["name"], "aws_iam_role.r");
        assert_eq!(v["summary"]["totalSupportedResources"], 0);
        assert_eq!(v["summary"]["totalUnsupportedResources"], 1);
        assert_eq!(v["summary"]["unsupportedResourceCounts"]["aws_foo"], 1);
        assert_eq!(v["summary"]["totalNoPriceResources"], 1);
    }
}
