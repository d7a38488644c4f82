//! Amazon CloudFront distributions (`aws_cloudfront_distribution`).
//!
//! AWS bills a distribution by what its edges do, all of it usage: data transferred out to the
//! internet (tiered by volume, priced per edge region), data transferred to the origin, HTTP
//! and HTTPS requests (per edge region), and optional features that the configuration turns on:
//! Origin Shield requests, dedicated-IP custom SSL certificates, field-level encryption and
//! real-time logs. Invalidation paths are billed beyond 1,000 free paths a month.
//!
//! Usage keys are Infracost's: the per-region keys are maps keyed by Infracost's region names
//! (`us`, `europe`, `south_africa`, `south_america`, `japan`, `australia`, `asia_pacific`,
//! `india`). The US/Mexico/Canada lines are always shown ("depends on usage" without a value);
//! another region's line appears when the usage file gives it a value.
//!
//! AWS's always-free allowance (1 TB out and 10 million requests a month per account) is an
//! account-level credit and is not deducted, as Infracost does not deduct it either.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage::{self, UsageValues};

use super::Context;

/// CloudFront is a global service; its prices are filed under us-east-1 (N. Virginia), where
/// the price data keeps global services.
const PRICE_REGION: &str = "us-east-1";

/// An edge region: Infracost's usage key, the name shown, and AWS's price-list location.
struct EdgeRegion {
    key: &'static str,
    shown: &'static str,
    location: &'static str,
}

#[rustfmt::skip]
const EDGE_REGIONS: &[EdgeRegion] = &[
    EdgeRegion { key: "us", shown: "US, Mexico, Canada", location: "United States" },
    EdgeRegion { key: "europe", shown: "Europe, Israel", location: "Europe" },
    EdgeRegion { key: "south_africa", shown: "South Africa, Kenya, Middle East", location: "South Africa" },
    EdgeRegion { key: "south_america", shown: "South America", location: "South America" },
    EdgeRegion { key: "japan", shown: "Japan", location: "Japan" },
    EdgeRegion { key: "australia", shown: "Australia, New Zealand", location: "Australia" },
    EdgeRegion { key: "asia_pacific", shown: "Hong Kong, Philippines, Asia Pacific", location: "Asia Pacific" },
    EdgeRegion { key: "india", shown: "India", location: "India" },
];

/// The per-region usage keys, in the order their lines appear.
const REGIONAL_KEYS: [&str; 4] = [
    "monthly_data_transfer_to_internet_gb",
    "monthly_data_transfer_to_origin_gb",
    "monthly_http_requests",
    "monthly_https_requests",
];

/// Edge regions each price class serves from (AWS CloudFront price classes).
fn served_by(price_class: &str, key: &str) -> bool {
    match price_class {
        "PriceClass_100" => matches!(key, "us" | "europe"),
        "PriceClass_200" => !matches!(key, "south_america" | "australia"),
        _ => true,
    }
}

/// Origin Shield regions: the AWS region, the Infracost usage key of `monthly_shield_requests`,
/// and the price-list location.
const SHIELD_REGIONS: &[(&str, &str, &str)] = &[
    ("us-east-1", "us", "US East (N. Virginia)"),
    ("us-east-2", "us", "US East (Ohio)"),
    ("us-west-1", "us", "US West (N. California)"),
    ("us-west-2", "us", "US West (Oregon)"),
    ("eu-central-1", "europe", "EU (Frankfurt)"),
    ("eu-west-1", "europe", "EU (Ireland)"),
    ("eu-west-2", "europe", "EU (London)"),
    ("ap-south-1", "india", "Asia Pacific (Mumbai)"),
    ("ap-northeast-1", "japan", "Asia Pacific (Tokyo)"),
    ("ap-northeast-2", "south_korea", "Asia Pacific (Seoul)"),
    ("ap-southeast-1", "singapore", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "australia", "Asia Pacific (Sydney)"),
    ("sa-east-1", "south_america", "South America (Sao Paulo)"),
];

pub fn aws_cloudfront_distribution(resource: &Resource, ctx: &Context) -> Mapping {
    let u = &ctx.usage;
    let price_class = resource.str("price_class").unwrap_or("PriceClass_All");
    let mut components = Vec::new();
    for (i, region) in EDGE_REGIONS.iter().enumerate() {
        let default_region = i == 0;
        if !default_region
            && REGIONAL_KEYS
                .iter()
                .all(|k| regional(u, k, region.key).is_none())
        {
            continue;
        }
        let outside_class = (!served_by(price_class, region.key)).then(|| {
            format!(
                "{price_class} does not serve from {} edges; the usage file's traffic there is priced as given",
                region.shown
            )
        });
        let transfer = |transfer_type: &str| {
            PriceQuery::new("AmazonCloudFront", PRICE_REGION)
                .family("Data Transfer")
                .attr("transferType", transfer_type)
                .attr("fromLocation", region.location)
        };
        let requests = |request_type: &str| {
            PriceQuery::new("AmazonCloudFront", PRICE_REGION)
                .family("Request")
                .attr("requestType", request_type)
                .attr("location", region.location)
        };
        let mut lines = vec![
            CostComponent::new(
                format!("Data transfer out to internet ({})", region.shown),
                "GB",
                Quantity::Usage(regional(u, REGIONAL_KEYS[0], region.key)),
                transfer("CloudFront Outbound"),
            )
            .with_note(
                "AWS's free tier (1 TB out and 10M requests a month per account) is not deducted",
            ),
            CostComponent::new(
                format!("Data transfer out to origin ({})", region.shown),
                "GB",
                Quantity::Usage(regional(u, REGIONAL_KEYS[1], region.key)),
                transfer("CloudFront to Origin"),
            ),
            CostComponent::new(
                format!("HTTP requests ({})", region.shown),
                "requests",
                Quantity::Usage(regional(u, REGIONAL_KEYS[2], region.key)),
                requests("CloudFront-Request-HTTP-Proxy"),
            ),
            CostComponent::new(
                format!("HTTPS requests ({})", region.shown),
                "requests",
                Quantity::Usage(regional(u, REGIONAL_KEYS[3], region.key)),
                requests("CloudFront-Request-HTTPS-Proxy"),
            ),
        ];
        if !default_region {
            lines.retain(|l| l.monthly_quantity.value().is_some());
        }
        if let Some(note) = outside_class {
            for line in &mut lines {
                line.notes.push(note.clone());
            }
        }
        components.extend(lines);
    }

    components.extend(origin_shield(resource, ctx));

    if let Some(paths) = usage::decimal(u, "monthly_invalidation_requests") {
        // AWS lists invalidations with their free first 1,000 paths as a zero-priced tier, so
        // the whole count is priced against the tiers.
        components.push(
            CostComponent::new(
                "Invalidation requests",
                "paths",
                Quantity::Usage(Some(paths)),
                PriceQuery::new("AmazonCloudFront", PRICE_REGION).usage_type("Invalidations"),
            )
            .with_note("the first 1,000 paths a month are free (per account)"),
        );
    }

    if resource.str("viewer_certificate.0.ssl_support_method") == Some("vip") {
        let certificates = usage::decimal(u, "custom_ssl_certificates").unwrap_or(Decimal::ONE);
        components.push(CostComponent::new(
            "Dedicated IP custom SSL certificates",
            "certificates",
            Quantity::Known(certificates),
            PriceQuery::new("AmazonCloudFront", PRICE_REGION).usage_type("SSL-Cert-Custom"),
        ));
    }

    let behaviors = cache_behaviors(resource);
    if behaviors.iter().any(|b| {
        resource
            .str(&format!("{b}.field_level_encryption_id"))
            .is_some_and(|s| !s.is_empty())
    }) {
        components.push(CostComponent::new(
            "Field-level encryption requests",
            "requests",
            Quantity::Usage(usage::decimal(u, "monthly_encryption_requests")),
            PriceQuery::new("AmazonCloudFront", PRICE_REGION)
                .attr(
                    "requestDescription",
                    "HTTPS Proxy requests with Field Level Encryption",
                )
                .attr("location", "Europe"),
        ));
    }
    if behaviors.iter().any(|b| {
        resource
            .str(&format!("{b}.realtime_log_config_arn"))
            .is_some_and(|s| !s.is_empty())
            || resource.is_unknown(&format!("{b}.realtime_log_config_arn"))
    }) {
        components.push(CostComponent::new(
            "Real-time log lines",
            "lines",
            Quantity::Usage(usage::decimal(u, "monthly_log_lines")),
            PriceQuery::new("AmazonCloudFront", PRICE_REGION).attr("operation", "RealTimeLog"),
        ));
    }

    Mapping::Priced {
        category: Category::Network,
        components,
    }
}

/// A regional usage value: `monthly_https_requests: { us: 10000000 }`.
fn regional(values: &UsageValues, key: &str, region: &str) -> Option<Decimal> {
    values
        .get(key)
        .and_then(|v| v.get(region))
        .and_then(crate::model::json_decimal)
}

/// Paths of the default and ordered cache behaviours.
fn cache_behaviors(resource: &Resource) -> Vec<String> {
    let mut paths = vec!["default_cache_behavior.0".to_string()];
    let ordered = resource
        .get("ordered_cache_behavior")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    paths.extend((0..ordered).map(|i| format!("ordered_cache_behavior.{i}")));
    paths
}

/// One Origin Shield line per shield region the origins enable.
fn origin_shield(resource: &Resource, ctx: &Context) -> Vec<CostComponent> {
    let origins = resource
        .get("origin")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    let mut regions: Vec<&str> = Vec::new();
    for i in 0..origins {
        if resource.bool(&format!("origin.{i}.origin_shield.0.enabled")) == Some(true) {
            let region = resource
                .str(&format!("origin.{i}.origin_shield.0.origin_shield_region"))
                .unwrap_or(resource.region.as_str());
            if !regions.contains(&region) {
                regions.push(region);
            }
        }
    }
    regions
        .into_iter()
        .map(|region| {
            let name = format!("Origin Shield requests ({region})");
            match SHIELD_REGIONS.iter().find(|(r, _, _)| *r == region) {
                Some((_, key, location)) => CostComponent::new(
                    name,
                    "requests",
                    Quantity::Usage(regional(&ctx.usage, "monthly_shield_requests", key)),
                    PriceQuery::new("AmazonCloudFront", PRICE_REGION)
                        .attr("requestDescription", "Origin Shield Requests")
                        .attr("location", location),
                ),
                None => CostComponent::unavailable(
                    name,
                    "requests",
                    Quantity::Usage(None),
                    format!("{region} is not an Origin Shield region plancost knows"),
                ),
            }
        })
        .collect()
}
