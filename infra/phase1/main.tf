# Phase 1 (MVP, months 1-6) of the reference GPU inference cluster, as the estimate describes it
# (../../../shared/estimate, digest: README.md there; mapping of every estimate line to a resource
# or usage key: ../README.md).
#
#   ALB -> EKS (2 AZs) -> GPU pool g5.xlarge (spot + on-demand, 3 nodes, 3-10) + API 2x t3.large
#   RDS PostgreSQL db.t3.medium Single-AZ 100 GB | Redis cache.t3.micro x1 | S3 artifacts
#   CloudWatch: 20 alarms, cluster + application log groups | Secrets Manager: 20 secrets

locals {
  tags = {
    project     = "gpu-inference"
    environment = "phase1"
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

  name               = var.name
  kubernetes_version = var.kubernetes_version
  subnet_ids         = concat(module.network.private_subnet_ids, module.network.public_subnet_ids)
  log_retention_days = var.log_retention_days
  tags               = local.tags
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
  instance_class        = "db.t3.medium"
  multi_az              = false
  allocated_storage_gb  = 100
  storage_type          = "gp3"
  backup_retention_days = 7
  password              = var.db_password
  tags                  = local.tags
}

module "cache" {
  source = "../modules/redis"

  name               = var.name
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  allowed_cidr_block = var.vpc_cidr_block
  node_type          = "cache.t3.micro"
  cluster_mode       = false
  tags               = local.tags
}

# Phase 1 has no Glacier tier in the estimate: bucket only, no lifecycle rule, versioning off.
module "artifacts" {
  source = "../modules/artifacts-bucket"

  bucket_name             = "${var.name}-artifacts"
  glacier_transition_days = null
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

module "secrets" {
  source = "../modules/secrets"

  name                    = var.name
  db_password_secret_name = "db/master-password"
  db_password             = var.db_password
  tags                    = local.tags
}

# 20 alarms (estimate, phase 1). Six watch custom application metrics, which are themselves among
# the 50 custom metrics the usage file declares.
locals {
  db_dims    = { DBInstanceIdentifier = module.db.identifier }
  redis_dims = { CacheClusterId = module.cache.node_ids[0] }
  alb_dims   = { LoadBalancer = module.alb.arn_suffix }
  tg_dims    = { LoadBalancer = module.alb.arn_suffix, TargetGroup = module.alb.target_group_arn_suffix }
  app_dims   = { ClusterName = var.name }

  alarms = {
    "rds-cpu-high"             = { description = "RDS CPU above 80%", namespace = "AWS/RDS", metric_name = "CPUUtilization", dimensions = local.db_dims, threshold = 80 }
    "rds-free-storage-low"     = { description = "RDS free storage below 10 GiB", namespace = "AWS/RDS", metric_name = "FreeStorageSpace", dimensions = local.db_dims, comparison_operator = "LessThanThreshold", threshold = 10737418240 }
    "rds-connections-high"     = { description = "RDS connections above 300", namespace = "AWS/RDS", metric_name = "DatabaseConnections", dimensions = local.db_dims, threshold = 300 }
    "rds-freeable-memory-low"  = { description = "RDS freeable memory below 256 MiB", namespace = "AWS/RDS", metric_name = "FreeableMemory", dimensions = local.db_dims, comparison_operator = "LessThanThreshold", threshold = 268435456 }
    "rds-read-latency-high"    = { description = "RDS read latency above 20 ms", namespace = "AWS/RDS", metric_name = "ReadLatency", dimensions = local.db_dims, threshold = 0.02 }
    "rds-write-latency-high"   = { description = "RDS write latency above 20 ms", namespace = "AWS/RDS", metric_name = "WriteLatency", dimensions = local.db_dims, threshold = 0.02 }
    "redis-cpu-high"           = { description = "Redis engine CPU above 80%", namespace = "AWS/ElastiCache", metric_name = "EngineCPUUtilization", dimensions = local.redis_dims, threshold = 80 }
    "redis-memory-high"        = { description = "Redis memory above 85%", namespace = "AWS/ElastiCache", metric_name = "DatabaseMemoryUsagePercentage", dimensions = local.redis_dims, threshold = 85 }
    "redis-evictions"          = { description = "Redis evicting keys", namespace = "AWS/ElastiCache", metric_name = "Evictions", dimensions = local.redis_dims, statistic = "Sum", threshold = 100 }
    "redis-connections-high"   = { description = "Redis connections above 1000", namespace = "AWS/ElastiCache", metric_name = "CurrConnections", dimensions = local.redis_dims, threshold = 1000 }
    "alb-5xx"                  = { description = "ALB-generated 5xx", namespace = "AWS/ApplicationELB", metric_name = "HTTPCode_ELB_5XX_Count", dimensions = local.alb_dims, statistic = "Sum", threshold = 50, treat_missing_data = "notBreaching" }
    "alb-target-5xx"           = { description = "Inference service 5xx", namespace = "AWS/ApplicationELB", metric_name = "HTTPCode_Target_5XX_Count", dimensions = local.alb_dims, statistic = "Sum", threshold = 50, treat_missing_data = "notBreaching" }
    "alb-target-response-time" = { description = "Target response time above 5 s", namespace = "AWS/ApplicationELB", metric_name = "TargetResponseTime", dimensions = local.alb_dims, threshold = 5 }
    "alb-unhealthy-targets"    = { description = "Unhealthy inference targets", namespace = "AWS/ApplicationELB", metric_name = "UnHealthyHostCount", dimensions = local.tg_dims, statistic = "Maximum", threshold = 0 }
    "app-queue-depth"          = { description = "Inference queue backlog", namespace = "GpuInference", metric_name = "QueueDepth", dimensions = local.app_dims, statistic = "Maximum", threshold = 500 }
    "app-latency-p99"          = { description = "Inference p99 latency above 10 s", namespace = "GpuInference", metric_name = "InferenceLatencyP99", dimensions = local.app_dims, threshold = 10000 }
    "app-error-rate"           = { description = "Inference error rate above 2%", namespace = "GpuInference", metric_name = "ErrorRate", dimensions = local.app_dims, threshold = 2 }
    "app-gpu-utilization-high" = { description = "GPU utilisation above 90% (scale out)", namespace = "GpuInference", metric_name = "GPUUtilization", dimensions = local.app_dims, threshold = 90 }
    "app-gpu-memory-high"      = { description = "GPU memory above 90%", namespace = "GpuInference", metric_name = "GPUMemoryUtilization", dimensions = local.app_dims, threshold = 90 }
    "app-spot-interruptions"   = { description = "Spot interruption notices", namespace = "GpuInference", metric_name = "SpotInterruptions", dimensions = local.app_dims, statistic = "Sum", threshold = 1, comparison_operator = "GreaterThanOrEqualToThreshold" }
  }
}

module "alarms" {
  source = "../modules/alarms"

  name   = var.name
  alarms = local.alarms
  tags   = local.tags
}
