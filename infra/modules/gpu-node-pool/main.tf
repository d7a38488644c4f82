# The GPU worker pool, modelled as TWO managed node groups: one SPOT, one ON_DEMAND.
#
# The estimate runs the GPU pool "80% Spot, 20% On-Demand fallback". A single EKS node group has
# exactly one capacity_type, so one group cannot be priced as a mix; two groups can, and each is
# priced honestly at its own rate. The split is by node count:
#
#   on_demand = max(1, ceil(total * (100 - spot_percent) / 100))   -- at least one fallback node
#   spot      = total - on_demand
#
# rounding in favour of on-demand (the safe side for availability, the pessimistic side for cost).
# With the default 80%: 3 nodes -> 2 spot + 1 on-demand, 10 -> 8 + 2, 20 -> 16 + 4. Only
# spot_percent = 100 drops the one-node fallback floor (0 on-demand). The same rule splits the
# autoscaling minimum and maximum, and each group's min/max is widened if needed so the desired
# size always lies inside it (a scenario can push total above the phase's nominal maximum).

locals {
  # Multiply before dividing: n * (100 - p) is an exact integer, so ceil() never sees a binary
  # rounding error such as 15 * 0.2 = 3.0000000000000004 (which would round up to 4).
  od_percent = 100 - var.spot_percent
  od_floor   = var.spot_percent < 100 ? 1 : 0

  on_demand_desired = min(var.total_nodes, max(local.od_floor, ceil(var.total_nodes * local.od_percent / 100)))
  spot_desired      = var.total_nodes - local.on_demand_desired

  on_demand_min = min(var.min_nodes, max(local.od_floor, ceil(var.min_nodes * local.od_percent / 100)))
  spot_min      = var.min_nodes - local.on_demand_min

  on_demand_max = max(1, ceil(var.max_nodes * local.od_percent / 100))
  spot_max      = max(1, var.max_nodes - local.on_demand_max)

  groups = {
    spot = {
      capacity_type = "SPOT"
      desired       = local.spot_desired
      min           = min(local.spot_min, local.spot_desired)
      max           = max(local.spot_max, local.spot_desired, 1)
    }
    on_demand = {
      capacity_type = "ON_DEMAND"
      desired       = local.on_demand_desired
      min           = min(local.on_demand_min, local.on_demand_desired)
      max           = max(local.on_demand_max, local.on_demand_desired, 1)
    }
  }

  labels = {
    "workload"                  = "gpu-inference"
    "nvidia.com/gpu.present"    = "true"
    "node.kubernetes.io/family" = "g5"
  }
}

resource "aws_eks_node_group" "spot" {
  cluster_name    = var.cluster_name
  node_group_name = "${var.name}-spot"
  node_role_arn   = var.node_role_arn
  subnet_ids      = var.subnet_ids

  capacity_type  = local.groups.spot.capacity_type
  instance_types = var.instance_types
  ami_type       = var.ami_type
  disk_size      = var.disk_size

  scaling_config {
    desired_size = local.groups.spot.desired
    min_size     = local.groups.spot.min
    max_size     = local.groups.spot.max
  }

  update_config {
    max_unavailable = 1
  }

  labels = merge(local.labels, { "capacity" = "spot" })

  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  tags = var.tags
}

resource "aws_eks_node_group" "on_demand" {
  cluster_name    = var.cluster_name
  node_group_name = "${var.name}-on-demand"
  node_role_arn   = var.node_role_arn
  subnet_ids      = var.subnet_ids

  capacity_type  = local.groups.on_demand.capacity_type
  instance_types = var.instance_types
  ami_type       = var.ami_type
  disk_size      = var.disk_size

  scaling_config {
    desired_size = local.groups.on_demand.desired
    min_size     = local.groups.on_demand.min
    max_size     = local.groups.on_demand.max
  }

  update_config {
    max_unavailable = 1
  }

  labels = merge(local.labels, { "capacity" = "on-demand" })

  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  tags = var.tags
}
