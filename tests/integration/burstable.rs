//! CPU credits of burstable instances and EC2 detailed monitoring (fixtures/tf/burstable,
//! usage fixtures/usage/burstable.yml). Prices: us-east-1 list prices (T3 CPU credits $0.05
//! per vCPU-hour, custom metrics $0.30 each in the first tier).

use crate::harness::*;
use crate::mapping_harness::*;

fn report() -> serde_json::Value {
    breakdown_with(
        "fixtures/tf/burstable/plan.json",
        Some("fixtures/usage/burstable.yml"),
        &[],
    )
}

#[test]
fn unlimited_burstable_instances_pay_surplus_credits() {
    let r = report();
    // t3 defaults to unlimited: 350 credit hours × 2 vCPUs = 700 vCPU-hours × $0.05 = $35.
    assert_component(
        &r,
        "aws_instance.t3_default",
        "CPU credits (unlimited, t3)",
        "0.05",
        "35",
    );
    // t2 in unlimited mode: the line is there; the T2 credit price is not in the data.
    let reason = unpriced_reason(
        &r,
        "aws_instance.t2_unlimited",
        "CPU credits (unlimited, t2)",
    )
    .expect("unpriced");
    assert!(reason.contains("CPUCredits:t2"), "{reason}");
    // Standard mode never bills surplus credits, whatever the usage file says.
    assert!(
        !component_names(&r, "aws_instance.t4g_standard")
            .iter()
            .any(|n| n.starts_with("CPU credits"))
    );
}

#[test]
fn detailed_monitoring_is_seven_custom_metrics() {
    let r = report();
    // 7 metrics × $0.30 = $2.1, beside 730 h × m5.large $0.096 = $70.08 and 20 GB gp3 $1.60.
    assert_component(
        &r,
        "aws_instance.monitored",
        "Detailed monitoring (7 metrics)",
        "0.30",
        "2.1",
    );
    assert_eq!(resource_cost(&r, "aws_instance.monitored"), dec("73.78"));
}
