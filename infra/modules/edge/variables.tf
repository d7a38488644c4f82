variable "name" {
  type = string
}

variable "origin_domain_name" {
  description = "DNS name of the ALB the distribution fronts."
  type        = string
}

variable "price_class" {
  description = "PriceClass_100 = North America and Europe edges, the $0.085/GB tier the estimate uses."
  type        = string
  default     = "PriceClass_100"
}

variable "tags" {
  type    = map(string)
  default = {}
}
