//! Amazon ElastiCache: clusters and replication groups, node counts by mode, snapshots.

use crate::harness::*;

#[test]
fn reference_phase1_single_redis_node() {
    let r = breakdown_with_usage("infra/phase1/plan.json", "infra/usage/phase1.yml");
    let c = "module.cache.aws_elasticache_cluster.single[0]";
    // 1 × cache.t3.micro Redis: 730 h × $0.017 = $12.41. snapshot_retention_limit is 0: no
    // snapshot line.
    assert_component(
        &r,
        c,
        "Cache nodes (Redis, on-demand, cache.t3.micro)",
        "0.017",
        "12.41",
    );
    assert_eq!(resource(&r, c)["components"].as_array().unwrap().len(), 1);
    assert_eq!(resource(&r, c)["category"], "cache");
}

#[test]
fn reference_phase2_cluster_mode_counts_shards_times_replicas() {
    let r = breakdown_with_usage("infra/phase2/plan.json", "infra/usage/phase2.yml");
    // num_cache_clusters is unknown in the plan; num_node_groups = 3 and
    // replicas_per_node_group = 0 are known: 3 × (0 + 1) = 3 nodes × 730 h = 2,190 h ×
    // cache.m5.large $0.156 = $341.64.
    let g = "module.cache.aws_elasticache_replication_group.cluster[0]";
    assert_component(
        &r,
        g,
        "Cache nodes (Redis, on-demand, cache.m5.large)",
        "0.156",
        "341.64",
    );
    assert_eq!(
        money(&component(&r, g, "Cache nodes")["monthly_quantity"]),
        dec("2190")
    );
}

#[test]
fn group_without_cluster_mode_members_and_valkey() {
    let r = breakdown_with_usage(
        "fixtures/tf/elasticache-variants/plan.json",
        "fixtures/usage/elasticache.yml",
    );
    let g = "aws_elasticache_replication_group.redis";
    // num_cache_clusters = 2 × 730 h = 1,460 h × cache.r6g.large $0.206 = $300.76.
    assert_component(
        &r,
        g,
        "Cache nodes (Redis, on-demand, cache.r6g.large)",
        "0.206",
        "300.76",
    );
    // Snapshots kept 5 days, one free: 10 GB × (5 − 1) = 40 GB × $0.085 = $3.40.
    assert_component(&r, g, "Backup storage", "0.085", "3.4");
    // The member cluster's nodes are the group's: it is not billed a second time.
    let skipped = project(&r)["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["address"] == "aws_elasticache_cluster.member" && s["reason"] == "free"),
        "{skipped:?}"
    );
    assert!(
        project(&r)["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["address"] != "aws_elasticache_cluster.member")
    );
    // Valkey has no row in the table: unpriced, never $0.
    let reason = unpriced_reason_of(&r, "aws_elasticache_cluster.valkey", "Cache nodes");
    assert!(reason.contains("cacheEngine=\"Valkey\""), "{reason}");
    // 300.76 + 3.40
    assert_eq!(money(&project(&r)["total_monthly_cost"]), dec("304.16"));
}

#[test]
fn eu_west_1_memcached_and_sharded_redis_avoid_outposts_rows() {
    let r = breakdown_with_usage(
        "fixtures/tf/elasticache-eu/plan.json",
        "fixtures/usage/elasticache.yml",
    );
    // 3 × cache.m5.large Memcached EU-NodeUsage (64M28P59BY43RM36, $0.172; the Outposts row of
    // the same type is $0.065): 3 × 730 × 0.172 = $376.68.
    let m = "aws_elasticache_cluster.memcached";
    assert_component(
        &r,
        m,
        "Cache nodes (Memcached, on-demand, cache.m5.large)",
        "0.172",
        "376.68",
    );
    assert_eq!(
        component(&r, m, "Cache nodes")["price"]["sku"],
        "64M28P59BY43RM36"
    );
    // Memcached keeps no snapshots.
    assert_eq!(resource(&r, m)["components"].as_array().unwrap().len(), 1);
    // 2 shards × (1 replica + 1) = 4 × cache.r6g.large Redis (FQHREBFZBQ25BR4G, $0.229):
    // 4 × 730 × 0.229 = $668.68; snapshots 5 GB × (3 − 1) = 10 GB × $0.085 = $0.85.
    let g = "aws_elasticache_replication_group.sharded";
    assert_component(
        &r,
        g,
        "Cache nodes (Redis, on-demand, cache.r6g.large)",
        "0.229",
        "668.68",
    );
    assert_eq!(
        component(&r, g, "Cache nodes")["price"]["sku"],
        "FQHREBFZBQ25BR4G"
    );
    assert_component(&r, g, "Backup storage", "0.085", "0.85");
    assert_eq!(
        component(&r, g, "Backup storage")["price"]["sku"],
        "CDHKGB6GATTYU7M5"
    );
}

#[test]
fn a_cluster_alike_a_member_but_in_no_group_is_priced() {
    // A copy of the member cluster, equal values, whose configuration names no replication
    // group: a member is free because of its reference, so resources with references are not
    // priced alike with others.
    let mut plan = plan_json("fixtures/tf/elasticache-variants/plan.json");
    let (member, alone) = (
        "aws_elasticache_cluster.member",
        "aws_elasticache_cluster.alone",
    );
    push_copy(&mut plan["resource_changes"], member, alone);
    let config = push_copy(
        &mut plan["configuration"]["root_module"]["resources"],
        member,
        alone,
    );
    config["expressions"]
        .as_object_mut()
        .unwrap()
        .remove("replication_group_id");
    let r = breakdown_of("cluster-alone", &plan);
    let skipped: Vec<&str> = project(&r)["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "free")
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert!(skipped.contains(&member), "{skipped:?}");
    assert!(!skipped.contains(&alone), "{skipped:?}");
    assert!(!crate::mapping_harness::component_names(&r, alone).is_empty());
}
