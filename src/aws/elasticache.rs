//! Amazon ElastiCache: clusters (`aws_elasticache_cluster`) and replication groups
//! (`aws_elasticache_replication_group`), with Redis, Valkey or Memcached nodes.
//!
//! AWS bills node-hours by node type and engine, and snapshot storage above the one snapshot
//! per cluster it keeps free. Node rows are queried by their usage type (`NodeUsage:<type>`,
//! with or without a region prefix) so the Outposts rows of the same type
//! (`EU-Outpost-NodeUsage:<type>`, another price) never match.

use rust_decimal::Decimal;

use crate::model::{Category, CostComponent, HOURS_PER_MONTH, Mapping, Quantity, Resource};
use crate::pricing::PriceQuery;
use crate::usage;

use super::Context;

/// The Price List's `cacheEngine` for Terraform's `engine`.
fn cache_engine(engine: &str) -> String {
    match engine {
        "redis" => "Redis".into(),
        "valkey" => "Valkey".into(),
        "memcached" => "Memcached".into(),
        other => format!("(engine {other} not mapped)"),
    }
}

fn node_hours(region: &str, node_type: &str, engine: &str, nodes: Decimal) -> CostComponent {
    let cache_engine = cache_engine(engine);
    CostComponent::new(
        format!("Cache nodes ({cache_engine}, on-demand, {node_type})"),
        "hours",
        Quantity::Known(nodes * HOURS_PER_MONTH),
        PriceQuery::new("AmazonElastiCache", region)
            .family("Cache Instance")
            .attr("instanceType", node_type)
            .attr("cacheEngine", &cache_engine)
            .usage_type(&format!("NodeUsage:{node_type}")),
    )
}

/// Snapshot storage beyond the free one: AWS keeps one snapshot per cluster free, so with
/// `snapshot_retention_limit` N the snapshots billed are N − 1 of the usage file's
/// `snapshot_storage_size_gb` each (Infracost's reading of the same key). Memcached keeps no
/// snapshots.
fn snapshots(resource: &Resource, ctx: &Context, engine: &str) -> Option<CostComponent> {
    if engine == "memcached" {
        return None;
    }
    let retention = resource.decimal("snapshot_retention_limit")?;
    if retention <= Decimal::ONE {
        return None;
    }
    let size = usage::decimal(&ctx.usage, "snapshot_storage_size_gb");
    Some(CostComponent::new(
        "Backup storage (snapshots beyond the free one)",
        "GB",
        Quantity::Usage(size.map(|s| s * (retention - Decimal::ONE))),
        PriceQuery::new("AmazonElastiCache", &resource.region)
            .family("Storage Snapshot")
            .usage_type("ElastiCache:BackupUsage"),
    ))
}

pub fn aws_elasticache_cluster(resource: &Resource, ctx: &Context) -> Mapping {
    // A cluster created as a member of a replication group takes its nodes from the group,
    // which is where they are priced: counting them here too would bill them twice. Such a
    // member costs nothing of its own, so it is listed as free (its nodes' cost is on the group).
    if resource.str("replication_group_id").is_some()
        || !resource.references("replication_group_id").is_empty()
    {
        return Mapping::Free;
    }
    let engine = resource.str("engine").unwrap_or("redis");
    let mut notes = Vec::new();
    let nodes = match resource.decimal("num_cache_nodes") {
        Some(n) => n,
        None => {
            notes.push("node count known only after apply; 1 node assumed".to_string());
            Decimal::ONE
        }
    };
    let Some(node_type) = resource.str("node_type") else {
        return Mapping::Priced {
            category: Category::Cache,
            components: vec![unknown_node_type(resource, engine, nodes)],
        };
    };
    let mut hours = node_hours(&resource.region, node_type, engine, nodes);
    hours.notes = notes;
    let mut components = vec![hours];
    components.extend(snapshots(resource, ctx, engine));
    Mapping::Priced {
        category: Category::Cache,
        components,
    }
}

fn unknown_node_type(resource: &Resource, engine: &str, nodes: Decimal) -> CostComponent {
    node_hours(&resource.region, "(known after apply)", engine, nodes)
        .with_note("the node type is known only after apply")
}

/// Nodes of a replication group: with cluster mode, shards × (replicas per shard + 1); without,
/// `num_cache_clusters`. Terraform leaves whichever the configuration did not set unknown
/// until apply, so the known one is used.
pub fn aws_elasticache_replication_group(resource: &Resource, ctx: &Context) -> Mapping {
    let engine = resource.str("engine").unwrap_or("redis");
    let mut notes = Vec::new();
    let shards = resource.decimal("num_node_groups");
    let replicas = resource.decimal("replicas_per_node_group");
    let nodes = match (resource.decimal("num_cache_clusters"), shards) {
        (Some(n), _) => n,
        (None, Some(shards)) => shards * (replicas.unwrap_or_default() + Decimal::ONE),
        (None, None) => match resource.decimal("number_cache_clusters") {
            Some(n) => n,
            None => {
                notes.push("node count known only after apply; 1 node assumed".to_string());
                Decimal::ONE
            }
        },
    };
    let Some(node_type) = resource.str("node_type") else {
        return Mapping::Priced {
            category: Category::Cache,
            components: vec![unknown_node_type(resource, engine, nodes)],
        };
    };
    let mut hours = node_hours(&resource.region, node_type, engine, nodes);
    hours.notes = notes;
    let mut components = vec![hours];
    components.extend(snapshots(resource, ctx, engine));
    Mapping::Priced {
        category: Category::Cache,
        components,
    }
}
