output "cluster_name" {
  value = module.eks.cluster_name
}

output "gpu_node_split" {
  description = "Planned desired/min/max of the spot and on-demand GPU node groups."
  value       = module.gpu.split
}

output "alb_dns_name" {
  value = module.alb.dns_name
}

output "cloudfront_domain_name" {
  value = module.edge.distribution_domain_name
}

output "waf_rule_count" {
  value = module.edge.rule_count
}

output "db_endpoint" {
  value = module.db.endpoint
}

output "alarm_count" {
  value = module.alarms.alarm_count
}

output "secret_count" {
  value = module.secrets.secret_count
}
