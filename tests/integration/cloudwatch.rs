//! CloudWatch alarm variants, log group classes and dashboards (fixtures/tf/cloudwatch, usage
//! fixtures/usage/cloudwatch.yml). Prices: us-east-1 list prices (standard alarm metric $0.10,
//! high-resolution $0.30, logs ingestion $0.50/GB, storage $0.03/GB, Insights scans $0.005/GB,
//! custom metrics $0.30 for the first 10,000 then $0.10, dashboard $3).

use crate::harness::*;
use crate::mapping_harness::*;

fn report() -> serde_json::Value {
    breakdown_with(
        "fixtures/tf/cloudwatch/plan.json",
        Some("fixtures/usage/cloudwatch.yml"),
        &[],
    )
}

#[test]
fn alarms_are_billed_per_alarm_metric_by_resolution() {
    let r = report();
    // Period 300: one standard alarm metric, $0.10.
    assert_component(
        &r,
        "aws_cloudwatch_metric_alarm.standard",
        "Alarm metrics (standard",
        "0.10",
        "0.1",
    );
    // Period 10: one high-resolution alarm metric, $0.30.
    assert_component(
        &r,
        "aws_cloudwatch_metric_alarm.high_resolution",
        "Alarm metrics (high resolution)",
        "0.30",
        "0.3",
    );
    // Anomaly detection on one metric: 1 + 2 band metrics = 3 × $0.10 = $0.30.
    assert_component(
        &r,
        "aws_cloudwatch_metric_alarm.anomaly",
        "Alarm metrics (standard resolution, anomaly detection)",
        "0.10",
        "0.3",
    );
    // Metric math over three metrics (the expression itself is not a metric): 3 × $0.10.
    assert_component(
        &r,
        "aws_cloudwatch_metric_alarm.math",
        "Alarm metrics (standard",
        "0.10",
        "0.3",
    );
}

#[test]
fn log_groups_by_class_and_custom_metrics_by_tier() {
    let r = report();
    let std = "aws_cloudwatch_log_group.standard";
    assert_component(&r, std, "Data ingested (Standard)", "0.50", "10"); // 20 GB × $0.50
    assert_component(&r, std, "Archival storage", "0.03", "1.5"); // 50 GB × $0.03
    assert_component(&r, std, "Insights queries data scanned", "0.005", "0.5"); // 100 × $0.005
    // 12,000 custom metrics: 10,000 × $0.30 + 2,000 × $0.10 = 3,000 + 200 = $3,200.
    assert_component(&r, std, "Custom metrics", "0.30", "3200");
    // Infrequent Access ingestion has its own usage type (DataProcessingIA-Bytes), which the
    // list prices do not carry: unpriced, never $0 or the Standard price.
    let ia = "aws_cloudwatch_log_group.infrequent";
    let reason = unpriced_reason(&r, ia, "Data ingested (Infrequent Access)").expect("unpriced");
    assert!(reason.contains("DataProcessingIA-Bytes"), "{reason}");
    assert_component(&r, ia, "Archival storage", "0.03", "3"); // 100 GB × $0.03
    assert!(depends_on_usage(&r, ia, "Insights queries data scanned"));
}

#[test]
fn a_dashboard_is_billed_per_month() {
    let r = report();
    assert_component(&r, "aws_cloudwatch_dashboard.main", "Dashboard", "3", "3"); // $3 per dashboard-month
    // Alarms 0.1 + 0.3 + 0.3 + 0.3 = 1; log groups (10 + 1.5 + 0.5 + 3,200) + 3 = 3,215;
    // dashboard 3: 1 + 3,215 + 3 = 3,219.
    assert_eq!(money(&project(&r)["categories"]["monitoring"]), dec("3219"));
}
