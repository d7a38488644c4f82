variable "region" {
  description = "AWS region of the whole estate (the estimate prices us-east-1)."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "gpuinfer-p1"
}

variable "availability_zones" {
  description = "AZs, hard-coded so the plan needs no AWS call. Phase 1 uses two."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "vpc_cidr_block" {
  type    = string
  default = "10.10.0.0/16"
}

variable "kubernetes_version" {
  # 1.35: in standard support until 2027-03-27 (EKS release calendar). The estimate's 1.31 left
  # standard support on 2025-11-26, and its extended support ended on 2026-11-26; see README.
  description = "EKS version (estimate: standard support, $0.10/h)."
  type        = string
  default     = "1.35"
}

variable "gpu_nodes" {
  description = "Desired g5.xlarge nodes in total (estimate: 3 in month 1). Split into spot and on-demand by gpu_spot_percent."
  type        = number
  default     = 3
}

variable "gpu_min_nodes" {
  description = "GPU autoscaling minimum in total (estimate: 3)."
  type        = number
  default     = 3
}

variable "gpu_max_nodes" {
  description = "GPU autoscaling maximum in total (estimate: 10)."
  type        = number
  default     = 10
}

variable "gpu_spot_percent" {
  description = "Share of GPU nodes on Spot (estimate: 80)."
  type        = number
  default     = 80
}

variable "gpu_instance_type" {
  type    = string
  default = "g5.xlarge"
}

variable "api_nodes" {
  description = "API worker nodes (estimate: 2x t3.large)."
  type        = number
  default     = 2
}

variable "api_instance_type" {
  type    = string
  default = "t3.large"
}

variable "node_disk_size_gb" {
  description = "Root EBS volume of every node in GiB. The EKS default (20), set explicitly so its cost is visible: the estimate budgets no node EBS."
  type        = number
  default     = 20
}

variable "db_password" {
  description = "RDS master password. The default is a planted fixture secret: plancost must never print it."
  type        = string
  sensitive   = true
  default     = "plancost-planted-db-secret-0001"
}

variable "log_retention_days" {
  type    = number
  default = 30
}
