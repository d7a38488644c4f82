//! Amazon S3 buckets (`aws_s3_bucket`): storage per storage class, requests, lifecycle
//! transitions and retrievals, all from the usage file, plus data transferred out to the
//! internet.
//!
//! Usage follows Infracost's `aws_s3_bucket` keys: one block per storage class (`standard`,
//! `intelligent_tiering`, `standard_infrequent_access`, `one_zone_infrequent_access`,
//! `glacier_flexible_retrieval`, `glacier_deep_archive`) holding `storage_gb`,
//! `monthly_tier_1_requests`, `monthly_tier_2_requests`, `monthly_lifecycle_transition_requests`
//! and the class's retrieval keys. plancost adds `glacier_instant_retrieval` (the same keys) and
//! `monthly_data_transfer_out_gb` (GB a month from the bucket to the internet).
//!
//! A bucket lists Standard always, and each other class that the usage file fills or that a
//! lifecycle rule moves objects to (inline `lifecycle_rule`, or an
//! `aws_s3_bucket_lifecycle_configuration` naming the bucket). Storage, requests and lifecycle
//! transitions are listed for every class in use, so the report shows what depends on usage;
//! retrievals and early deletes, which most buckets never pay, only when the usage file gives
//! them.
//!
//! Standard storage is tiered (first 50 TB, next 450 TB, over 500 TB): the price book charges
//! each tier its own price. Request prices are per request in the Price List, and the usage
//! keys count requests, so the quantities are used as they are.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::model::{Category, CostComponent, Mapping, Quantity, Resource, json_decimal};
use crate::pricing::PriceQuery;
use crate::usage::{self, UsageValues};

use super::Context;

/// A storage class: its usage key, its Terraform name, and where AWS files its prices.
struct StorageClass {
    usage_key: &'static str,
    terraform: &'static str,
    label: &'static str,
    /// (component name, usage key, service, usage type) of each storage line; Intelligent-
    /// Tiering has one per access tier.
    storage: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// Service and usage type of tier-1 (PUT, COPY, POST, LIST) and tier-2 (GET and all other)
    /// requests, with the `operation` attribute where the Price List splits a usage type by it.
    tier_1: Request,
    tier_2: Request,
    transition: Option<Request>,
    /// (component name, usage key, service, usage type, unit) of retrieval lines.
    retrievals: &'static [(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )],
}

#[derive(Clone, Copy)]
struct Request {
    service: &'static str,
    usage_type: &'static str,
    operation: Option<&'static str>,
}

const fn req(service: &'static str, usage_type: &'static str) -> Request {
    Request {
        service,
        usage_type,
        operation: None,
    }
}

const fn req_op(
    service: &'static str,
    usage_type: &'static str,
    operation: &'static str,
) -> Request {
    Request {
        service,
        usage_type,
        operation: Some(operation),
    }
}

const S3: &str = "AmazonS3";
const GLACIER: &str = "AmazonGlacier";
const DEEP_ARCHIVE: &str = "AmazonS3GlacierDeepArchive";

/// The classes in the order the report lists them. Usage types are AWS's (the S3 usage report's
/// names); Glacier Flexible Retrieval storage and retrievals are filed under the Glacier offer,
/// Deep Archive's under its own offer.
const CLASSES: &[StorageClass] = &[
    StorageClass {
        usage_key: "standard",
        terraform: "STANDARD",
        label: "Standard",
        storage: &[("Storage", "storage_gb", S3, "TimedStorage-ByteHrs")],
        tier_1: req(S3, "Requests-Tier1"),
        tier_2: req(S3, "Requests-Tier2"),
        transition: None,
        retrievals: &[],
    },
    StorageClass {
        usage_key: "intelligent_tiering",
        terraform: "INTELLIGENT_TIERING",
        label: "Intelligent-Tiering",
        storage: &[
            (
                "Storage (frequent access)",
                "frequent_access_storage_gb",
                S3,
                "TimedStorage-INT-FA-ByteHrs",
            ),
            (
                "Storage (infrequent access)",
                "infrequent_access_storage_gb",
                S3,
                "TimedStorage-INT-IA-ByteHrs",
            ),
            (
                "Storage (archive access)",
                "archive_access_storage_gb",
                S3,
                "TimedStorage-INT-AA-ByteHrs",
            ),
            (
                "Storage (deep archive access)",
                "deep_archive_access_storage_gb",
                S3,
                "TimedStorage-INT-DAA-ByteHrs",
            ),
        ],
        tier_1: req(S3, "Requests-INT-Tier1"),
        tier_2: req(S3, "Requests-INT-Tier2"),
        transition: Some(req(S3, "Requests-Tier4")),
        retrievals: &[
            (
                "Monitoring and automation",
                "monitored_objects",
                S3,
                "Monitoring-Automation-INT",
                "objects",
            ),
            (
                "Early delete (within 30 days)",
                "early_delete_gb",
                S3,
                "EarlyDelete-INT",
                "GB",
            ),
        ],
    },
    StorageClass {
        usage_key: "standard_infrequent_access",
        terraform: "STANDARD_IA",
        label: "Standard-IA",
        storage: &[("Storage", "storage_gb", S3, "TimedStorage-SIA-ByteHrs")],
        tier_1: req(S3, "Requests-SIA-Tier1"),
        tier_2: req(S3, "Requests-SIA-Tier2"),
        transition: Some(req(S3, "Requests-Tier4")),
        retrievals: &[(
            "Retrievals",
            "monthly_data_retrieval_gb",
            S3,
            "Retrieval-SIA",
            "GB",
        )],
    },
    StorageClass {
        usage_key: "one_zone_infrequent_access",
        terraform: "ONEZONE_IA",
        label: "One Zone-IA",
        storage: &[("Storage", "storage_gb", S3, "TimedStorage-ZIA-ByteHrs")],
        tier_1: req(S3, "Requests-ZIA-Tier1"),
        tier_2: req(S3, "Requests-ZIA-Tier2"),
        transition: Some(req(S3, "Requests-Tier4")),
        retrievals: &[(
            "Retrievals",
            "monthly_data_retrieval_gb",
            S3,
            "Retrieval-ZIA",
            "GB",
        )],
    },
    StorageClass {
        usage_key: "glacier_instant_retrieval",
        terraform: "GLACIER_IR",
        label: "Glacier Instant Retrieval",
        storage: &[("Storage", "storage_gb", S3, "TimedStorage-GIR-ByteHrs")],
        tier_1: req(S3, "Requests-GIR-Tier1"),
        tier_2: req(S3, "Requests-GIR-Tier2"),
        transition: Some(req(S3, "Requests-Tier4")),
        retrievals: &[(
            "Retrievals",
            "monthly_data_retrieval_gb",
            S3,
            "Retrieval-GIR",
            "GB",
        )],
    },
    StorageClass {
        usage_key: "glacier_flexible_retrieval",
        terraform: "GLACIER",
        label: "Glacier Flexible Retrieval",
        storage: &[("Storage", "storage_gb", GLACIER, "TimedStorage-ByteHrs")],
        tier_1: req_op(S3, "Requests-GLACIER-Tier1", "PostObject"),
        tier_2: req(S3, "Requests-GLACIER-Tier2"),
        transition: Some(req_op(S3, "Requests-Tier3", "S3-GlacierTransition")),
        retrievals: &[
            (
                "Retrieval requests (standard)",
                "monthly_standard_data_retrieval_requests",
                GLACIER,
                "Requests-Tier1",
                "requests",
            ),
            (
                "Retrievals (standard)",
                "monthly_standard_data_retrieval_gb",
                GLACIER,
                "Standard-Retrieval-Bytes",
                "GB",
            ),
            (
                "Retrieval requests (expedited)",
                "monthly_expedited_data_retrieval_requests",
                GLACIER,
                "Requests-Tier3",
                "requests",
            ),
            (
                "Retrievals (expedited)",
                "monthly_expedited_data_retrieval_gb",
                GLACIER,
                "Expedited-Retrieval-Bytes",
                "GB",
            ),
            (
                "Early delete (within 90 days)",
                "early_delete_gb",
                GLACIER,
                "EarlyDelete-ByteHrs",
                "GB",
            ),
        ],
    },
    StorageClass {
        usage_key: "glacier_deep_archive",
        terraform: "DEEP_ARCHIVE",
        label: "Glacier Deep Archive",
        storage: &[(
            "Storage",
            "storage_gb",
            DEEP_ARCHIVE,
            "TimedStorage-GDA-ByteHrs",
        )],
        tier_1: req_op(DEEP_ARCHIVE, "Requests-GDA-Tier1", "PostObject"),
        tier_2: req(S3, "Requests-GDA-Tier2"),
        transition: Some(req_op(S3, "Requests-Tier3", "S3-GDATransition")),
        retrievals: &[
            (
                "Retrieval requests (standard)",
                "monthly_standard_data_retrieval_requests",
                DEEP_ARCHIVE,
                "Requests-GDA-Tier3",
                "requests",
            ),
            (
                "Retrievals (standard)",
                "monthly_standard_data_retrieval_gb",
                DEEP_ARCHIVE,
                "Standard-Retrieval-Bytes",
                "GB",
            ),
            (
                "Retrieval requests (bulk)",
                "monthly_bulk_data_retrieval_requests",
                DEEP_ARCHIVE,
                "Requests-GDA-Tier5",
                "requests",
            ),
            (
                "Retrievals (bulk)",
                "monthly_bulk_data_retrieval_gb",
                DEEP_ARCHIVE,
                "Bulk-Retrieval-Bytes",
                "GB",
            ),
            (
                "Early delete (within 180 days)",
                "early_delete_gb",
                DEEP_ARCHIVE,
                "EarlyDelete-GDA",
                "GB",
            ),
        ],
    },
];

/// Top-level usage keys of `aws_s3_bucket`.
pub const USAGE_KEYS: &[&str] = &[
    "standard",
    "intelligent_tiering",
    "standard_infrequent_access",
    "one_zone_infrequent_access",
    "glacier_instant_retrieval",
    "glacier_flexible_retrieval",
    "glacier_deep_archive",
    "monthly_data_transfer_out_gb",
];

pub fn aws_s3_bucket(resource: &Resource, ctx: &Context) -> Mapping {
    let region = resource.region.as_str();
    let targets = lifecycle_targets(resource, ctx);
    let mut components = Vec::new();
    for class in CLASSES {
        let values = class_usage(&ctx.usage, class.usage_key);
        let transitioned = targets.iter().any(|t| t == class.terraform);
        if class.usage_key != "standard" && values.is_none() && !transitioned {
            continue;
        }
        let get = |key: &str| values.and_then(|v| v.get(key)).and_then(json_decimal);
        let label = class.label;
        for (name, key, service, usage_type) in class.storage {
            let mut query = PriceQuery::new(service, region)
                .family("Storage")
                .usage_type(usage_type);
            if class.usage_key == "standard" {
                // Standard's usage type also names the Reduced Redundancy rows of old offers.
                query = query.attr("volumeType", "Standard");
            }
            components.push(CostComponent::new(
                format!("{label} {}", lower_first(name)),
                "GB",
                Quantity::Usage(get(key)),
                query,
            ));
        }
        // Standard's requests are listed even without usage ("depends on usage"): every bucket
        // has them. Another class's requests, like its retrievals, only when the usage file
        // counts them: a lifecycle rule alone says nothing of how many objects move.
        let standard = class.usage_key == "standard";
        for (kind, key, price) in [
            (
                "PUT, COPY, POST, LIST",
                "monthly_tier_1_requests",
                class.tier_1,
            ),
            (
                "GET, SELECT, and all other",
                "monthly_tier_2_requests",
                class.tier_2,
            ),
        ] {
            let q = get(key);
            if standard || q.is_some() {
                components.push(request(
                    region,
                    format!("{label} {kind} requests"),
                    q,
                    price,
                ));
            }
        }
        if let Some(transition) = class.transition {
            let q = get("monthly_lifecycle_transition_requests");
            if q.is_some() {
                components.push(request(
                    region,
                    format!("{label} lifecycle transition requests"),
                    q,
                    transition,
                ));
            }
        }
        for (name, key, service, usage_type, unit) in class.retrievals {
            if let Some(q) = get(key) {
                components.push(CostComponent::new(
                    format!("{label} {}", lower_first(name)),
                    unit,
                    Quantity::Usage(Some(q)),
                    PriceQuery::new(service, region).usage_type(usage_type),
                ));
            }
        }
    }

    if let Some(gb) = usage::decimal(&ctx.usage, "monthly_data_transfer_out_gb") {
        components.push(data_transfer_out(region, gb));
    }
    Mapping::Priced {
        category: Category::Storage,
        components,
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn class_usage<'u>(
    usage: &'u UsageValues,
    key: &str,
) -> Option<&'u serde_json::Map<String, Value>> {
    usage.get(key).and_then(Value::as_object)
}

fn request(region: &str, name: String, quantity: Option<Decimal>, r: Request) -> CostComponent {
    let mut query = PriceQuery::new(r.service, region).usage_type(r.usage_type);
    if let Some(op) = r.operation {
        query = query.attr("operation", op);
    }
    CostComponent::new(name, "requests", Quantity::Usage(quantity), query)
}

/// Data out to the internet, tiered per month (first 10 TB, next 40 TB, next 100 TB, over
/// 150 TB). AWS's 100 GB a month free is per account, not per bucket, and is not deducted.
fn data_transfer_out(region: &str, gb: Decimal) -> CostComponent {
    let from = location_name(region).unwrap_or(region);
    CostComponent::new(
        "Data transfer out to the internet",
        "GB",
        Quantity::Usage(Some(gb)),
        PriceQuery::new("AWSDataTransfer", region)
            .family("Data Transfer")
            .attr("transferType", "AWS Outbound")
            .attr("fromLocation", from)
            .attr("toLocation", "External"),
    )
}

/// The Price List's `location` name of a region, which data-transfer rows use.
fn location_name(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "ca-central-1" => "Canada (Central)",
        "eu-west-1" => "EU (Ireland)",
        "eu-west-2" => "EU (London)",
        "eu-west-3" => "EU (Paris)",
        "eu-central-1" => "EU (Frankfurt)",
        "eu-north-1" => "EU (Stockholm)",
        "eu-south-1" => "EU (Milan)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        "ap-northeast-3" => "Asia Pacific (Osaka)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "sa-east-1" => "South America (Sao Paulo)",
        _ => return None,
    })
}

/// Storage classes that lifecycle rules move this bucket's objects to: enabled rules of the
/// inline `lifecycle_rule` blocks and of every `aws_s3_bucket_lifecycle_configuration` that
/// names the bucket (by reference in the configuration, or by the bucket's name).
fn lifecycle_targets(bucket: &Resource, ctx: &Context) -> Vec<String> {
    let mut out = Vec::new();
    for rule in array(bucket.get("lifecycle_rule")) {
        if rule.get("enabled").and_then(Value::as_bool) == Some(true) {
            collect_classes(rule, &mut out);
        }
    }
    let name = bucket.str("bucket").or_else(|| bucket.str("id"));
    // Only configurations that refer to the bucket or hold its name can name it: looked up,
    // not scanned (a scan per bucket was quadratic in a plan's buckets).
    let configs = ctx.referring_or_holding(bucket, "aws_s3_bucket_lifecycle_configuration", name);
    for config in configs {
        let refers = config.references("bucket").contains(&bucket.address)
            || (name.is_some() && config.str("bucket") == name);
        if !refers {
            continue;
        }
        for rule in array(config.get("rule")) {
            if rule.get("status").and_then(Value::as_str) == Some("Enabled") {
                collect_classes(rule, &mut out);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn collect_classes(rule: &Value, out: &mut Vec<String>) {
    for key in ["transition", "noncurrent_version_transition"] {
        for t in array(rule.get(key)) {
            if let Some(class) = t.get("storage_class").and_then(Value::as_str) {
                out.push(class.to_string());
            }
        }
    }
}

fn array(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}
