# GitHub Actions reach AWS through OIDC only: a read-only plan role for pull requests and the
# scheduled jobs on main, and an apply role for jobs of the protected environment alone (so that
# its required reviewers cannot be bypassed by a job on main without it).
resource "aws_iam_openid_connect_provider" "github" {
  count           = var.create_github_oidc_provider ? 1 : 0
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

locals {
  github_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : "arn:${local.partition}:iam::${local.account}:oidc-provider/token.actions.githubusercontent.com"
}

data "aws_iam_policy_document" "github_plan_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      # StringLike: with the ref in the subject, a pull request's names its merge ref.
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      # Pull requests, scheduled jobs on main, and the weekly user-changes job, which runs in an
      # environment of its own so that its pull-request token is no secret of every workflow.
      values = var.github_subject_includes_ref ? [
        "repo:${var.github_repository}:pull_request:ref:refs/pull/*/merge",
        "repo:${var.github_repository}:ref:refs/heads/main:ref:refs/heads/main",
        "repo:${var.github_repository}:environment:${var.github_user_changes_environment}:ref:refs/heads/main",
        ] : [
        "repo:${var.github_repository}:pull_request",
        "repo:${var.github_repository}:ref:refs/heads/main",
        "repo:${var.github_repository}:environment:${var.github_user_changes_environment}",
      ]
    }
  }
}

data "aws_iam_policy_document" "github_apply_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      # With the ref in the subject (terraform/README.md, "Apply only from main"), a job of the
      # environment on any other branch cannot assume the role, whatever the environment allows.
      values = [var.github_subject_includes_ref ? "repo:${var.github_repository}:environment:${var.github_apply_environment}:ref:refs/heads/main" : "repo:${var.github_repository}:environment:${var.github_apply_environment}"]
    }
  }
}

resource "aws_iam_role" "github_plan" {
  name               = "${var.deployment}-github-plan"
  assume_role_policy = data.aws_iam_policy_document.github_plan_assume.json
}

resource "aws_iam_role" "github_apply" {
  name               = "${var.deployment}-github-apply"
  assume_role_policy = data.aws_iam_policy_document.github_apply_assume.json
}

# What plan, plan --refresh, the drift check and users sync read.
data "aws_iam_policy_document" "plan" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.archive.arn]
  }
  statement {
    # The records plan, drift, the volume summary and users sync read (and apply, which reads with
    # this document too): never a tweet file, a users.jsonl or compliance results. A pull request's
    # own code runs with this role, so it must not be able to read the harvested data.
    actions = ["s3:GetObject"]
    resources = [for key in [
      "deployment.json",
      "collections.json",
      "locks/apply.json",
      "estimates/post-counts.json",
      "collections/*/collection.json",
      "collections/*/state.json",
      "collections/*/lock.json",
      "collections/*/last_harvest.json",
      "collections/*/stop_request.json",
      "collections/*/changesets/*",
      "collections/*/harvest.json",
      "collections/*/user_changes.json",
      "collections/*/compliance.json",
      "stream-groups/*/stream-group.json",
    ] : "${aws_s3_bucket.archive.arn}/${key}"]
  }
  statement {
    # ListRules, DescribeTaskDefinition and DescribeParameters take no resource-level permission.
    # DescribeParameters lists names only (plan checks the credentials profiles exist), never values.
    actions   = ["events:ListRules", "ecs:DescribeTaskDefinition", "ssm:DescribeParameters"]
    resources = ["*"]
  }
  statement {
    actions   = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"]
    resources = [local.collection_rules]
  }
  statement {
    # ListServices takes no resource-level permission; the cluster condition narrows it.
    actions   = ["ecs:ListServices"]
    resources = ["*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.harvests.arn]
    }
  }
  statement {
    actions   = ["ecs:DescribeServices"]
    resources = [local.collection_svcs]
  }
}

resource "aws_iam_role_policy" "github_plan" {
  role   = aws_iam_role.github_plan.id
  policy = data.aws_iam_policy_document.plan.json
}

resource "aws_iam_role_policy" "github_apply_read" {
  role   = aws_iam_role.github_apply.id
  policy = data.aws_iam_policy_document.plan.json
}

# What apply writes and changes, on top of what it reads.
data "aws_iam_policy_document" "apply" {
  statement {
    # The index, configs, changesets, the inputs configs name, stop requests, the apply lock and the post counts
    # (terraform/README.md, "What each role writes"). PutObjectTagging: the apply lock, stop
    # requests and the records it rewrites carry the tags that expire their old versions.
    actions = ["s3:PutObject", "s3:PutObjectTagging"]
    resources = [for key in [
      "collections.json",
      "locks/apply.json",
      "estimates/post-counts.json",
      "collections/*/collection.json",
      "collections/*/changesets/*",
      "collections/*/inputs/*",
      "collections/*/stop_request.json",
    ] : "${aws_s3_bucket.archive.arn}/${key}"]
  }
  statement {
    # Its own lock, released.
    actions   = ["s3:DeleteObject"]
    resources = ["${aws_s3_bucket.archive.arn}/locks/apply.json"]
  }
  statement {
    actions   = ["events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:DeleteRule", "events:TagResource"]
    resources = [local.collection_rules]
  }
  statement {
    # Stream groups' task definitions only: the reference authorizes RegisterTaskDefinition against
    # the revision it registers, so the apply role cannot register the harvester family or any other.
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = [local.stream_group_tds]
  }
  statement {
    # Tags given at creation (RegisterTaskDefinition, CreateService) need TagResource on what is created.
    actions   = ["ecs:TagResource"]
    resources = [local.stream_group_tds, local.stream_group_svcs]
  }
  statement {
    # The stream groups' services, the only ones apply makes. Their ARNs name the cluster, so an
    # ecs:cluster condition would add nothing.
    actions   = ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService"]
    resources = [local.stream_group_svcs]
  }
  statement {
    # A schedule's first harvest, and `twarc-cloud run --target aws`, start the harvester as a task.
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
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.events.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["events.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "github_apply" {
  role   = aws_iam_role.github_apply.id
  policy = data.aws_iam_policy_document.apply.json
}
