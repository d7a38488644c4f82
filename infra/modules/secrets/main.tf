# Secrets Manager secrets, one per name ($0.40 per secret-month; API calls from the usage file).
# Only the database master password gets a version here, from the sensitive root variable; the
# other secrets are filled in by their owners outside Terraform. Secret versions are not billed.

resource "aws_secretsmanager_secret" "this" {
  for_each = toset(var.secret_names)

  name                    = "${var.name}/${each.value}"
  description             = "${each.value} for ${var.name}"
  recovery_window_in_days = 7

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "db_master_password" {
  secret_id     = aws_secretsmanager_secret.this[var.db_password_secret_name].id
  secret_string = var.db_password
}
