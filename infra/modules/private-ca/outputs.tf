output "arn" {
  value = var.enabled ? aws_acmpca_certificate_authority.this[0].arn : null
}
