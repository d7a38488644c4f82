//! The reference cluster's CloudFront, WAF, CloudWatch, Secrets Manager and EKS lines, priced
//! from the real plans of infra/phase1 and infra/phase2 with their usage files, on the reports'
//! date (2026-11-27). Unit prices are the us-east-1 list prices of
//! fixtures/prices/us-east-1-list-prices.csv.

use crate::harness::*;
use crate::mapping_harness::*;

fn phase(n: u8) -> serde_json::Value {
    breakdown_with(
        &format!("infra/phase{n}/plan.json"),
        Some(&format!("infra/usage/phase{n}.yml")),
        &[],
    )
}

const SECRET: &str = "module.secrets.aws_secretsmanager_secret.this[\"api/jwt-signing-key\"]";

#[test]
fn phase2_cloudfront_and_waf() {
    let r = phase(2);
    let cf = "module.edge.aws_cloudfront_distribution.this";
    // 1,000 GB in the first 10 TB tier from US edges: 1000 × $0.085 = $85.
    assert_component(&r, cf, "Data transfer out to internet (US", "0.085", "85");
    // 10,000,000 HTTPS requests × $0.000001 ($0.01 per 10k) = $10.
    assert_component(&r, cf, "HTTPS requests (US", "0.000001", "10");
    // Origin transfer and HTTP requests are not in the usage file.
    assert!(depends_on_usage(&r, cf, "Data transfer out to origin (US"));
    assert!(depends_on_usage(&r, cf, "HTTP requests (US"));
    assert_eq!(resource_cost(&r, cf), dec("95")); // 85 + 10

    let waf = "module.edge.aws_wafv2_web_acl.this";
    assert_component(&r, waf, "Web ACL", "5", "5"); // $5 per web ACL-month
    // 7 managed rule groups + 3 rate-based rules, each billed as one rule: 10 × $1 = $10.
    assert_component(&r, waf, "Rules (7 rule groups, 3 other rules)", "1", "10");
    // 10,000,000 requests × $0.0000006 ($0.60 per million) = $6.
    assert_component(&r, waf, "Requests", "0.0000006", "6");
    assert_eq!(resource_cost(&r, waf), dec("21")); // 5 + 10 + 6
}

#[test]
fn phase2_cloudwatch_and_secrets() {
    let r = phase(2);
    // 50 standard single-metric alarms (period 60 or more): 50 × $0.10 = $5.
    let alarms: Vec<_> = project(&r)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["type"] == "aws_cloudwatch_metric_alarm")
        .collect();
    assert_eq!(alarms.len(), 50);
    for a in &alarms {
        assert_eq!(money(&a["monthly_cost"]), dec("0.1"), "{}", a["address"]);
    }
    let app = "module.eks.aws_cloudwatch_log_group.application";
    assert_component(&r, app, "Data ingested (Standard)", "0.50", "45"); // 90 GB × $0.50
    assert_component(&r, app, "Archival storage", "0.03", "2.7"); // 90 GB × $0.03
    // 200 metrics + Container Insights' 50 (published as custom metrics), 250 × $0.30 (first
    // tier) = $75.
    assert_component(&r, app, "Custom metrics", "0.30", "75");
    assert!(depends_on_usage(&r, app, "Insights queries data scanned"));
    let cluster = "module.eks.aws_cloudwatch_log_group.cluster";
    assert_component(&r, cluster, "Data ingested (Standard)", "0.50", "5"); // 10 × $0.50
    assert_component(&r, cluster, "Archival storage", "0.03", "0.3"); // 10 × $0.03
    // 5 + (45 + 2.7 + 75) + (5 + 0.3) = 133
    assert_eq!(money(&project(&r)["categories"]["monitoring"]), dec("133"));

    // A secret: $0.40, plus 5,000 API calls × $0.000005 ($0.05 per 10k) = $0.025.
    assert_component(&r, SECRET, "Secret", "0.40", "0.4");
    assert_component(&r, SECRET, "API requests", "0.000005", "0.025");
    // Security: 20 × 0.425 = 8.5 for the secrets, + 21 for the web ACL = 29.5.
    assert_eq!(money(&project(&r)["categories"]["security"]), dec("29.5"));
}

#[test]
fn phase2_eks_is_in_standard_support_and_nothing_is_unpriced() {
    let r = phase(2);
    let eks = "module.eks.aws_eks_cluster.this";
    // 1.35 is in standard support on 2026-11-27: $0.10 × 730 = $73 and no surcharge.
    assert_component(&r, eks, "EKS cluster", "0.10", "73");
    assert!(!component_names(&r, eks).contains(&"EKS extended support".to_string()));
    // The reference usage file counts Container Insights as custom metrics (above): the
    // cluster carries no Container Insights line and nothing of phase 2 is unpriced.
    assert!(
        !component_names(&r, eks)
            .iter()
            .any(|n| n.starts_with("Container Insights"))
    );
    assert!(
        project(&r)["unpriced"].as_array().unwrap().is_empty(),
        "{}",
        project(&r)["unpriced"]
    );
    // Given as containers instead, the line is there, unpriced: AWS bills per observation.
    let r = breakdown_with_usage(
        "infra/phase2/plan.json",
        "fixtures/usage/container-insights.yml",
    );
    let reason = unpriced_reason(&r, eks, "Container Insights").expect("unpriced");
    assert!(reason.contains("per observation"), "{reason}");
    assert_eq!(
        money(&component(&r, eks, "Container Insights")["monthly_quantity"]),
        dec("50")
    );
    assert!(component(&r, eks, "Container Insights")["monthly_cost"].is_null());
}

#[test]
fn phase1_monitoring_and_security() {
    let r = phase(1);
    // 20 alarms × $0.10 = $2; cluster logs 2 GB × $0.50 + 2 GB × $0.03 = $1.06; application
    // logs 8 × $0.50 + 8 × $0.03 + 50 custom metrics × $0.30 = 4 + 0.24 + 15 = $19.24.
    assert_component(
        &r,
        "module.eks.aws_cloudwatch_log_group.application",
        "Custom metrics",
        "0.30",
        "15",
    );
    assert_eq!(
        resource_cost(&r, "module.eks.aws_cloudwatch_log_group.cluster"),
        dec("1.06")
    );
    // 2 + 1.06 + 19.24 = 22.3
    assert_eq!(money(&project(&r)["categories"]["monitoring"]), dec("22.3"));
    // 20 secrets × ($0.40 + 5,000 × $0.000005) = 20 × $0.425 = $8.5.
    assert_eq!(money(&project(&r)["categories"]["security"]), dec("8.5"));
    assert_component(
        &r,
        "module.eks.aws_eks_cluster.this",
        "EKS cluster",
        "0.10",
        "73",
    );
    assert!(project(&r)["unpriced"].as_array().unwrap().is_empty());
}
