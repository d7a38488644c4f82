terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

# Mock credentials: this root is only ever planned offline (scripts/regen-plans.sh); the keys are
# fake on purpose and plancost must never print them.
provider "aws" {
  region                      = var.region
  access_key                  = "AKIAPLANCOSTFAKEKEY01"
  secret_key                  = "plancost/fixture/secret/key/never+print+000000"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
