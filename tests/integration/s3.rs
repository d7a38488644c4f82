//! Amazon S3 buckets: storage classes from usage and lifecycle rules, tiered Standard storage,
//! requests counted per request, data transfer out.

use serde_json::Value;

use crate::harness::*;

#[test]
fn reference_phase1_standard_requests_and_egress() {
    let r = breakdown_with_usage("infra/phase1/plan.json", "infra/usage/phase1.yml");
    let b = "module.artifacts.aws_s3_bucket.this";
    // 500 GB × $0.023 = $11.50 (first tier).
    assert_component(&r, b, "Standard storage", "0.023", "11.5");
    // The Price List prices requests one by one: 100,000 × $0.000005 = $0.50;
    // 1,000,000 × $0.0000004 = $0.40.
    assert_component(
        &r,
        b,
        "Standard PUT, COPY, POST, LIST requests",
        "0.000005",
        "0.5",
    );
    assert_component(
        &r,
        b,
        "Standard GET, SELECT, and all other requests",
        "0.0000004",
        "0.4",
    );
    // 100 GB out to the internet × $0.09 (first 10 TB) = $9.
    assert_component(&r, b, "Data transfer out to the internet", "0.09", "9");
    // No lifecycle configuration, no other class in the usage: Standard only.
    assert_eq!(resource(&r, b)["components"].as_array().unwrap().len(), 4);
    assert_eq!(resource(&r, b)["category"], "storage");
    // 11.50 + 0.50 + 0.40 + 9 = 21.40
    assert_eq!(money(&resource(&r, b)["monthly_cost"]), dec("21.4"));
}

#[test]
fn reference_phase2_lifecycle_configuration_adds_glacier() {
    let r = breakdown_with_usage("infra/phase2/plan.json", "infra/usage/phase2.yml");
    let b = "module.artifacts.aws_s3_bucket.this";
    // 5,000 GB × $0.023 = $115; 1,000,000 × $0.000005 = $5; 10,000,000 × $0.0000004 = $4.
    assert_component(&r, b, "Standard storage", "0.023", "115");
    assert_component(&r, b, "Standard PUT", "0.000005", "5");
    assert_component(&r, b, "Standard GET", "0.0000004", "4");
    // Glacier Flexible Retrieval (the separate lifecycle configuration's GLACIER target):
    // 2,000 GB × $0.0036 = $7.20.
    assert_component(&r, b, "Glacier Flexible Retrieval storage", "0.0036", "7.2");
    // 1,000 GB × $0.09 = $90.
    assert_component(&r, b, "Data transfer out to the internet", "0.09", "90");
    // The usage file counts no Glacier requests or transitions, so none are listed, and the
    // bucket has nothing unpriced.
    assert!(
        project(&r)["unpriced"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["address"] != b),
        "{}",
        project(&r)["unpriced"]
    );
    // The lifecycle configuration itself stays free.
    let skipped = project(&r)["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["type"] == "aws_s3_bucket_lifecycle_configuration" && s["reason"] == "free")
    );
    // 115 + 5 + 4 + 7.20 + 90 = 221.20
    assert_eq!(money(&resource(&r, b)["monthly_cost"]), dec("221.2"));
}

/// The phase 2 plan with its lifecycle configuration naming a bucket by the string `bucket`
/// instead of referring to it in the configuration (a bucket that already exists).
fn lifecycle_naming_bucket(bucket: &str) -> Value {
    let mut plan = plan_json("infra/phase2/plan.json");
    for change in plan["resource_changes"].as_array_mut().unwrap() {
        if change["type"] == "aws_s3_bucket_lifecycle_configuration" {
            change["change"]["after"]["bucket"] = bucket.into();
            change["change"]["after_unknown"]["bucket"] = false.into();
        }
    }
    // Every reference to the bucket goes: only the name can match.
    fn drop_bucket_references(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(refs)) = map.get_mut("references") {
                    refs.retain(|r| !r.as_str().is_some_and(|r| r.starts_with("aws_s3_bucket.")));
                }
                map.values_mut().for_each(drop_bucket_references);
            }
            Value::Array(items) => items.iter_mut().for_each(drop_bucket_references),
            _ => {}
        }
    }
    drop_bucket_references(&mut plan["configuration"]);
    // No usage file: a storage class is listed only because a lifecycle rule moves objects to it.
    breakdown_of("lifecycle-by-name", &plan)
}

#[test]
fn a_lifecycle_configuration_naming_the_bucket_without_a_reference_still_applies() {
    let b = "module.artifacts.aws_s3_bucket.this";
    let glacier = |report: &Value| {
        resource(report, b)["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "Glacier Flexible Retrieval storage")
    };
    assert!(glacier(&lifecycle_naming_bucket("gpuinfer-p2-artifacts")));
    assert!(!glacier(&lifecycle_naming_bucket("some-other-bucket")));
}

#[test]
fn inline_lifecycle_rules_and_tiered_standard_storage() {
    let r = breakdown_with_usage(
        "fixtures/tf/s3-inline-lifecycle/plan.json",
        "fixtures/usage/s3-inline-lifecycle.yml",
    );
    let b = "aws_s3_bucket.logs";
    // 100,000 GB of Standard crosses the first tier: 51,200 × $0.023 = $1,177.60, then
    // 48,800 × $0.022 = $1,073.60; total $2,251.20.
    assert_component(&r, b, "Standard storage", "0.023", "2251.2");
    assert_eq!(
        component(&r, b, "Standard storage")["price"]["tiers"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Enabled rule's targets: Standard-IA 1,000 GB × $0.0125 = $12.50; Deep Archive
    // 10,000 GB × $0.00099 = $9.90.
    assert_component(&r, b, "Standard-IA storage", "0.0125", "12.5");
    assert_component(&r, b, "Glacier Deep Archive storage", "0.00099", "9.9");
    // Standard requests depend on usage the file does not give.
    assert_depends_on_usage(&r, b, "Standard PUT");
    let names: Vec<String> = resource(&r, b)["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    // A lifecycle rule says nothing of how many objects move or are requested: the target
    // classes' request and transition lines wait for usage that counts them.
    assert!(
        names
            .iter()
            .all(|n| !n.contains("transition") && !n.starts_with("Standard-IA PUT")),
        "{names:?}"
    );
    // The disabled rule's GLACIER_IR target is not a class in use.
    assert!(
        names.iter().all(|n| !n.starts_with("Glacier Instant")),
        "{names:?}"
    );
    // 2,251.20 + 12.50 + 9.90 = 2,273.60
    assert_eq!(money(&resource(&r, b)["monthly_cost"]), dec("2273.6"));
}
