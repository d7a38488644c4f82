//! `plancost audit`: assumed unit prices and a hand-priced spot mix against the price book, over
//! fixtures/tf/eks and the reference plans. Every number is worked by hand below.

use serde_json::Value;

use crate::harness::{dec, money, run, stderr, stdout};

fn audit_json(args: &[&str]) -> Value {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(0), "audit failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON audit")
}

fn finding<'a>(audit: &'a Value, name: &str, project: Option<&str>) -> &'a Value {
    audit["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name && f["project"].as_str() == project)
        .unwrap_or_else(|| panic!("no finding {name} / {project:?}"))
}

fn assert_price(
    f: &Value,
    book: &str,
    deviation: &str,
    quantity: &str,
    effect: &str,
    verdict: &str,
) {
    assert_eq!(money(&f["book"]), dec(book), "{}: book", f["name"]);
    assert_eq!(
        money(&f["deviation_percent"]),
        dec(deviation),
        "{}: deviation",
        f["name"]
    );
    assert_eq!(
        money(&f["monthly_quantity"]),
        dec(quantity),
        "{}: quantity",
        f["name"]
    );
    assert_eq!(
        money(&f["monthly_effect"]),
        dec(effect),
        "{}: effect",
        f["name"]
    );
    assert_eq!(f["verdict"], verdict, "{}: verdict", f["name"]);
}

#[test]
fn assumed_prices_are_held_against_the_book_with_their_monthly_effect() {
    let a = audit_json(&["--config", "fixtures/config/audit.yml"]);
    // Spot g5.xlarge: 1.006 × (1 − 0.59) = 0.41246 against 0.30: +0.11246 = +37.49%. The spot
    // node groups run 2 + 1 nodes: 2,190 h, so 0.11246 × 2,190 = +246.2874 a month.
    assert_price(
        finding(&a, "g5.xlarge spot", Some("eks")),
        "0.41246",
        "37.49",
        "2190",
        "246.2874",
        "deviates",
    );
    assert_price(
        finding(&a, "m5.large on-demand", Some("eks")),
        "0.096",
        "0",
        "2190",
        "0",
        "ok",
    );
    // 0.0832 against 0.0835: −0.0003 = −0.36%, inside 1%; × 1,460 h = −0.438.
    assert_price(
        finding(&a, "t3.large on-demand", Some("eks")),
        "0.0832",
        "-0.36",
        "1460",
        "-0.438",
        "ok",
    );
    // Per 100 GB: the book's $0.10/GB-month is $10 against $9.50: +5.26%. The gp2 node disks
    // are 2 × 50 + 2 × 100 + 1 × 20 = 320 GB: (0.10 − 0.095) × 320 = +1.60.
    assert_price(
        finding(&a, "gp2 node disks", Some("eks")),
        "10",
        "5.26",
        "320",
        "1.6",
        "deviates",
    );
    let missing = finding(&a, "cache.t3.micro", None);
    assert_eq!(missing["verdict"], "not_found");
    assert!(missing["book"].is_null());
    assert_eq!(a["tolerance_percent"], "1");
}

#[test]
fn tolerance_on_the_command_line_overrides_the_configuration() {
    let a = audit_json(&[
        "--config",
        "fixtures/config/audit.yml",
        "--tolerance",
        "0.3",
    ]);
    // |−0.36%| > 0.3%.
    assert_eq!(
        finding(&a, "t3.large on-demand", Some("eks"))["verdict"],
        "deviates"
    );
    assert_eq!(a["tolerance_percent"], "0.3");
}

#[test]
fn the_spot_mix_is_checked_against_the_advisor_and_its_own_arithmetic() {
    let a = audit_json(&["--config", "fixtures/config/audit.yml"]);
    let s = &a["spot"][0];
    assert_eq!(money(&s["on_demand_book"]), dec("1.006"));
    assert_eq!(money(&s["spot_book"]), dec("0.41246"));
    assert_eq!(s["advisor_savings_percent"], 59);
    assert_eq!(s["interruption_band"], ">20%");
    let findings = s["findings"].as_array().unwrap();
    let with = |text: &str| {
        findings
            .iter()
            .find(|f| f["message"].as_str().unwrap().contains(text))
            .unwrap_or_else(|| panic!("no finding with {text:?} in {findings:#?}"))
    };
    assert_eq!(with("assumed spot discount 70%")["flagged"], true);
    assert_eq!(with("highest interruption band (>20%)")["flagged"], true);
    // 1.006 × (1 − 0.70) = 0.3018 is within 1% of the assumed 0.30: no finding about it.
    assert!(
        !findings
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("gives $0.3018"))
    );
    // The estimate's own numbers: 3 × 730 h × (80% × 0.30 + 20% × 1.006) = 2,190 × 0.4412
    // = 966.228, not the stated 822, which is 3 × 730 × 0.30 = 657 grossed up by 1/0.8 = 821.25.
    let own = with("does not follow from the estimate's own assumptions");
    assert_eq!(money(&own["monthly_effect"]), dec("144.228"));
    assert!(own["message"].as_str().unwrap().contains("($821.25)"));
    // At book prices: 2,190 × (0.8 × 0.41246 + 0.2 × 1.006) = 2,190 × 0.531168 = 1,163.25792.
    let book = with("at the price book's rates");
    assert_eq!(money(&book["monthly_effect"]), dec("341.25792"));
    // 10 points of share to on-demand: 2,190 h × 0.1 × (1.006 − 0.41246) = 129.98526.
    assert_eq!(
        money(&with("each 10 points")["monthly_effect"]),
        dec("129.98526")
    );
    // 2 prices + discount, spot price, band, own arithmetic, book rates.
    assert_eq!(a["flagged"], 7);
}

#[test]
fn the_reference_estimate_is_audited_from_its_plans() {
    let a = audit_json(&["--config", "fixtures/config/reference-plans.yml"]);
    // Phase 1 runs 2 spot g5.xlarge (1,460 h), phase 2 runs 8 (5,840 h): 0.11246 × each.
    assert_price(
        finding(&a, "g5.xlarge spot", Some("phase1")),
        "0.41246",
        "37.49",
        "1460",
        "164.1916",
        "deviates",
    );
    assert_price(
        finding(&a, "g5.xlarge spot", Some("phase2")),
        "0.41246",
        "37.49",
        "5840",
        "656.7664",
        "deviates",
    );
    assert_price(
        finding(&a, "t3.xlarge on-demand", Some("phase2")),
        "0.1664",
        "0",
        "3650",
        "0",
        "ok",
    );
    let s = &a["spot"][0];
    let effect = |text: &str| {
        s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["message"].as_str().unwrap().contains(text))
            .map(|f| money(&f["monthly_effect"]))
            .collect::<Vec<_>>()
    };
    // Phase 2, 10 nodes: own arithmetic 7,300 × 0.4412 = 3,220.76 against the stated 2,738
    // (= 7,300 × 0.30 / 0.8 = 2,737.5): +482.76; at book 7,300 × 0.531168 = 3,877.5264: +1,139.5264.
    assert_eq!(effect("does not follow"), [dec("144.228"), dec("482.76")]);
    assert_eq!(
        effect("at the price book's rates"),
        [dec("341.25792"), dec("1139.5264")]
    );
    let out = run(&["audit", "--config", "fixtures/config/reference-plans.yml"]);
    let text = stdout(&out);
    assert!(text.contains("│ g5.xlarge spot "), "{text}");
    assert!(text.contains("grossed up by 1/80%"), "{text}");
}
