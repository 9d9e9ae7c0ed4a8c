# GitHub Actions reach AWS through OIDC only: a read-only plan role for pull requests and an apply
# role for the main branch (or the protected environment) of the collections repository.
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
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:pull_request", "repo:${var.github_repository}:ref:refs/heads/main"]
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
      values   = ["repo:${var.github_repository}:ref:refs/heads/main", "repo:${var.github_repository}:environment:${var.github_apply_environment}"]
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

data "aws_iam_policy_document" "plan" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.archive.arn]
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.archive.arn}/*"]
  }
  statement {
    actions   = ["events:ListRules"]
    resources = ["arn:${local.partition}:events:${var.region}:${local.account}:rule/*"]
  }
  statement {
    actions   = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"]
    resources = [local.rule_arns]
  }
  statement {
    actions   = ["ecs:ListServices", "ecs:DescribeServices"]
    resources = ["arn:${local.partition}:ecs:${var.region}:${local.account}:service/${var.deployment}/*", aws_ecs_cluster.harvests.arn]
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

data "aws_iam_policy_document" "apply" {
  statement {
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.archive.arn}/*"]
  }
  statement {
    actions   = ["events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:DeleteRule", "events:TagResource"]
    resources = [local.rule_arns]
  }
  statement {
    # These two take no resource-level permissions in IAM: the actions are narrow, the resource cannot be.
    actions   = ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }
  statement {
    actions   = ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource"]
    resources = ["arn:${local.partition}:ecs:${var.region}:${local.account}:service/${var.deployment}/*"]
  }
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.task.arn, aws_iam_role.execution.arn, aws_iam_role.events.arn]
  }
}

resource "aws_iam_role_policy" "github_apply" {
  role   = aws_iam_role.github_apply.id
  policy = data.aws_iam_policy_document.apply.json
}
