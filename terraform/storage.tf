resource "aws_s3_bucket" "archive" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_public_access_block" "archive" {
  bucket                  = aws_s3_bucket.archive.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "archive" {
  bucket = aws_s3_bucket.archive.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Versions keep every overwritten collection.json and state.json; harvested files are never overwritten.
resource "aws_s3_bucket_versioning" "archive" {
  bucket = aws_s3_bucket.archive.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "archive" {
  bucket = aws_s3_bucket.archive.id
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = var.incomplete_upload_days
    }
  }
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyPlainHttp"
    effect    = "Deny"
    # A Deny: the wildcard refuses every action over plain HTTP; it grants nothing.
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.archive.arn, "${aws_s3_bucket.archive.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "archive" {
  bucket = aws_s3_bucket.archive.id
  policy = data.aws_iam_policy_document.tls_only.json
}

# Everything the reconciler needs, where it looks for it: nobody copies outputs by hand.
resource "aws_s3_object" "deployment" {
  bucket       = aws_s3_bucket.archive.id
  key          = "deployment.json"
  content_type = "application/json"
  content = jsonencode({
    format           = "twarc-cloud/deployment@1"
    deployment       = var.deployment
    cluster          = aws_ecs_cluster.harvests.arn
    subnets          = aws_subnet.tasks[*].id
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = true
    task_definition  = aws_ecs_task_definition.harvester.arn
    container_name   = local.container_name
    events_role_arn  = aws_iam_role.events.arn
    control_port     = var.control_port
    log_group        = aws_cloudwatch_log_group.harvests.name
  })
}
