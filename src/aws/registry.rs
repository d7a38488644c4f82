//! Which mapping prices which resource type, which types AWS does not bill, and which price
//! rows the mappings can ask for (so imports keep only those).

use std::collections::BTreeMap;

use crate::model::{Mapping, Resource};

use super::{
    Context, acmpca, attr, autoscaling, cloudfront, cloudwatch, ebs, ec2, eks, elasticache, elb,
    kms, rds, route53, s3, secretsmanager, vpc, waf,
};

type MapFn = fn(&Resource, &Context) -> Mapping;

/// Resource types with a mapping, in alphabetical order.
const MAPPINGS: &[(&str, MapFn)] = &[
    (
        "aws_acmpca_certificate_authority",
        acmpca::aws_acmpca_certificate_authority,
    ),
    ("aws_alb", elb::aws_lb),
    ("aws_autoscaling_group", autoscaling::aws_autoscaling_group),
    (
        "aws_cloudfront_distribution",
        cloudfront::aws_cloudfront_distribution,
    ),
    (
        "aws_cloudwatch_dashboard",
        cloudwatch::aws_cloudwatch_dashboard,
    ),
    (
        "aws_cloudwatch_log_group",
        cloudwatch::aws_cloudwatch_log_group,
    ),
    (
        "aws_cloudwatch_metric_alarm",
        cloudwatch::aws_cloudwatch_metric_alarm,
    ),
    ("aws_db_instance", rds::aws_db_instance),
    ("aws_ebs_volume", ebs::aws_ebs_volume),
    ("aws_eip", vpc::aws_eip),
    ("aws_eks_cluster", eks::aws_eks_cluster),
    ("aws_eks_node_group", eks::aws_eks_node_group),
    (
        "aws_elasticache_cluster",
        elasticache::aws_elasticache_cluster,
    ),
    (
        "aws_elasticache_replication_group",
        elasticache::aws_elasticache_replication_group,
    ),
    ("aws_elb", elb::aws_elb),
    ("aws_instance", ec2::aws_instance),
    ("aws_kms_key", kms::aws_kms_key),
    ("aws_lb", elb::aws_lb),
    ("aws_nat_gateway", vpc::aws_nat_gateway),
    ("aws_rds_cluster", rds::aws_rds_cluster),
    ("aws_rds_cluster_instance", rds::aws_rds_cluster_instance),
    ("aws_route53_record", route53::aws_route53_record),
    ("aws_route53_zone", route53::aws_route53_zone),
    ("aws_s3_bucket", s3::aws_s3_bucket),
    (
        "aws_secretsmanager_secret",
        secretsmanager::aws_secretsmanager_secret,
    ),
    ("aws_wafv2_web_acl", waf::aws_wafv2_web_acl),
];

/// Types AWS does not bill for themselves. Launch templates cost what the instances launched
/// from them cost, and are priced there; a bucket's lifecycle configuration is priced through
/// the storage classes of its bucket.
const FREE: &[&str] = &[
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_alb_listener",
    "aws_alb_target_group",
    "aws_autoscaling_attachment",
    "aws_autoscaling_policy",
    "aws_cloudfront_origin_access_control",
    "aws_cloudfront_origin_access_identity",
    "aws_cloudwatch_event_target",
    "aws_cloudwatch_log_stream",
    "aws_db_option_group",
    "aws_db_parameter_group",
    "aws_db_subnet_group",
    "aws_default_network_acl",
    "aws_default_route_table",
    "aws_default_security_group",
    "aws_ecr_lifecycle_policy",
    "aws_egress_only_internet_gateway",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "aws_eks_addon",
    "aws_elasticache_parameter_group",
    "aws_elasticache_subnet_group",
    "aws_iam_access_key",
    "aws_iam_group",
    "aws_iam_group_membership",
    "aws_iam_group_policy",
    "aws_iam_instance_profile",
    "aws_iam_openid_connect_provider",
    "aws_iam_policy",
    "aws_iam_policy_attachment",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_internet_gateway",
    "aws_key_pair",
    "aws_kms_alias",
    "aws_lambda_permission",
    "aws_launch_configuration",
    "aws_launch_template",
    "aws_lb_listener",
    "aws_lb_listener_rule",
    "aws_lb_target_group",
    "aws_lb_target_group_attachment",
    "aws_main_route_table_association",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_placement_group",
    "aws_route",
    "aws_route53_zone_association",
    "aws_route_table",
    "aws_route_table_association",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_notification",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_website_configuration",
    "aws_secretsmanager_secret_policy",
    "aws_secretsmanager_secret_rotation",
    "aws_secretsmanager_secret_version",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_sns_topic_policy",
    "aws_sns_topic_subscription",
    "aws_sqs_queue_policy",
    "aws_subnet",
    "aws_volume_attachment",
    "aws_vpc",
    "aws_vpc_dhcp_options",
    "aws_vpc_dhcp_options_association",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_wafv2_web_acl_association",
];

pub fn map_resource(resource: &Resource, ctx: &Context) -> Mapping {
    if let Ok(i) = MAPPINGS.binary_search_by(|(t, _)| t.cmp(&resource.resource_type.as_str())) {
        return (MAPPINGS[i].1)(resource, ctx);
    }
    match resource.resource_type.as_str() {
        // Standard parameters are free; advanced ones are billed per parameter-month.
        "aws_ssm_parameter" if resource.str("tier") != Some("Advanced") => Mapping::Free,
        t if FREE.binary_search(&t).is_ok() => Mapping::Free,
        _ => Mapping::Unsupported,
    }
}

/// Usage keys each priced type reads from a usage file (Infracost's names, plus plancost's own
/// documented additions); `None` for types plancost does not price, whose keys go unchecked.
pub fn usage_keys(resource_type: &str) -> Option<&'static [&'static str]> {
    USAGE_KEYS
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, keys)| *keys)
}

/// Keys read per type. plancost's additions: `monthly_hrs`, `spot_price_hourly`,
/// `container_insights_containers` (aws_eks_cluster), `custom_metrics` (aws_cloudwatch_log_group),
/// `monthly_requests` (aws_kms_key). `rule_group_rules` and `managed_rule_group_rules` are
/// Infracost's, accepted and not billed (see `waf`).
const USAGE_KEYS: &[(&str, &[&str])] = &[
    ("aws_acmpca_certificate_authority", &["monthly_requests"]),
    ("aws_alb", LB_KEYS),
    (
        "aws_autoscaling_group",
        &[
            "instances",
            "monthly_hrs",
            "spot_price_hourly",
            "monthly_cpu_credit_hrs",
            "vcpu_count",
        ],
    ),
    (
        "aws_cloudfront_distribution",
        &[
            "monthly_data_transfer_to_internet_gb",
            "monthly_data_transfer_to_origin_gb",
            "monthly_http_requests",
            "monthly_https_requests",
            "monthly_shield_requests",
            "monthly_invalidation_requests",
            "monthly_encryption_requests",
            "monthly_log_lines",
            "custom_ssl_certificates",
        ],
    ),
    ("aws_cloudwatch_dashboard", &[]),
    (
        "aws_cloudwatch_log_group",
        &[
            "storage_gb",
            "monthly_data_ingested_gb",
            "monthly_data_scanned_gb",
            "custom_metrics",
        ],
    ),
    ("aws_cloudwatch_metric_alarm", &[]),
    (
        "aws_db_instance",
        &[
            "additional_backup_storage_gb",
            "monthly_standard_io_requests",
        ],
    ),
    ("aws_ebs_volume", &[]),
    ("aws_eip", &["monthly_hrs"]),
    ("aws_eks_cluster", &["container_insights_containers"]),
    (
        "aws_eks_node_group",
        &["instances", "monthly_hrs", "spot_price_hourly"],
    ),
    ("aws_elasticache_cluster", &["snapshot_storage_size_gb"]),
    (
        "aws_elasticache_replication_group",
        &["snapshot_storage_size_gb"],
    ),
    ("aws_elb", &["monthly_data_processed_gb"]),
    (
        "aws_instance",
        &[
            "monthly_hrs",
            "spot_price_hourly",
            "monthly_cpu_credit_hrs",
            "vcpu_count",
        ],
    ),
    ("aws_kms_key", &["monthly_requests"]),
    ("aws_lb", LB_KEYS),
    (
        "aws_nat_gateway",
        &["monthly_data_processed_gb", "monthly_hrs"],
    ),
    (
        "aws_rds_cluster",
        &[
            "backup_snapshot_size_gb",
            "capacity_units_per_hr",
            "read_requests_per_sec",
            "storage_gb",
            "write_requests_per_sec",
        ],
    ),
    ("aws_rds_cluster_instance", &["capacity_units_per_hr"]),
    (
        "aws_route53_record",
        &[
            "monthly_standard_queries",
            "monthly_latency_based_queries",
            "monthly_geo_queries",
        ],
    ),
    ("aws_route53_zone", &[]),
    ("aws_s3_bucket", s3::USAGE_KEYS),
    ("aws_secretsmanager_secret", &["monthly_requests"]),
    (
        "aws_wafv2_web_acl",
        &[
            "monthly_requests",
            "rule_group_rules",
            "managed_rule_group_rules",
        ],
    ),
];

/// Infracost's load-balancer keys, and `lcu` (plancost's: average capacity units).
const LB_KEYS: &[&str] = &[
    "active_connections",
    "lcu",
    "new_connections",
    "processed_bytes_gb",
    "rule_evaluations",
];

pub fn is_supported_type(resource_type: &str) -> bool {
    MAPPINGS.iter().any(|(t, _)| *t == resource_type) || FREE.contains(&resource_type)
}

/// True when some mapping can ask for this product; imports keep only those. Small offers are
/// kept whole; EC2's instance rows are cut to what `ec2::instance_hours_query` can match.
pub fn wanted(service: &str, family: Option<&str>, attrs: &BTreeMap<String, String>) -> bool {
    match service {
        "AmazonEC2" => match family.unwrap_or("") {
            "Compute Instance" | "Compute Instance (bare metal)" => {
                attr(attrs, "capacitystatus") == "Used"
                    && attr(attrs, "preInstalledSw") == "NA"
                    && matches!(attr(attrs, "tenancy"), "Shared" | "Dedicated")
            }
            "Storage"
            | "System Operation"
            | "Provisioned Throughput"
            | "Storage Snapshot"
            | "CPU Credits"
            | "NAT Gateway"
            | "IP Address"
            | "Data Transfer"
            | "Fee" => true,
            _ => false,
        },
        _ => true,
    }
}

/// True when a mapping prices resources of this type (not free, not unsupported).
pub fn has_mapping(resource_type: &str) -> bool {
    MAPPINGS
        .binary_search_by(|(t, _)| t.cmp(&resource_type))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(MAPPINGS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(FREE.windows(2).all(|w| w[0] < w[1]));
        assert!(USAGE_KEYS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_mapped_type_lists_its_usage_keys_and_none_is_free() {
        for (t, _) in MAPPINGS {
            assert!(usage_keys(t).is_some(), "{t} has no USAGE_KEYS entry");
            assert!(
                FREE.binary_search(t).is_err(),
                "{t} is both priced and free"
            );
        }
    }
}
