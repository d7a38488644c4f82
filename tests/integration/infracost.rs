//! `--format infracost-json`: valid against Infracost's published schema (vendored in
//! fixtures/schema/), and the same money as plancost's own JSON report.

use serde_json::Value;

use crate::harness::*;
use crate::jsonschema::validate;

fn schema() -> Value {
    serde_json::from_slice(&std::fs::read(fixture("schema/infracost.schema.json")).unwrap())
        .unwrap()
}

fn output(args: &[&str]) -> Value {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the output is JSON")
}

fn assert_valid(doc: &Value, what: &str) {
    let errors = validate(&schema(), doc);
    assert!(
        errors.is_empty(),
        "{what} breaks Infracost's schema:\n{}",
        errors.join("\n")
    );
}

fn reference_phase1() -> Value {
    output(&[
        "breakdown",
        "infra/phase1/plan.json",
        "--usage-file",
        "infra/usage/phase1.yml",
        "--format",
        "infracost-json",
    ])
}

#[test]
fn every_fixture_plan_gives_schema_valid_output() {
    let mut checked = 0;
    for phase in ["phase1", "phase2"] {
        let doc = output(&[
            "breakdown",
            &format!("infra/{phase}/plan.json"),
            "--usage-file",
            &format!("infra/usage/{phase}.yml"),
            "--format",
            "infracost-json",
        ]);
        assert_valid(&doc, phase);
        checked += 1;
    }
    let mut cases: Vec<_> = std::fs::read_dir(fixture("tf"))
        .unwrap()
        .map(|e| e.unwrap().path().join("plan.json"))
        .filter(|p| p.is_file())
        .collect();
    cases.sort();
    for plan in cases {
        // `diff` gives both sides for the plans made against a prior state.
        for command in ["breakdown", "diff"] {
            let doc = output(&[
                command,
                "--format",
                "infracost-json",
                plan.to_str().unwrap(),
            ]);
            assert_valid(&doc, &format!("{command} {}", plan.display()));
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} outputs checked");
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let good = reference_phase1();
    assert_valid(&good, "phase1");
    let schema = schema();
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut doc = good.clone();
        change(&mut doc);
        validate(&schema, &doc)
    };
    let errors = broken(&|d| {
        d.as_object_mut().unwrap().remove("totalMonthlyCost");
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("missing required \"totalMonthlyCost\"")),
        "{errors:?}"
    );
    let errors = broken(&|d| d["projects"][0]["breakdown"]["totalMonthlyCost"] = Value::from(1.5));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/projects/0/breakdown/totalMonthlyCost")),
        "{errors:?}"
    );
    let errors = broken(&|d| {
        d["projects"][0]["breakdown"]["resources"][0]["costComponents"][0]["colour"] =
            Value::from("red")
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("\"colour\" is not allowed")),
        "{errors:?}"
    );
    let errors = broken(&|d| d["timeGenerated"] = Value::from("yesterday"));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("not an RFC 3339 date-time")),
        "{errors:?}"
    );
    let errors = broken(&|d| d["summary"]["totalSupportedResources"] = Value::from("8"));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/summary/totalSupportedResources")),
        "{errors:?}"
    );
}

#[test]
fn totals_are_plancosts_and_add_up() {
    let ours = output(&[
        "breakdown",
        "infra/phase1/plan.json",
        "--usage-file",
        "infra/usage/phase1.yml",
        "--format",
        "json",
    ]);
    let theirs = reference_phase1();
    assert_eq!(theirs["version"], "0.2");
    assert_eq!(
        money(&theirs["totalMonthlyCost"]),
        money(&ours["total_monthly_cost"])
    );
    let project = &theirs["projects"][0];
    let resources = project["breakdown"]["resources"].as_array().unwrap();
    let sum: rust_decimal::Decimal = resources.iter().map(|r| money(&r["monthlyCost"])).sum();
    assert_eq!(sum, money(&project["breakdown"]["totalMonthlyCost"]));
    // Each resource's cost is the sum of its components'.
    for r in resources {
        let parts: rust_decimal::Decimal = r["costComponents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !c["monthlyCost"].is_null())
            .map(|c| money(&c["monthlyCost"]))
            .sum();
        assert_eq!(parts, money(&r["monthlyCost"]), "{}", r["name"]);
    }
    // The EKS cluster: 730 h × $0.10 = $73.00 a month, $0.10 an hour.
    let eks = resources
        .iter()
        .find(|r| r["name"] == "module.eks.aws_eks_cluster.this")
        .unwrap();
    assert_eq!(eks["resourceType"], "aws_eks_cluster");
    assert_eq!(money(&eks["monthlyCost"]), dec("73"));
    assert_eq!(money(&eks["hourlyCost"]), dec("0.1"));
    let c = &eks["costComponents"][0];
    assert_eq!(money(&c["price"]), dec("0.1"));
    assert_eq!(money(&c["monthlyQuantity"]), dec("730"));
    assert_eq!(money(&c["hourlyQuantity"]), dec("1"));
    assert_eq!(c["priceNotFound"], false);
    // Unsupported and free resources are counted, not priced.
    let summary = &project["summary"];
    assert_eq!(
        summary["totalUnsupportedResources"].as_u64().unwrap() as usize,
        ours["projects"][0]["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["reason"] != "free")
            .count()
    );
}

#[test]
fn an_update_plan_has_past_breakdown_and_component_diffs() {
    let plan = fixture("tf/update-instance-type/plan.json");
    let doc = output(&["diff", "--format", "infracost-json", plan.to_str().unwrap()]);
    let project = &doc["projects"][0];
    let find = |side: &str, name: &str| -> Value {
        project[side]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {side}"))
    };
    // aws_instance.app: t3.large 730 × $0.0832 = $60.736 + 8 GB gp2 $0.80 = $61.536 before;
    // t3.xlarge 730 × $0.1664 = $121.472 + $0.80 = $122.272 after; change $60.736.
    assert_eq!(
        money(&find("pastBreakdown", "aws_instance.app")["monthlyCost"]),
        dec("61.536")
    );
    assert_eq!(
        money(&find("breakdown", "aws_instance.app")["monthlyCost"]),
        dec("122.272")
    );
    let app = find("diff", "aws_instance.app");
    assert_eq!(money(&app["monthlyCost"]), dec("60.736"));
    // The data volume grows from 100 to 200 GB of gp2 at $0.10. Components are matched by
    // name and plancost's names carry the size, so the old line goes and the new one comes:
    // −100 GB −$10 and +200 GB +$20, net +$10.
    let data = find("diff", "aws_ebs_volume.data");
    assert_eq!(money(&data["monthlyCost"]), dec("10"));
    let parts = data["costComponents"].as_array().unwrap();
    let part = |name: &str| parts.iter().find(|c| c["name"] == name).unwrap();
    assert_eq!(
        money(&part("Storage (gp2, 200 GB)")["monthlyQuantity"]),
        dec("200")
    );
    assert_eq!(
        money(&part("Storage (gp2, 200 GB)")["monthlyCost"]),
        dec("20")
    );
    assert_eq!(
        money(&part("Storage (gp2, 100 GB)")["monthlyQuantity"]),
        dec("-100")
    );
    assert_eq!(
        money(&part("Storage (gp2, 100 GB)")["monthlyCost"]),
        dec("-10")
    );
    // 60.736 + 10 = 70.736
    assert_eq!(money(&doc["diffTotalMonthlyCost"]), dec("70.736"));
    assert_eq!(
        money(&doc["pastTotalMonthlyCost"]) + dec("70.736"),
        money(&doc["totalMonthlyCost"])
    );
}
