//! Amazon CloudWatch: metric alarms, log groups, dashboards, and custom metrics.
//!
//! How AWS bills them (Amazon CloudWatch User Guide, "Analyzing, optimizing, and reducing
//! CloudWatch costs", which also names each usage type):
//! - A metric alarm is billed per alarm metric: one for a single-metric alarm, one per metric a
//!   metric-math expression references, and two more for the bands of an anomaly-detection
//!   model. Its resolution is high (`HighResAlarmMonitorUsage`) when it evaluates more often than
//!   every 60 seconds (a period of 10 or 30), else standard (`AlarmMonitorUsage`). A Metrics
//!   Insights query alarm is billed per metric its query matches (`MetricInsightAlarmUsage`).
//! - A log group is billed for ingestion (`DataProcessing-Bytes` in the Standard class,
//!   `DataProcessingIA-Bytes` in Infrequent Access), stored bytes (`TimedStorage-ByteHrs`) and
//!   bytes scanned by Logs Insights queries (`DataScanned-Bytes`), all from usage.
//! - A dashboard is billed per month (`DashboardsUsageHour`).
//! - Custom metrics are billed per metric-month, tiered (first 10,000 at one price, then
//!   cheaper). No Terraform resource stands for them: the usage file carries a count with
//!   `custom_metrics` (a plancost extension) on the log group of the workload that publishes
//!   them, and each resource's count is priced from the first tier on.
//!
//! Queries name the usage type with the product family; the standard alarm's usage type is
//! present in every price source, the high-resolution alarm is matched by its `alarmType`,
//! which is what the us-east-1 list price carries.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

/// Anomaly detection adds the model's upper and lower band metrics to the alarm's own.
const ANOMALY_BAND_METRICS: Decimal = Decimal::from_parts(2, 0, 0, false, 0);

pub fn aws_cloudwatch_metric_alarm(resource: &Resource, _ctx: &Context) -> Mapping {
    let region = &resource.region;
    let queries = resource
        .get("metric_query")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);

    let mut metrics = 0u32;
    let mut insights_query = false;
    let mut period = resource.decimal("period");
    for i in 0..queries {
        if resource
            .get(&format!("metric_query.{i}.metric.0"))
            .is_some()
        {
            metrics += 1;
            if period.is_none() {
                period = resource.decimal(&format!("metric_query.{i}.metric.0.period"));
            }
        }
        let expression = resource
            .str(&format!("metric_query.{i}.expression"))
            .unwrap_or("");
        if expression
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("SELECT")
        {
            insights_query = true;
            if period.is_none() {
                period = resource.decimal(&format!("metric_query.{i}.period"));
            }
        }
    }
    if queries == 0 {
        metrics = 1;
    }
    let anomaly = resource.str("threshold_metric_id").is_some()
        || matches!(
            resource.str("comparison_operator"),
            Some(
                "LessThanLowerOrGreaterThanUpperThreshold"
                    | "LessThanLowerThreshold"
                    | "GreaterThanUpperThreshold"
            )
        );
    let high_resolution = period.is_some_and(|p| p < Decimal::from(60));
    let resolution = if high_resolution {
        "high resolution"
    } else {
        "standard resolution"
    };

    let mut components = Vec::new();
    if insights_query {
        components.push(CostComponent::new(
            "Metrics Insights query alarm (metrics analyzed)",
            "metrics",
            Quantity::Usage(None),
            PriceQuery::new("AmazonCloudWatch", region)
                .family("Alarm")
                .usage_type("CW:MetricInsightAlarmUsage"),
        ));
    }
    if metrics > 0 || !insights_query {
        let mut quantity = Decimal::from(metrics);
        let mut name = format!("Alarm metrics ({resolution}");
        if anomaly {
            quantity += ANOMALY_BAND_METRICS;
            name.push_str(", anomaly detection");
        }
        name.push(')');
        let query = PriceQuery::new("AmazonCloudWatch", region).family("Alarm");
        let query = if high_resolution {
            query.attr("alarmType", "High Resolution")
        } else {
            query.usage_type("CW:AlarmMonitorUsage")
        };
        let mut line = CostComponent::new(name, "alarm metrics", Quantity::Known(quantity), query);
        if anomaly {
            line.notes.push(format!(
                "{metrics} metric(s) + 2 anomaly-detection band metrics, as AWS bills them"
            ));
        }
        components.push(line);
    }
    Mapping::Priced {
        category: Category::Monitoring,
        components,
    }
}

pub fn aws_cloudwatch_log_group(resource: &Resource, ctx: &Context) -> Mapping {
    let region = &resource.region;
    let u = &ctx.usage;
    let infrequent = resource.str("log_group_class") == Some("INFREQUENT_ACCESS");
    let (class, ingestion_type) = if infrequent {
        ("Infrequent Access", "DataProcessingIA-Bytes")
    } else {
        ("Standard", "DataProcessing-Bytes")
    };
    let mut components = vec![
        CostComponent::new(
            format!("Data ingested ({class})"),
            "GB",
            Quantity::Usage(usage::decimal(u, "monthly_data_ingested_gb")),
            PriceQuery::new("AmazonCloudWatch", region)
                .family("Data Payload")
                .usage_type(ingestion_type),
        ),
        CostComponent::new(
            "Archival storage",
            "GB",
            Quantity::Usage(usage::decimal(u, "storage_gb")),
            PriceQuery::new("AmazonCloudWatch", region)
                .family("Storage Snapshot")
                .usage_type("TimedStorage-ByteHrs"),
        ),
        CostComponent::new(
            "Insights queries data scanned",
            "GB",
            Quantity::Usage(usage::decimal(u, "monthly_data_scanned_gb")),
            PriceQuery::new("AmazonCloudWatch", region)
                .family("Data Payload")
                .usage_type("DataScanned-Bytes"),
        ),
    ];
    if let Some(count) = usage::decimal(u, "custom_metrics") {
        components.push(custom_metrics(region, count));
    }
    Mapping::Priced {
        category: Category::Monitoring,
        components,
    }
}

pub fn aws_cloudwatch_dashboard(resource: &Resource, _ctx: &Context) -> Mapping {
    Mapping::Priced {
        category: Category::Monitoring,
        components: vec![
            CostComponent::new(
                "Dashboard",
                "months",
                Quantity::Known(Decimal::ONE),
                PriceQuery::new("AmazonCloudWatch", &resource.region)
                    .family("Dashboard")
                    .usage_type("DashboardsUsageHour"),
            )
            .with_note("AWS's free tier (3 dashboards per account) is not deducted"),
        ],
    }
}

/// `count` custom metrics, priced against the tiers of the metric price.
pub fn custom_metrics(region: &str, count: Decimal) -> CostComponent {
    CostComponent::new(
        "Custom metrics",
        "metrics",
        Quantity::Usage(Some(count)),
        PriceQuery::new("AmazonCloudWatch", region)
            .family("Metric")
            .usage_type("CW:MetricMonitorUsage"),
    )
}
