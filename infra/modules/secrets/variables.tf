variable "name" {
  description = "Path prefix of every secret name."
  type        = string
}

variable "secret_names" {
  description = "Secret names (under <name>/). The estimate budgets 20."
  type        = list(string)
  default = [
    "db/master-password",
    "db/app-user",
    "db/readonly-user",
    "redis/auth-token",
    "api/jwt-signing-key",
    "api/session-secret",
    "api/internal-service-token",
    "models/registry-token",
    "models/huggingface-token",
    "artifacts/uploader-credentials",
    "billing/stripe-api-key",
    "billing/stripe-webhook-secret",
    "mail/sendgrid-api-key",
    "observability/sentry-dsn",
    "observability/grafana-api-key",
    "observability/pagerduty-routing-key",
    "oauth/github-client-secret",
    "oauth/google-client-secret",
    "ci/github-app-private-key",
    "ci/github-webhook-secret",
  ]
}

variable "db_password_secret_name" {
  description = "Which of secret_names holds the database master password."
  type        = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
