# Least privilege, no wildcard actions. Resources are narrowed to this deployment's names; where an
# action takes no resource-level permission (AWS's service authorization reference), the resource
# is "*" and a condition narrows it instead.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# The harvester: the archive, the credential parameters, and its own service (a stream that has
# collected its max_records scales its service to zero, so that nothing idles and bills).
resource "aws_iam_role" "task" {
  name               = "${var.deployment}-harvester-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.archive.arn]
  }
  statement {
    # A harvest and a compliance run read what was harvested.
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.archive.arn}/*"]
  }
  statement {
    # What harvests, stream groups and compliance runs write (terraform/README.md, "What each role
    # writes"). PutObjectTagging: locks and the records rewritten in place carry the tags the
    # lifecycle rules expire old versions by.
    actions = ["s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"]
    resources = [for key in [
      "collections/*/harvests/*",
      "collections/*/compliance/*",
      "collections/*/state.json",
      "collections/*/lock.json",
      "collections/*/last_harvest.json",
      "collections/*/post_ids.gz",
      "stream-groups/*",
    ] : "${aws_s3_bucket.archive.arn}/${key}"]
  }
  statement {
    # A released lock, a stop request honoured, a compliance run's write probe: nothing harvested.
    actions = ["s3:DeleteObject"]
    resources = [for key in [
      "collections/*/lock.json",
      "collections/*/stop_request.json",
      "collections/*/compliance/*/.write-probe-*",
    ] : "${aws_s3_bucket.archive.arn}/${key}"]
  }
  statement {
    # The credentials are read by path (platform/credentials/resolve.ts); nothing calls GetParameter.
    actions   = ["ssm:GetParametersByPath"]
    resources = [local.ssm_prefix, "${local.ssm_prefix}/*"]
  }
  statement {
    # A stream group whose members are all complete scales its own service to zero. The service's
    # ARN names the cluster, so an ecs:cluster condition would add nothing.
    actions   = ["ecs:UpdateService"]
    resources = [local.stream_group_svcs]
  }
}

resource "aws_iam_role_policy" "task" {
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# ECS itself: pull the image, write logs.
resource "aws_iam_role" "execution" {
  name               = "${var.deployment}-harvester-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    # GetAuthorizationToken takes no resource-level permission.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  statement {
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    resources = [aws_ecr_repository.harvester.arn]
  }
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.harvests.arn}:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# EventBridge: run the harvester's task definition in this cluster, passing only its two roles to ECS tasks.
data "aws_iam_policy_document" "events_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "events" {
  name               = "${var.deployment}-events"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
}

data "aws_iam_policy_document" "events" {
  statement {
    actions   = ["ecs:RunTask"]
    resources = [local.harvester_tds]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.harvests.arn]
    }
  }
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.task.arn, aws_iam_role.execution.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "events" {
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}
