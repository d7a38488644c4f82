//! KMS keys, ACM Private CA modes and a replicated secret (fixtures/tf/security, usage
//! fixtures/usage/security.yml). Prices: us-east-1 list prices (KMS key $1, symmetric requests
//! $0.03 per 10k; general-purpose CA $400, short-lived CA $50, certificates $0.75 / $0.35 /
//! $0.001 in tiers of 1,000 and 10,000; secret $0.40, API calls $0.05 per 10k).

use crate::harness::*;
use crate::mapping_harness::*;

fn report() -> serde_json::Value {
    breakdown_with(
        "fixtures/tf/security/plan.json",
        Some("fixtures/usage/security.yml"),
        &[],
    )
}

#[test]
fn kms_keys_and_requests_by_key_spec() {
    let r = report();
    assert_component(
        &r,
        "aws_kms_key.symmetric",
        "Customer managed key",
        "1",
        "1",
    );
    // 200,000 requests × $0.000003 = $0.6.
    assert_component(&r, "aws_kms_key.symmetric", "Requests", "0.000003", "0.6");
    // RSA 4096 requests have their own price, not in the data: unpriced, not the symmetric one.
    assert!(unpriced_reason(&r, "aws_kms_key.rsa", "Requests (asymmetric)").is_some());
    assert_eq!(resource_cost(&r, "aws_kms_key.rsa"), dec("1"));
}

#[test]
fn private_ca_modes_and_certificate_tiers() {
    let r = report();
    let general = "aws_acmpca_certificate_authority.general";
    assert_component(&r, general, "Private CA (general-purpose)", "400", "400");
    // 12,000 certificates: 1,000 × $0.75 + 9,000 × $0.35 + 2,000 × $0.001 = 750 + 3,150 + 2.
    assert_component(&r, general, "Certificates issued", "0.75", "3902");
    let short = "aws_acmpca_certificate_authority.short_lived";
    assert_component(
        &r,
        short,
        "Private CA (short-lived certificate mode)",
        "50",
        "50",
    );
    assert!(unpriced_reason(&r, short, "Short-lived certificates issued").is_some());
}

#[test]
fn a_replica_is_billed_as_a_secret_in_its_region() {
    let r = report();
    let s = "aws_secretsmanager_secret.replicated";
    assert_component(&r, s, "Secret", "0.40", "0.4");
    // 10,000 API calls × $0.000005 = $0.05.
    assert_component(&r, s, "API requests", "0.000005", "0.05");
    // The us-west-2 replica is a secret there; the data has no us-west-2 prices.
    let reason = unpriced_reason(&r, s, "Secret replica (us-west-2)").expect("unpriced");
    assert!(reason.contains("us-west-2"), "{reason}");
    // security: keys 1.6 + 1; CAs 4,302 + 50; secret 0.45: 4,355.05
    assert_eq!(
        money(&project(&r)["categories"]["security"]),
        dec("4355.05")
    );
}
