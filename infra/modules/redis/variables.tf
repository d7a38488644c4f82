variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "allowed_cidr_block" {
  type = string
}

variable "engine_version" {
  type    = string
  default = "7.1"
}

variable "node_type" {
  type = string
}

variable "cluster_mode" {
  description = "false: a single-node aws_elasticache_cluster; true: a cluster-mode replication group."
  type        = bool
  default     = false
}

variable "num_node_groups" {
  description = "Shards (cluster mode only)."
  type        = number
  default     = 1
}

variable "replicas_per_node_group" {
  description = "Replicas per shard (cluster mode only)."
  type        = number
  default     = 0
}

variable "tags" {
  type    = map(string)
  default = {}
}
