//! The attributes of a resource that pricing reads, per resource type, so that the plan loader
//! keeps those and nothing else: a plan of 100,000 resources is mostly IAM policies, tags and
//! rule bodies nobody prices, and keeping none of it is what lets a large plan load in little
//! more memory than its file. It is also the rule that values not needed for pricing are not
//! held at all.
//!
//! Only top-level attributes are named; everything below a kept attribute is kept. A mapping
//! that reads an attribute missing here would see it absent: the integration test
//! `attribute_lists` prices every plan fixture with and without this filter and requires the
//! same reports.

use super::registry;

/// What the loader keeps of a resource's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Every attribute (types priced by a mapping that has no list here yet, and types whose
    /// values are searched as a whole for another resource's id).
    All,
    /// These top-level attributes, and [`ALWAYS`].
    Only(&'static [&'static str]),
}

impl Kept {
    /// True when the top-level attribute `name` is kept.
    pub fn keeps(self, name: &str) -> bool {
        self.keeps_bytes(name.as_bytes())
    }

    /// [`Kept::keeps`] for a name as the parser has it. Asked of every attribute of every
    /// resource of a plan: the lists are short, and a scan comparing lengths first settles
    /// most names without comparing a byte (a search by halves compares bytes every step).
    pub fn keeps_bytes(self, name: &[u8]) -> bool {
        let listed = |list: &[&str]| list.iter().any(|k| k.as_bytes() == name);
        match self {
            Kept::All => true,
            Kept::Only(list) => listed(ALWAYS) || listed(list),
        }
    }
}

/// Kept for every resource: the region (a resource's own `region` argument, or its ARN's) and
/// the id and name other resources refer to it by.
pub const ALWAYS: &[&str] = &["arn", "id", "name", "region"];

/// Types whose whole values [`super::Context::referrers`] searches for another resource's id
/// (an Elastic IP used by a NAT gateway, an instance an Elastic IP is attached to).
const SEARCHED_WHOLE: &[&str] = &[
    "aws_eip",
    "aws_eip_association",
    "aws_lb",
    "aws_nat_gateway",
    "aws_network_interface_attachment",
];

/// Top-level attributes read by each type's mapping, and by the mappings that read a resource
/// of this type through a reference (a node group's launch template, a bucket's lifecycle
/// configuration, a cluster instance's cluster). Sorted by type.
const READ: &[(&str, &[&str])] = &[
    ("aws_acmpca_certificate_authority", &["usage_mode"]),
    ("aws_alb", &["load_balancer_type"]),
    (
        "aws_cloudfront_distribution",
        &[
            "default_cache_behavior",
            "ordered_cache_behavior",
            "origin",
            "price_class",
            "viewer_certificate",
        ],
    ),
    ("aws_cloudwatch_dashboard", &[]),
    ("aws_cloudwatch_log_group", &["log_group_class"]),
    (
        "aws_cloudwatch_metric_alarm",
        &[
            "comparison_operator",
            "metric_query",
            "period",
            "threshold_metric_id",
        ],
    ),
    (
        "aws_db_instance",
        &[
            "allocated_storage",
            "backup_retention_period",
            "engine",
            "instance_class",
            "iops",
            "license_model",
            "multi_az",
            "storage_throughput",
            "storage_type",
        ],
    ),
    ("aws_ebs_volume", &["iops", "size", "throughput", "type"]),
    ("aws_eks_cluster", &["upgrade_policy", "version"]),
    (
        "aws_eks_node_group",
        &[
            "capacity_type",
            "disk_size",
            "instance_types",
            "launch_template",
            "scaling_config",
        ],
    ),
    (
        "aws_elasticache_cluster",
        &[
            "engine",
            "node_type",
            "num_cache_nodes",
            "replication_group_id",
            "snapshot_retention_limit",
        ],
    ),
    (
        "aws_elasticache_replication_group",
        &[
            "engine",
            "node_type",
            "num_cache_clusters",
            "num_node_groups",
            "number_cache_clusters",
            "replicas_per_node_group",
            "snapshot_retention_limit",
        ],
    ),
    ("aws_elb", &[]),
    (
        "aws_instance",
        &[
            "associate_public_ip_address",
            "credit_specification",
            "ebs_block_device",
            "instance_market_options",
            "instance_type",
            "monitoring",
            "root_block_device",
            "spot_price",
            "tenancy",
        ],
    ),
    (
        "aws_kms_key",
        &[
            "customer_master_key_spec",
            "enable_key_rotation",
            "key_spec",
        ],
    ),
    (
        "aws_launch_configuration",
        &[
            "associate_public_ip_address",
            "credit_specification",
            "ebs_block_device",
            "enable_monitoring",
            "instance_type",
            "placement_tenancy",
            "root_block_device",
            "spot_price",
        ],
    ),
    (
        "aws_launch_template",
        &[
            "block_device_mappings",
            "credit_specification",
            "instance_market_options",
            "instance_type",
            "monitoring",
            "network_interfaces",
            "placement",
        ],
    ),
    (
        "aws_rds_cluster",
        &[
            "backup_retention_period",
            "cluster_identifier",
            "engine",
            "engine_mode",
            "serverlessv2_scaling_configuration",
            "storage_type",
        ],
    ),
    (
        "aws_rds_cluster_instance",
        &[
            "cluster_identifier",
            "engine",
            "instance_class",
            "license_model",
        ],
    ),
    (
        "aws_route53_record",
        &[
            "alias",
            "geolocation_routing_policy",
            "geoproximity_routing_policy",
            "latency_routing_policy",
        ],
    ),
    ("aws_route53_zone", &[]),
    ("aws_s3_bucket", &["bucket", "lifecycle_rule"]),
    ("aws_s3_bucket_lifecycle_configuration", &["bucket", "rule"]),
    ("aws_secretsmanager_secret", &["replica"]),
    ("aws_ssm_parameter", &["tier"]),
    ("aws_wafv2_web_acl", &["capacity", "rule"]),
];

/// What the loader keeps of the values of a resource of `resource_type`.
pub fn kept(resource_type: &str) -> Kept {
    if SEARCHED_WHOLE.contains(&resource_type) {
        return Kept::All;
    }
    if let Ok(i) = READ.binary_search_by(|(t, _)| t.cmp(&resource_type)) {
        return Kept::Only(READ[i].1);
    }
    if registry::has_mapping(resource_type) {
        // Priced by a mapping this table does not know yet: keep everything rather than guess.
        return Kept::All;
    }
    Kept::Only(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(READ.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn unpriced_types_keep_only_what_every_resource_needs() {
        let kept = kept("aws_iam_role");
        assert!(kept.keeps("region") && kept.keeps("arn") && kept.keeps("id"));
        assert!(!kept.keeps("assume_role_policy"));
        assert!(super::kept("aws_instance").keeps("instance_type"));
        assert_eq!(super::kept("aws_nat_gateway"), Kept::All);
    }
}
