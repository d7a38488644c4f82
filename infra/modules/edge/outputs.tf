output "distribution_id" {
  value = aws_cloudfront_distribution.this.id
}

output "distribution_domain_name" {
  value = aws_cloudfront_distribution.this.domain_name
}

output "web_acl_name" {
  value = aws_wafv2_web_acl.this.name
}

output "rule_count" {
  value = length(local.managed_rule_groups) + length(local.rate_rules)
}
