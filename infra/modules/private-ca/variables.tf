variable "enabled" {
  type    = bool
  default = false
}

variable "common_name" {
  type = string
}

variable "organization" {
  type    = string
  default = "plancost reference cluster"
}

variable "tags" {
  type    = map(string)
  default = {}
}
