//! NAT gateway, public IPv4 addresses and Route 53 (fixtures/tf/network, usage
//! fixtures/usage/network.yml). Prices: us-east-1 list prices (NAT $0.045/h and $0.045/GB,
//! public IPv4 in use $0.005/h, hosted zone $0.50 for each of the first 25).

use crate::harness::*;
use crate::mapping_harness::*;

fn report() -> serde_json::Value {
    breakdown_with(
        "fixtures/tf/network/plan.json",
        Some("fixtures/usage/network.yml"),
        &[],
    )
}

#[test]
fn nat_gateway_hours_and_data() {
    let r = report();
    // 730 h × $0.045 = $32.85; 500 GB × $0.045 = $22.5.
    assert_component(&r, "aws_nat_gateway.main", "NAT gateway", "0.045", "32.85");
    assert_component(
        &r,
        "aws_nat_gateway.main",
        "Data processed",
        "0.045",
        "22.5",
    );
    assert_eq!(
        project(&r)["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["address"] == "aws_nat_gateway.main")
            .unwrap()["category"],
        "network"
    );
}

#[test]
fn every_public_ipv4_address_is_billed() {
    let r = report();
    // The NAT gateway's Elastic IP is in use: 730 h × $0.005 = $3.65.
    assert_component(
        &r,
        "aws_eip.nat",
        "Public IPv4 address (in use)",
        "0.005",
        "3.65",
    );
    // An Elastic IP attached to nothing is billed as idle, whose price the data lacks.
    let reason =
        unpriced_reason(&r, "aws_eip.spare", "Public IPv4 address (idle)").expect("unpriced");
    assert!(reason.contains("PublicIPv4:IdleAddress"), "{reason}");
    // The instance's auto-assigned address: 730 h × $0.005 = $3.65, beside its hours
    // (730 × t3.micro $0.0104 = $7.592) and 8 GB gp3 ($0.64).
    assert_component(
        &r,
        "aws_instance.bastion",
        "Public IPv4 address (in use)",
        "0.005",
        "3.65",
    );
    assert_eq!(resource_cost(&r, "aws_instance.bastion"), dec("11.882"));
}

#[test]
fn route53_zone_in_the_first_tier_and_record_queries() {
    let r = report();
    assert_component(&r, "aws_route53_zone.main", "Hosted zone", "0.50", "0.5");
    // Standard queries have no list price in the data: unpriced, with the million queries kept.
    assert!(unpriced_reason(&r, "aws_route53_record.www", "Standard queries").is_some());
    // An alias record to an AWS resource answers queries for free.
    let skipped = project(&r)["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["address"] == "aws_route53_record.apex" && s["reason"] == "free")
    );
    // network: 32.85 + 22.5 + 3.65 + 0.5 = 59.5 (the instance is compute)
    assert_eq!(money(&project(&r)["categories"]["network"]), dec("59.5"));
}
