//! Elastic Load Balancing: ALB, NLB, GWLB and classic load balancers; capacity units by AWS's
//! definition from Infracost's usage keys, or plancost's `lcu`.

use crate::harness::*;

#[test]
fn reference_alb_hours_and_average_lcu() {
    for (plan, usage) in [
        ("infra/phase1/plan.json", "infra/usage/phase1.yml"),
        ("infra/phase2/plan.json", "infra/usage/phase2.yml"),
    ] {
        let r = breakdown_with_usage(plan, usage);
        let lb = "module.alb.aws_lb.this";
        // 730 h × $0.0225 = $16.425.
        assert_component(&r, lb, "Application load balancer", "0.0225", "16.425");
        // `lcu: 10` wins over the dimensions (which also give 10): 10 × 730 = 7,300 LCU-hours ×
        // $0.008 = $58.40.
        assert_component(
            &r,
            lb,
            "Load balancer capacity units (LCU)",
            "0.008",
            "58.4",
        );
        assert_eq!(
            money(&component(&r, lb, "Load balancer capacity units")["monthly_quantity"]),
            dec("7300")
        );
        assert_eq!(resource(&r, lb)["category"], "network");
    }
}

#[test]
fn lcu_dimensions_per_load_balancer_type_and_classic_elbs() {
    let r = breakdown_with_usage(
        "fixtures/tf/load-balancers/plan.json",
        "fixtures/usage/load-balancers.yml",
    );
    // aws_alb (the alias of aws_lb): 50 new/s ÷ 25 = 2; 6,000 active/min ÷ 3,000 = 2;
    // 1.5 GB/h ÷ 1 = 1.5; 2,500 rule evaluations/s ÷ 1,000 = 2.5 → 2.5 LCU × 730 = 1,825
    // LCU-hours × $0.008 = $14.60. Hours 730 × $0.0225 = $16.425.
    assert_component(
        &r,
        "aws_alb.web",
        "Application load balancer",
        "0.0225",
        "16.425",
    );
    assert_component(
        &r,
        "aws_alb.web",
        "Load balancer capacity units (LCU)",
        "0.008",
        "14.6",
    );
    // NLB: 1,600 new/s ÷ 800 = 2; 50,000 active ÷ 100,000 = 0.5; 3 GB/h ÷ 1 = 3 → 3 NLCU ×
    // 730 = 2,190 × $0.006 = $13.14. Hours 730 × $0.0225 = $16.425.
    assert_component(
        &r,
        "aws_lb.tcp",
        "Network load balancer",
        "0.0225",
        "16.425",
    );
    assert_component(
        &r,
        "aws_lb.tcp",
        "Load balancer capacity units (NLCU)",
        "0.006",
        "13.14",
    );
    // Classic ELB in us-east-1: the table has no classic row, so both lines are unpriced.
    assert!(
        unpriced_reason_of(&r, "aws_elb.classic", "Classic load balancer")
            .contains("family=\"Load Balancer\"")
    );
    // In eu-west-1 (real offer): 730 × $0.028 = $20.44; 100 GB × $0.008 = $0.80.
    assert_component(
        &r,
        "aws_elb.classic_eu",
        "Classic load balancer",
        "0.028",
        "20.44",
    );
    assert_eq!(
        component(&r, "aws_elb.classic_eu", "Classic load balancer")["price"]["sku"],
        "PMVAP4E245MPBY22"
    );
    assert_component(&r, "aws_elb.classic_eu", "Data processed", "0.008", "0.8");
    // GWLB in eu-west-1: 730 × $0.014 = $10.22; `lcu: 2` → 1,460 GLCU-hours × $0.004 = $5.84.
    assert_component(
        &r,
        "aws_lb.gateway_eu",
        "Gateway load balancer",
        "0.014",
        "10.22",
    );
    assert_component(
        &r,
        "aws_lb.gateway_eu",
        "Load balancer capacity units (GLCU)",
        "0.004",
        "5.84",
    );
}

#[test]
fn eu_west_1_alb_does_not_match_outposts_rows() {
    let r = breakdown_with_usage(
        "fixtures/tf/load-balancers/plan.json",
        "fixtures/usage/load-balancers.yml",
    );
    // EU-LoadBalancerUsage T29JAP5UEZ7HXAM7: 730 × $0.0252 = $18.396 (the Outposts row has the
    // same hourly price but another SKU); EU-LCUUsage YE8QE7GMG9794PDX, not the $0 Outposts
    // LCU row: 4 LCU × 730 = 2,920 × $0.008 = $23.36.
    let lb = "aws_lb.web_eu";
    assert_component(&r, lb, "Application load balancer", "0.0252", "18.396");
    assert_eq!(
        component(&r, lb, "Application load balancer")["price"]["sku"],
        "T29JAP5UEZ7HXAM7"
    );
    assert_component(
        &r,
        lb,
        "Load balancer capacity units (LCU)",
        "0.008",
        "23.36",
    );
    assert_eq!(
        component(&r, lb, "Load balancer capacity units")["price"]["sku"],
        "YE8QE7GMG9794PDX"
    );
}

#[test]
fn lcus_without_usage_depend_on_usage_not_zero() {
    let r = breakdown_json(&fixture("tf/load-balancers/plan.json"));
    assert_depends_on_usage(&r, "aws_alb.web", "Load balancer capacity units");
    assert_component(
        &r,
        "aws_alb.web",
        "Application load balancer",
        "0.0225",
        "16.425",
    );
}
