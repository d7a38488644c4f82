# Optional ACM Private CA (general-purpose mode: $400 per CA-month, plus per-certificate fees from
# the usage file). The estimate lists it as optional and leaves it out of its totals, so roots
# create it only when `enabled` is true (count = 0 by default).

resource "aws_acmpca_certificate_authority" "this" {
  count = var.enabled ? 1 : 0

  type       = "ROOT"
  usage_mode = "GENERAL_PURPOSE"

  certificate_authority_configuration {
    key_algorithm     = "RSA_2048"
    signing_algorithm = "SHA256WITHRSA"

    subject {
      common_name  = var.common_name
      organization = var.organization
    }
  }

  permanent_deletion_time_in_days = 7

  tags = var.tags
}
