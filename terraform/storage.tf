resource "aws_s3_bucket" "archive" {
  bucket = var.bucket_name
  # Harvested data outlives any deployment: terraform destroy refuses this bucket (README, "Tearing down").
  lifecycle {
    prevent_destroy = true
  }
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

# Versions keep every overwritten collection.json, state.json and index for recovery, and every
# version of a harvest's files for ever: no lifecycle rule touches an object twarc-cloud did not tag.
resource "aws_s3_bucket_versioning" "archive" {
  bucket = aws_s3_bucket.archive.id
  versioning_configuration {
    status = "Enabled"
  }
}

# Optional immutability (terraform/README.md, "An archive that cannot change"): every new version is
# retained in governance mode for object_lock_days. S3 enables Object Lock on an existing versioned
# bucket with this configuration; once on, it cannot be turned off again.
resource "aws_s3_bucket_object_lock_configuration" "archive" {
  count  = var.object_lock_days > 0 ? 1 : 0
  bucket = aws_s3_bucket.archive.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.object_lock_days
    }
  }
  depends_on = [aws_s3_bucket_versioning.archive]
}

resource "aws_s3_bucket_lifecycle_configuration" "archive" {
  bucket = aws_s3_bucket.archive.id
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {
      prefix = ""
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = var.incomplete_upload_days
    }
  }
  # Records rewritten in place (configs, the index, state, last_harvest.json, post ids, counts, a
  # stream group's record) carry this tag, and their old versions go after noncurrent_version_days. A
  # harvest's files and records, changesets and compliance results carry none: their versions stay.
  rule {
    id     = "expire-replaced-versions"
    status = "Enabled"
    filter {
      tag {
        key   = "twarc-cloud:replaced"
        value = "true"
      }
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
  }
  # A released lock leaves a delete marker; once its old versions are gone it marks nothing. Only a
  # marker with no version left behind it is removed, so this never touches a deleted file's data.
  # (S3 refuses this action in a rule filtered by tag, so it has a rule of its own.)
  rule {
    id     = "remove-expired-delete-markers"
    status = "Enabled"
    filter {
      prefix = ""
    }
    expiration {
      expired_object_delete_marker = true
    }
  }
  # Locks are rewritten at every heartbeat (about 1,440 versions a day per running stream) and stop
  # requests are short-lived: twarc-cloud tags them, and their old versions go after a day.
  rule {
    id     = "expire-ephemeral-versions"
    status = "Enabled"
    filter {
      tag {
        key   = "twarc-cloud:ephemeral"
        value = "true"
      }
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid    = "DenyPlainHttp"
    effect = "Deny"
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
    format            = "twarc-cloud/deployment@1"
    deployment        = var.deployment
    cluster           = aws_ecs_cluster.harvests.arn
    subnets           = aws_subnet.tasks[*].id
    security_groups   = [aws_security_group.tasks.id]
    assign_public_ip  = true
    task_definition   = aws_ecs_task_definition.harvester.arn
    container_name    = local.container_name
    events_role_arn   = aws_iam_role.events.arn
    control_port      = var.control_port
    log_group         = aws_cloudwatch_log_group.harvests.name
    log_stream_prefix = "harvest"
    dead_letter_queue = aws_sqs_queue.failed_invocations.arn
  })
}
