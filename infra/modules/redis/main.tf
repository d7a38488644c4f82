# ElastiCache Redis. Two shapes, chosen by `cluster_mode`:
#   false -> aws_elasticache_cluster.single[0]: one node (phase 1, cache.t3.micro)
#   true  -> aws_elasticache_replication_group.cluster[0]: cluster mode enabled,
#            num_node_groups shards x (replicas_per_node_group + 1) nodes (phase 2: 3 x 1 = 3 nodes)
# Priced: node hours (nodes x hours); snapshot storage from the usage file (none assumed).

resource "aws_elasticache_subnet_group" "this" {
  name       = "${var.name}-redis"
  subnet_ids = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-redis"
  description = "Redis from inside the VPC"
  vpc_id      = var.vpc_id

  ingress {
    description = "Redis"
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = [var.allowed_cidr_block]
  }

  tags = var.tags
}

resource "aws_elasticache_cluster" "single" {
  count = var.cluster_mode ? 0 : 1

  cluster_id           = "${var.name}-redis"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_nodes      = 1
  parameter_group_name = "default.redis7"
  port                 = 6379

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  snapshot_retention_limit = 0

  tags = var.tags
}

resource "aws_elasticache_replication_group" "cluster" {
  count = var.cluster_mode ? 1 : 0

  replication_group_id = "${var.name}-redis"
  description          = "Redis cluster (cluster mode enabled) for ${var.name}"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  parameter_group_name = "default.redis7.cluster.on"
  port                 = 6379

  num_node_groups         = var.num_node_groups
  replicas_per_node_group = var.replicas_per_node_group

  # Cluster mode enabled requires automatic failover to be on, even without replicas.
  automatic_failover_enabled = true
  multi_az_enabled           = false

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  at_rest_encryption_enabled = true
  transit_encryption_enabled = false
  snapshot_retention_limit   = 0

  tags = var.tags
}
