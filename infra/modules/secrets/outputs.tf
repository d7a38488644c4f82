output "secret_count" {
  value = length(aws_secretsmanager_secret.this)
}
