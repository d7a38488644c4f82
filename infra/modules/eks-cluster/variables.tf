variable "name" {
  description = "Cluster name; also the prefix of its IAM roles and log groups."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets for the control-plane ENIs (all AZs, public and private)."
  type        = list(string)
}

variable "log_retention_days" {
  description = "Retention of the cluster's CloudWatch log groups."
  type        = number
  default     = 30
}

variable "enable_container_insights" {
  description = "Install the amazon-cloudwatch-observability add-on (Container Insights)."
  type        = bool
  default     = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
