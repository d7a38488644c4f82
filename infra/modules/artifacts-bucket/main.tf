# The artifacts bucket (model weights, inference outputs). Versioning is left off (no versioning
# resource), so there are no noncurrent versions to pay for. When `glacier_transition_days` is set,
# a lifecycle rule moves objects to S3 Glacier Flexible Retrieval (storage class GLACIER).
# Priced: storage per class, requests and egress, all from the usage file.

resource "aws_s3_bucket" "this" {
  bucket = var.bucket_name

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = var.glacier_transition_days == null ? 0 : 1

  bucket = aws_s3_bucket.this.id

  rule {
    id     = "archive-to-glacier"
    status = "Enabled"

    filter {}

    transition {
      days          = var.glacier_transition_days
      storage_class = "GLACIER"
    }
  }
}
