variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr_block" {
  type = string
}

variable "subnet_ids" {
  description = "Public subnets, one per AZ."
  type        = list(string)
}

variable "tags" {
  type    = map(string)
  default = {}
}
