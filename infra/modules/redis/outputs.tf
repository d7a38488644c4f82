output "id" {
  value = var.cluster_mode ? aws_elasticache_replication_group.cluster[0].id : aws_elasticache_cluster.single[0].id
}

# CacheClusterId of each node, for CloudWatch alarm dimensions. ElastiCache names the nodes of a
# cluster-mode group <group>-<shard 4 digits>-<node 3 digits>; a single-node cluster uses its id.
output "node_ids" {
  value = var.cluster_mode ? flatten([
    for shard in range(1, var.num_node_groups + 1) : [
      for node in range(1, var.replicas_per_node_group + 2) :
      format("%s-redis-%04d-%03d", var.name, shard, node)
    ]
  ]) : ["${var.name}-redis"]
}
