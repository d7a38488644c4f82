variable "name" {
  description = "Prefix of the two node group names (<name>-spot, <name>-on-demand)."
  type        = string
}

variable "cluster_name" {
  type = string
}

variable "node_role_arn" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "instance_types" {
  description = "GPU instance types. One type keeps the price unambiguous; the estimate prices g5.xlarge."
  type        = list(string)
  default     = ["g5.xlarge"]
}

variable "ami_type" {
  type    = string
  default = "AL2023_x86_64_NVIDIA"
}

variable "disk_size" {
  description = "Root EBS volume per node in GiB (volume type set by the EKS-managed launch template)."
  type        = number
  default     = 20
}

variable "total_nodes" {
  description = "Desired GPU nodes across both groups."
  type        = number

  validation {
    condition     = var.total_nodes >= 1 && floor(var.total_nodes) == var.total_nodes
    error_message = "total_nodes must be a whole number of at least 1."
  }
}

variable "min_nodes" {
  description = "Autoscaling minimum across both groups."
  type        = number
}

variable "max_nodes" {
  description = "Autoscaling maximum across both groups."
  type        = number
}

variable "spot_percent" {
  description = "Share of GPU nodes on Spot, 0-100."
  type        = number

  validation {
    condition     = var.spot_percent >= 0 && var.spot_percent <= 100
    error_message = "spot_percent must be between 0 and 100."
  }
}

variable "tags" {
  type    = map(string)
  default = {}
}
