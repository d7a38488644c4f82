variable "bucket_name" {
  type = string
}

variable "glacier_transition_days" {
  description = "Days after which objects move to GLACIER; null for no lifecycle rule."
  type        = number
  default     = null
}

variable "tags" {
  type    = map(string)
  default = {}
}
