variable "name" {
  description = "Name prefix for the VPC and its parts."
  type        = string
}

variable "cluster_name" {
  description = "EKS cluster name, used in the subnet discovery tags."
  type        = string
}

variable "cidr_block" {
  description = "VPC CIDR block; public subnets take /20s 0.., private subnets /20s 8.."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "Availability zone names, hard-coded so planning needs no AWS call."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 8
    error_message = "Give between 2 and 8 availability zones (EKS needs at least 2)."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
