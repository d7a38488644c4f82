//! `plancost forecast`: scenarios priced from the same plan with usage values changed, beside
//! the estimate's figures. Numbers worked by hand from us-east-1 list prices (see budget.rs for
//! fixtures/tf/eks: $1,359.1994/month as planned).

use serde_json::Value;

use crate::harness::{dec, money, run, stderr, stdout};

fn forecast_json(config: &str) -> (Value, i32) {
    let out = run(&["forecast", "--config", config, "--format", "json"]);
    let code = out.status.code().expect("exit code");
    assert!(code == 0 || code == 1, "forecast failed: {}", stderr(&out));
    (
        serde_json::from_slice(&out.stdout).expect("JSON forecast"),
        code,
    )
}

fn scenario<'a>(forecast: &'a Value, name: &str) -> &'a Value {
    forecast["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

#[test]
fn scenarios_change_usage_and_compare_with_the_estimate() {
    let (f, code) = forecast_json("fixtures/config/forecast.yml");

    let s = scenario(&f, "as-planned");
    assert_eq!(money(&s["monthly_cost"]), dec("1359.1994"));
    // 1,359.1994 − 1,300 = 59.1994 = 4.5538% of 1,300.
    assert_eq!(money(&s["difference"]), dec("59.1994"));
    assert_eq!(money(&s["difference_percent"]), dec("4.55"));
    // 90% of 1,500 = 1,350 < 1,359.1994: warn.
    assert_eq!(s["status"], "warn");
    assert_eq!(s["nodes"], 3);

    // gpu_spot at 4 nodes instead of 2: 4 × 730 h × 0.41246 = 1,204.3832 + 4 × 100 GB gp2 × 0.10
    // = 40, for 1,244.3832 instead of 622.1916: 1,359.1994 − 622.1916 + 1,244.3832 = 1,981.391.
    let s = scenario(&f, "four-spot");
    assert_eq!(money(&s["monthly_cost"]), dec("1981.391"));
    // 1,981.391 − 2,000 = −18.609 = −0.93045%.
    assert_eq!(money(&s["difference"]), dec("-18.609"));
    assert_eq!(money(&s["difference_percent"]), dec("-0.93"));
    assert_eq!(s["status"], "fail");

    // One node in every node group (a type default): EKS 73; api t3.large 60.736 + 50 GB 5;
    // gpu_spot 301.0958 + 100 GB 10; lt m5.large 70.08 + 80 GB gp3 6.40; lt_spot 301.0958 + 2.
    // 73 + 65.736 + 311.0958 + 76.48 + 303.0958 = 829.4076.
    let s = scenario(&f, "one-each");
    assert_eq!(money(&s["monthly_cost"]), dec("829.4076"));
    assert!(s["estimate"].is_null() && s["difference"].is_null() && s["status"].is_null());

    // Sums: 1,359.1994 + 1,981.391 + 829.4076 = 4,169.998; estimates 1,300 + 2,000 = 3,300;
    // differences 59.1994 − 18.609 = 40.5904 (scenarios with an estimate only).
    assert_eq!(money(&f["total_monthly_cost"]), dec("4169.998"));
    assert_eq!(money(&f["total_estimate"]), dec("3300"));
    assert_eq!(money(&f["total_difference"]), dec("40.5904"));
    assert_eq!(f["status"], "fail");
    assert_eq!(code, 1);
}

#[test]
fn the_table_shows_month_nodes_estimate_plancost_and_difference() {
    let out = run(&["forecast", "--config", "fixtures/config/forecast.yml"]);
    let text = stdout(&out);
    assert!(text.contains("│ Scenario   │ Project │ Nodes │  Estimate │  plancost │       Difference │ Budget         │"), "{text}");
    assert!(text.contains("│ four-spot  │ eks     │     5 │ $2,000.00 │ $1,981.39 │ -$18.61 (-0.93%) │ $1,900.00 FAIL │"), "{text}");
    assert!(text.contains("│ Sum        │         │       │ $3,300.00 │ $4,170.00 │          +$40.59 │                │"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_estimates_year_one_is_reproduced_from_the_reference_plans() {
    let (f, _) = forecast_json("fixtures/config/reference-plans.yml");
    let scenarios = f["scenarios"].as_array().unwrap();
    let nodes: Vec<u64> = scenarios
        .iter()
        .map(|s| s["nodes"].as_u64().unwrap())
        .collect();
    assert_eq!(nodes, [3, 4, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20]);
    // The estimate's Year-1 table: $53,237 over the twelve months.
    assert_eq!(money(&f["total_estimate"]), dec("53237"));
    let cost = |name: &str| money(&scenario(&f, name)["monthly_cost"]);
    // Month 1 is the plan as it is: the same total `check` gives phase 1.
    let check = run(&[
        "check",
        "--config",
        "fixtures/config/reference-plans.yml",
        "--format",
        "json",
        "phase1",
    ]);
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(
        cost("month-01"),
        money(&report["projects"][0]["total_monthly_cost"])
    );
    // Month 2 adds one spot g5.xlarge to phase 1: 730 h × 0.41246 + 20 GB gp2 × 0.10
    // = 301.0958 + 2 = 303.0958.
    assert_eq!(cost("month-02") - cost("month-01"), dec("303.0958"));
    // Months 7 -> 12 double phase 2's pool (8 + 2 -> 16 + 4): 8 × 303.0958 spot
    // + 2 × (730 × 1.006 + 2) on-demand = 2,424.7664 + 1,472.76 = 3,897.5264.
    assert_eq!(cost("month-12") - cost("month-07"), dec("3897.5264"));
}

#[test]
fn variables_need_an_hcl_project() {
    let out = run(&[
        "forecast",
        "--config",
        "fixtures/config/bad/scenario-vars.yml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("scenario \"bigger\""), "{err}");
    assert!(
        err.contains("variables (gpu_nodes) apply to HCL directories only"),
        "{err}"
    );
}

#[test]
fn a_configuration_without_scenarios_is_a_usage_error() {
    let out = run(&["forecast", "--config", "fixtures/config/budgets.yml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("declares no scenarios"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_misspelt_usage_key_in_a_scenario_is_a_warning() {
    let out = run(&[
        "forecast",
        "--config",
        "fixtures/config/bad/scenario-typo.yml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("scenario \"bigger\": aws_eks_node_group.gpu_spot: unknown usage key \"instance\" for aws_eks_node_group (known: instances"),
        "{}",
        stderr(&out)
    );
}
