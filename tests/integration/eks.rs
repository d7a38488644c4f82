//! EKS extended support against real plans (fixtures/tf/eks-support), priced on the reports'
//! date (SOURCE_DATE_EPOCH: 2026-11-27) or on a date given with --pricing-date.
//! Prices: us-east-1 list prices, cluster $0.10/h (AmazonEKS-Hours:perCluster), extended
//! support $0.50/h on top (AmazonEKS-Hours:extendedSupport).

use crate::harness::*;
use crate::mapping_harness::*;

const PLAN: &str = "fixtures/tf/eks-support/plan.json";

#[test]
fn a_version_past_standard_support_pays_the_surcharge_on_top() {
    let r = breakdown_with(PLAN, None, &[]);
    // 1.32 left standard support on 2026-03-23: $0.10 × 730 = $73, plus $0.50 × 730 = $365.
    assert_component(&r, "aws_eks_cluster.extended", "EKS cluster", "0.10", "73");
    assert_component(
        &r,
        "aws_eks_cluster.extended",
        "EKS extended support",
        "0.50",
        "365",
    );
    assert_eq!(resource_cost(&r, "aws_eks_cluster.extended"), dec("438"));
    let note = component(&r, "aws_eks_cluster.extended", "EKS extended support")["notes"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        note.contains("2026-03-23") && note.contains("2027-03-23"),
        "{note}"
    );
}

#[test]
fn upgrade_policy_standard_and_a_current_version_pay_no_surcharge() {
    let r = breakdown_with(PLAN, None, &[]);
    // STANDARD support type: EKS upgrades the control plane instead; $0.10 × 730 = $73 only.
    assert_eq!(
        component_names(&r, "aws_eks_cluster.standard_policy"),
        ["EKS cluster"]
    );
    assert_eq!(
        resource_cost(&r, "aws_eks_cluster.standard_policy"),
        dec("73")
    );
    let note = component(&r, "aws_eks_cluster.standard_policy", "EKS cluster")["notes"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(note.contains("upgrade_policy STANDARD"), "{note}");
    // 1.35 is in standard support until 2027-03-27.
    assert_eq!(
        component_names(&r, "aws_eks_cluster.current"),
        ["EKS cluster"]
    );
    // 438 + 73 + 73 = 584
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("584"));
}

#[test]
fn the_pricing_date_decides_extended_support() {
    // On 2026-01-01 1.32 was still in standard support (until 2026-03-23): 3 × $73 = $219.
    let r = breakdown_with(PLAN, None, &["--pricing-date", "2026-01-01"]);
    assert_eq!(
        component_names(&r, "aws_eks_cluster.extended"),
        ["EKS cluster"]
    );
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("219"));
    // The first day of extended support is billed.
    let r = breakdown_with(PLAN, None, &["--pricing-date", "2026-03-23"]);
    assert_eq!(resource_cost(&r, "aws_eks_cluster.extended"), dec("438"));
}

#[test]
fn a_pricing_date_that_is_not_a_date_is_refused() {
    let out = run(&[
        "breakdown",
        fixture("tf/eks-support/plan.json").to_str().unwrap(),
        "--pricing-date",
        "2026-02-30",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("YYYY-MM-DD"), "{}", stderr(&out));
}
