# CloudFront in front of the ALB (custom origin), protected by a WAFv2 web ACL of scope CLOUDFRONT
# (which AWS only accepts in us-east-1, the region of this estate).
#
# Exactly 10 rules, as the estimate budgets ($1 per rule per month): 7 AWS managed rule groups
# (baseline groups only, which carry no subscription fee; Bot Control / ATP / ACFP would) and 3
# rate-based rules. Their capacity totals about 1,390 WCUs, inside the 1,500 WCUs a web ACL gets
# before AWS adds a per-request surcharge.
# Priced: web ACL per month, rules per month, requests (usage); CloudFront data transfer out and
# HTTPS requests (usage).

locals {
  managed_rule_groups = [
    "AWSManagedRulesCommonRuleSet",          # 700 WCU
    "AWSManagedRulesKnownBadInputsRuleSet",  # 200 WCU
    "AWSManagedRulesAmazonIpReputationList", #  25 WCU
    "AWSManagedRulesAnonymousIpList",        #  50 WCU
    "AWSManagedRulesSQLiRuleSet",            # 200 WCU
    "AWSManagedRulesAdminProtectionRuleSet", # 100 WCU
    "AWSManagedRulesUnixRuleSet",            # 100 WCU
  ]

  # Requests per 5 minutes per client IP; path_prefix null = all requests.
  rate_rules = [
    { name = "rate-limit-global", limit = 2000, path_prefix = null },
    { name = "rate-limit-inference", limit = 600, path_prefix = "/v1/" },
    { name = "rate-limit-auth", limit = 100, path_prefix = "/auth/" },
  ]

  # CloudFront managed policies (fixed, documented IDs).
  cache_policy_caching_disabled      = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  origin_request_policy_all_viewer   = "216adef6-5c7f-47e4-b989-5492eafa07d3"
  managed_rule_group_priority_offset = 0
  rate_rule_priority_offset          = length(local.managed_rule_groups)
}

resource "aws_wafv2_web_acl" "this" {
  name        = "${var.name}-edge"
  description = "Edge protection for the ${var.name} inference API"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = local.managed_rule_groups
    content {
      name     = rule.value
      priority = local.managed_rule_group_priority_offset + rule.key

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.value
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.value
        sampled_requests_enabled   = true
      }
    }
  }

  dynamic "rule" {
    for_each = local.rate_rules
    content {
      name     = rule.value.name
      priority = local.rate_rule_priority_offset + rule.key

      action {
        block {}
      }

      statement {
        rate_based_statement {
          limit              = rule.value.limit
          aggregate_key_type = "IP"

          dynamic "scope_down_statement" {
            for_each = rule.value.path_prefix == null ? [] : [rule.value.path_prefix]
            content {
              byte_match_statement {
                search_string         = scope_down_statement.value
                positional_constraint = "STARTS_WITH"

                field_to_match {
                  uri_path {}
                }

                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.value.name
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-edge"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_cloudfront_distribution" "this" {
  enabled         = true
  is_ipv6_enabled = true
  comment         = "${var.name} inference API"
  price_class     = var.price_class
  web_acl_id      = aws_wafv2_web_acl.this.arn

  origin {
    origin_id   = "alb"
    domain_name = var.origin_domain_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "alb"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true

    cache_policy_id          = local.cache_policy_caching_disabled
    origin_request_policy_id = local.origin_request_policy_all_viewer
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  tags = var.tags
}
