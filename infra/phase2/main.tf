# Phase 2 (scale, months 7-12) of the reference GPU inference cluster, as the estimate describes it
# (../../../shared/estimate, digest: README.md there; mapping of every estimate line to a resource
# or usage key: ../README.md).
#
#   CloudFront (+ WAF, 10 rules) -> ALB -> Multi-AZ EKS (3 AZs)
#     -> GPU pool g5.xlarge (spot + on-demand, 10 nodes, 5-30) + API 5x t3.xlarge
#   RDS PostgreSQL db.r5.large Multi-AZ 500 GB | Redis cluster mode 3 shards x cache.m5.large
#   S3 artifacts + Glacier lifecycle | CloudWatch: 50 alarms, log groups, Container Insights add-on
#   Secrets Manager: 20 secrets | ACM Private CA behind enable_private_ca (off: not in the totals)

locals {
  tags = {
    project     = "gpu-inference"
    environment = "phase2"
    managed_by  = "terraform"
  }
}

module "network" {
  source = "../modules/network"

  name               = var.name
  cluster_name       = var.name
  cidr_block         = var.vpc_cidr_block
  availability_zones = var.availability_zones
  tags               = local.tags
}

module "eks" {
  source = "../modules/eks-cluster"

  name                      = var.name
  kubernetes_version        = var.kubernetes_version
  subnet_ids                = concat(module.network.private_subnet_ids, module.network.public_subnet_ids)
  log_retention_days        = var.log_retention_days
  enable_container_insights = var.enable_container_insights
  tags                      = local.tags
}

module "gpu" {
  source = "../modules/gpu-node-pool"

  name           = "${var.name}-gpu"
  cluster_name   = module.eks.cluster_name
  node_role_arn  = module.eks.node_role_arn
  subnet_ids     = module.network.private_subnet_ids
  instance_types = [var.gpu_instance_type]
  disk_size      = var.node_disk_size_gb
  total_nodes    = var.gpu_nodes
  min_nodes      = var.gpu_min_nodes
  max_nodes      = var.gpu_max_nodes
  spot_percent   = var.gpu_spot_percent
  tags           = local.tags

  depends_on = [module.eks]
}

module "api" {
  source = "../modules/node-group"

  name           = "${var.name}-api"
  cluster_name   = module.eks.cluster_name
  node_role_arn  = module.eks.node_role_arn
  subnet_ids     = module.network.private_subnet_ids
  capacity_type  = "ON_DEMAND"
  instance_types = [var.api_instance_type]
  disk_size      = var.node_disk_size_gb
  desired_size   = var.api_nodes
  min_size       = var.api_nodes
  max_size       = var.api_nodes * 2
  labels         = { workload = "api" }
  tags           = local.tags

  depends_on = [module.eks]
}

module "db" {
  source = "../modules/postgres"

  name                  = var.name
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.private_subnet_ids
  allowed_cidr_block    = var.vpc_cidr_block
  instance_class        = "db.r5.large"
  multi_az              = true
  allocated_storage_gb  = 500
  storage_type          = "gp3"
  backup_retention_days = 7
  password              = var.db_password
  tags                  = local.tags
}

# Cluster mode enabled: 3 shards x (0 replicas + 1) = 3 cache.m5.large nodes, as the estimate
# prices them. No replicas means no in-shard failover; the estimate does not budget replicas.
module "cache" {
  source = "../modules/redis"

  name                    = var.name
  vpc_id                  = module.network.vpc_id
  subnet_ids              = module.network.private_subnet_ids
  allowed_cidr_block      = var.vpc_cidr_block
  node_type               = "cache.m5.large"
  cluster_mode            = true
  num_node_groups         = 3
  replicas_per_node_group = 0
  tags                    = local.tags
}

# Objects move to S3 Glacier Flexible Retrieval after 90 days (estimate: "S3 + Glacier", 2 TB).
module "artifacts" {
  source = "../modules/artifacts-bucket"

  bucket_name             = "${var.name}-artifacts"
  glacier_transition_days = 90
  tags                    = local.tags
}

module "alb" {
  source = "../modules/alb"

  name           = var.name
  vpc_id         = module.network.vpc_id
  vpc_cidr_block = var.vpc_cidr_block
  subnet_ids     = module.network.public_subnet_ids
  tags           = local.tags
}

module "edge" {
  source = "../modules/edge"

  name               = var.name
  origin_domain_name = module.alb.dns_name
  tags               = local.tags
}

module "secrets" {
  source = "../modules/secrets"

  name                    = var.name
  db_password_secret_name = "db/master-password"
  db_password             = var.db_password
  tags                    = local.tags
}

module "private_ca" {
  source = "../modules/private-ca"

  enabled     = var.enable_private_ca
  common_name = "${var.name}.internal"
  tags        = local.tags
}

# 50 alarms (estimate, phase 2).
locals {
  db_dims  = { DBInstanceIdentifier = module.db.identifier }
  alb_dims = { LoadBalancer = module.alb.arn_suffix }
  tg_dims  = { LoadBalancer = module.alb.arn_suffix, TargetGroup = module.alb.target_group_arn_suffix }
  cf_dims  = { DistributionId = module.edge.distribution_id, Region = "Global" }
  waf_dims = { WebACL = module.edge.web_acl_name, Rule = "ALL" }
  ci_dims  = { ClusterName = var.name }
  app_dims = { ClusterName = var.name }

  db_alarms = {
    "rds-cpu-high"            = { description = "RDS CPU above 80%", namespace = "AWS/RDS", metric_name = "CPUUtilization", dimensions = local.db_dims, threshold = 80 }
    "rds-free-storage-low"    = { description = "RDS free storage below 50 GiB", namespace = "AWS/RDS", metric_name = "FreeStorageSpace", dimensions = local.db_dims, comparison_operator = "LessThanThreshold", threshold = 53687091200 }
    "rds-connections-high"    = { description = "RDS connections above 800", namespace = "AWS/RDS", metric_name = "DatabaseConnections", dimensions = local.db_dims, threshold = 800 }
    "rds-freeable-memory-low" = { description = "RDS freeable memory below 1 GiB", namespace = "AWS/RDS", metric_name = "FreeableMemory", dimensions = local.db_dims, comparison_operator = "LessThanThreshold", threshold = 1073741824 }
    "rds-read-latency-high"   = { description = "RDS read latency above 20 ms", namespace = "AWS/RDS", metric_name = "ReadLatency", dimensions = local.db_dims, threshold = 0.02 }
    "rds-write-latency-high"  = { description = "RDS write latency above 20 ms", namespace = "AWS/RDS", metric_name = "WriteLatency", dimensions = local.db_dims, threshold = 0.02 }
    "rds-disk-queue-high"     = { description = "RDS disk queue depth above 10", namespace = "AWS/RDS", metric_name = "DiskQueueDepth", dimensions = local.db_dims, threshold = 10 }
    "rds-swap-high"           = { description = "RDS swap above 256 MiB", namespace = "AWS/RDS", metric_name = "SwapUsage", dimensions = local.db_dims, threshold = 268435456 }
  }

  # Four alarms on each of the 3 shard primaries = 12.
  redis_metrics = {
    "cpu-high"         = { description = "Redis engine CPU above 80%", metric_name = "EngineCPUUtilization", statistic = "Average", threshold = 80 }
    "memory-high"      = { description = "Redis memory above 85%", metric_name = "DatabaseMemoryUsagePercentage", statistic = "Average", threshold = 85 }
    "evictions"        = { description = "Redis evicting keys", metric_name = "Evictions", statistic = "Sum", threshold = 100 }
    "connections-high" = { description = "Redis connections above 5000", metric_name = "CurrConnections", statistic = "Average", threshold = 5000 }
  }
  redis_alarms = merge([
    for idx, node in module.cache.node_ids : {
      for key, m in local.redis_metrics : "redis-shard${idx + 1}-${key}" => {
        description = "${m.description} (${node})"
        namespace   = "AWS/ElastiCache"
        metric_name = m.metric_name
        dimensions  = { CacheClusterId = node }
        statistic   = m.statistic
        threshold   = m.threshold
      }
    }
  ]...)

  alb_alarms = {
    "alb-5xx"                  = { description = "ALB-generated 5xx", namespace = "AWS/ApplicationELB", metric_name = "HTTPCode_ELB_5XX_Count", dimensions = local.alb_dims, statistic = "Sum", threshold = 100, treat_missing_data = "notBreaching" }
    "alb-4xx"                  = { description = "ALB-generated 4xx", namespace = "AWS/ApplicationELB", metric_name = "HTTPCode_ELB_4XX_Count", dimensions = local.alb_dims, statistic = "Sum", threshold = 1000, treat_missing_data = "notBreaching" }
    "alb-target-5xx"           = { description = "Inference service 5xx", namespace = "AWS/ApplicationELB", metric_name = "HTTPCode_Target_5XX_Count", dimensions = local.alb_dims, statistic = "Sum", threshold = 100, treat_missing_data = "notBreaching" }
    "alb-target-response-time" = { description = "Target response time above 5 s", namespace = "AWS/ApplicationELB", metric_name = "TargetResponseTime", dimensions = local.alb_dims, threshold = 5 }
    "alb-unhealthy-targets"    = { description = "Unhealthy inference targets", namespace = "AWS/ApplicationELB", metric_name = "UnHealthyHostCount", dimensions = local.tg_dims, statistic = "Maximum", threshold = 0 }
    "alb-rejected-connections" = { description = "ALB rejecting connections", namespace = "AWS/ApplicationELB", metric_name = "RejectedConnectionCount", dimensions = local.alb_dims, statistic = "Sum", threshold = 0, treat_missing_data = "notBreaching" }
  }

  # CloudFront default metrics only (the additional metrics subscription is priced separately).
  edge_alarms = {
    "cloudfront-5xx-rate"   = { description = "CloudFront 5xx error rate above 1%", namespace = "AWS/CloudFront", metric_name = "5xxErrorRate", dimensions = local.cf_dims, threshold = 1 }
    "cloudfront-4xx-rate"   = { description = "CloudFront 4xx error rate above 5%", namespace = "AWS/CloudFront", metric_name = "4xxErrorRate", dimensions = local.cf_dims, threshold = 5 }
    "cloudfront-error-rate" = { description = "CloudFront total error rate above 5%", namespace = "AWS/CloudFront", metric_name = "TotalErrorRate", dimensions = local.cf_dims, threshold = 5 }
    "cloudfront-requests"   = { description = "CloudFront request surge", namespace = "AWS/CloudFront", metric_name = "Requests", dimensions = local.cf_dims, statistic = "Sum", threshold = 1000000 }
    "waf-blocked-requests"  = { description = "WAF blocking a surge of requests", namespace = "AWS/WAFV2", metric_name = "BlockedRequests", dimensions = local.waf_dims, statistic = "Sum", threshold = 10000, treat_missing_data = "notBreaching" }
    "waf-allowed-requests"  = { description = "WAF allowed-request surge", namespace = "AWS/WAFV2", metric_name = "AllowedRequests", dimensions = local.waf_dims, statistic = "Sum", threshold = 2000000, treat_missing_data = "notBreaching" }
  }

  container_insights_alarms = {
    "ci-node-cpu-high"        = { description = "Node CPU above 85%", namespace = "ContainerInsights", metric_name = "node_cpu_utilization", dimensions = local.ci_dims, threshold = 85 }
    "ci-node-memory-high"     = { description = "Node memory above 85%", namespace = "ContainerInsights", metric_name = "node_memory_utilization", dimensions = local.ci_dims, threshold = 85 }
    "ci-node-filesystem-high" = { description = "Node filesystem above 80%", namespace = "ContainerInsights", metric_name = "node_filesystem_utilization", dimensions = local.ci_dims, threshold = 80 }
    "ci-failed-nodes"         = { description = "Failed nodes in the cluster", namespace = "ContainerInsights", metric_name = "cluster_failed_node_count", dimensions = local.ci_dims, statistic = "Maximum", threshold = 0 }
    "ci-pod-cpu-high"         = { description = "Pod CPU above 90%", namespace = "ContainerInsights", metric_name = "pod_cpu_utilization", dimensions = local.ci_dims, threshold = 90 }
    "ci-pod-memory-high"      = { description = "Pod memory above 90%", namespace = "ContainerInsights", metric_name = "pod_memory_utilization", dimensions = local.ci_dims, threshold = 90 }
    "ci-running-pods-high"    = { description = "Running pods per node above 100", namespace = "ContainerInsights", metric_name = "node_number_of_running_pods", dimensions = local.ci_dims, statistic = "Maximum", threshold = 100 }
    "ci-node-gpu-high"        = { description = "Node GPU utilisation above 90%", namespace = "ContainerInsights", metric_name = "node_gpu_utilization", dimensions = local.ci_dims, threshold = 90 }
  }

  app_alarms = {
    "app-queue-depth"          = { description = "Inference queue backlog", namespace = "GpuInference", metric_name = "QueueDepth", dimensions = local.app_dims, statistic = "Maximum", threshold = 2000 }
    "app-latency-p99"          = { description = "Inference p99 latency above 10 s", namespace = "GpuInference", metric_name = "InferenceLatencyP99", dimensions = local.app_dims, threshold = 10000 }
    "app-latency-p50"          = { description = "Inference p50 latency above 2 s", namespace = "GpuInference", metric_name = "InferenceLatencyP50", dimensions = local.app_dims, threshold = 2000 }
    "app-error-rate"           = { description = "Inference error rate above 2%", namespace = "GpuInference", metric_name = "ErrorRate", dimensions = local.app_dims, threshold = 2 }
    "app-gpu-utilization-high" = { description = "GPU utilisation above 90% (scale out)", namespace = "GpuInference", metric_name = "GPUUtilization", dimensions = local.app_dims, threshold = 90 }
    "app-gpu-utilization-low"  = { description = "GPU utilisation below 20% (scale in)", namespace = "GpuInference", metric_name = "GPUUtilization", dimensions = local.app_dims, comparison_operator = "LessThanThreshold", threshold = 20, evaluation_periods = 6 }
    "app-gpu-memory-high"      = { description = "GPU memory above 90%", namespace = "GpuInference", metric_name = "GPUMemoryUtilization", dimensions = local.app_dims, threshold = 90 }
    "app-spot-interruptions"   = { description = "Spot interruption notices", namespace = "GpuInference", metric_name = "SpotInterruptions", dimensions = local.app_dims, statistic = "Sum", threshold = 1, comparison_operator = "GreaterThanOrEqualToThreshold" }
    "app-tokens-per-second"    = { description = "Throughput below 50 tokens/s", namespace = "GpuInference", metric_name = "TokensPerSecond", dimensions = local.app_dims, comparison_operator = "LessThanThreshold", threshold = 50 }
    "app-model-load-failures"  = { description = "Model load failures", namespace = "GpuInference", metric_name = "ModelLoadFailures", dimensions = local.app_dims, statistic = "Sum", threshold = 0, treat_missing_data = "notBreaching" }
  }

  # 8 + 12 + 6 + 6 + 8 + 10 = 50
  alarms = merge(local.db_alarms, local.redis_alarms, local.alb_alarms, local.edge_alarms,
  local.container_insights_alarms, local.app_alarms)
}

module "alarms" {
  source = "../modules/alarms"

  name   = var.name
  alarms = local.alarms
  tags   = local.tags
}
