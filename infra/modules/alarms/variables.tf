variable "name" {
  description = "Prefix of every alarm name."
  type        = string
}

variable "alarms" {
  description = "Alarm definitions by key."
  type = map(object({
    description         = string
    namespace           = string
    metric_name         = string
    dimensions          = optional(map(string), {})
    statistic           = optional(string, "Average")
    comparison_operator = optional(string, "GreaterThanThreshold")
    threshold           = number
    period              = optional(number, 300)
    evaluation_periods  = optional(number, 2)
    treat_missing_data  = optional(string, "missing")
  }))
}

variable "tags" {
  type    = map(string)
  default = {}
}
