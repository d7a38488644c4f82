//! CloudFront options and a web ACL with a paid managed rule group (fixtures/tf/cloudfront,
//! usage fixtures/usage/cloudfront.yml). Prices: us-east-1 list prices; CloudFront egress from
//! US edges is tiered ($0.085 for the first 10 TB, $0.080 for the next 40 TB, ...).

use crate::harness::*;
use crate::mapping_harness::*;

const CF: &str = "aws_cloudfront_distribution.site";
const WAF: &str = "aws_wafv2_web_acl.bots";

fn report() -> serde_json::Value {
    breakdown_with(
        "fixtures/tf/cloudfront/plan.json",
        Some("fixtures/usage/cloudfront.yml"),
        &[],
    )
}

#[test]
fn egress_is_priced_by_volume_tier_and_edge_region() {
    let r = report();
    // 15,000 GB from US edges: 10,240 × $0.085 + 4,760 × $0.080 = 870.4 + 380.8 = $1,251.2.
    assert_component(
        &r,
        CF,
        "Data transfer out to internet (US",
        "0.085",
        "1251.2",
    );
    // 2,000,000 HTTPS requests × $0.000001 = $2.
    assert_component(&r, CF, "HTTPS requests (US", "0.000001", "2");
    // European edges have no list price in the data: unpriced with the query that found nothing.
    let reason = unpriced_reason(&r, CF, "Data transfer out to internet (Europe, Israel)")
        .expect("unpriced");
    assert!(reason.contains("fromLocation=\"Europe\""), "{reason}");
    // Only the European line with a value appears (no empty lines for other keys there).
    let names = component_names(&r, CF);
    assert_eq!(
        names.iter().filter(|n| n.contains("Europe")).count(),
        1,
        "{names:?}"
    );
}

#[test]
fn optional_features_appear_when_configured_and_stay_unpriced_without_prices() {
    let r = report();
    // Origin Shield enabled in us-east-1, 300,000 requests from the usage file.
    assert!(unpriced_reason(&r, CF, "Origin Shield requests (us-east-1)").is_some());
    assert_eq!(
        money(&component(&r, CF, "Origin Shield requests")["monthly_quantity"]),
        dec("300000")
    );
    // ssl_support_method = "vip": one dedicated-IP certificate.
    assert!(unpriced_reason(&r, CF, "Dedicated IP custom SSL certificates").is_some());
    assert!(unpriced_reason(&r, CF, "Invalidation requests").is_some());
    // Priced lines only: 1,251.2 + 2 = 1,253.2.
    assert_eq!(resource_cost(&r, CF), dec("1253.2"));
}

#[test]
fn a_paid_managed_rule_group_is_one_rule_plus_an_unpriced_subscription() {
    let r = report();
    assert_component(&r, WAF, "Web ACL", "5", "5");
    // Bot Control counts as one rule, the byte-match rule as another: 2 × $1 = $2;
    // Infracost's rule_group_rules (20) is not billed, and the line says so.
    assert_component(&r, WAF, "Rules (1 rule group, 1 other rule)", "1", "2");
    let rules = component(&r, WAF, "Rules");
    assert!(
        rules["notes"][0]
            .as_str()
            .unwrap()
            .contains("rule_group_rules")
    );
    let reason = unpriced_reason(
        &r,
        WAF,
        "Bot Control managed rule group (AWSManagedRulesBotControlRuleSet)",
    )
    .expect("unpriced");
    assert!(reason.contains("subscription"), "{reason}");
    // 5,000,000 requests × $0.0000006 = $3; 5 + 2 + 3 = $10.
    assert_component(&r, WAF, "Requests", "0.0000006", "3");
    assert_eq!(resource_cost(&r, WAF), dec("10"));
}
