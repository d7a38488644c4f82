//! Helpers shared by the service-mapping tests: a breakdown with a usage file and extra flags,
//! and lookups of unpriced lines.

use serde_json::Value;

use crate::harness::*;

/// `plancost breakdown --format json PLAN [--usage-file USAGE] EXTRA...`; panics on failure.
pub fn breakdown_with(plan: &str, usage: Option<&str>, extra: &[&str]) -> Value {
    let plan = repo().join(plan);
    let usage = usage.map(|u| repo().join(u));
    let mut args = vec!["breakdown", "--format", "json", plan.to_str().unwrap()];
    if let Some(u) = &usage {
        args.extend(["--usage-file", u.to_str().unwrap()]);
    }
    args.extend(extra);
    let out = run(&args);
    assert!(out.status.success(), "breakdown failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the JSON report parses")
}

/// The reason a component of `address` is unpriced, if it is.
pub fn unpriced_reason(report: &Value, address: &str, component: &str) -> Option<String> {
    project(report)["unpriced"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["address"] == address && u["component"] == component)
        .map(|u| u["reason"].as_str().unwrap().to_string())
}

/// Names of the components of `address`.
pub fn component_names(report: &Value, address: &str) -> Vec<String> {
    resource(report, address)["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// A resource's monthly cost.
pub fn resource_cost(report: &Value, address: &str) -> rust_decimal::Decimal {
    money(&resource(report, address)["monthly_cost"])
}

/// True when the component has no quantity ("depends on usage").
pub fn depends_on_usage(report: &Value, address: &str, prefix: &str) -> bool {
    let c = component(report, address, prefix);
    c["usage_based"] == true && c["monthly_quantity"].is_null()
}
