output "bucket" {
  description = "aws.bucket for twarc-cloud.yaml."
  value       = aws_s3_bucket.archive.id
}

output "region" {
  description = "aws.region for twarc-cloud.yaml, and the repository variable TWARC_CLOUD_AWS_REGION."
  value       = var.region
}

output "plan_role_arn" {
  description = "The repository variable TWARC_CLOUD_PLAN_ROLE_ARN."
  value       = aws_iam_role.github_plan.arn
}

output "apply_role_arn" {
  description = "The repository variable TWARC_CLOUD_APPLY_ROLE_ARN."
  value       = aws_iam_role.github_apply.arn
}

output "image_repository" {
  description = "Push the harvester image here (tag var.image_tag)."
  value       = aws_ecr_repository.harvester.repository_url
}

output "credentials_parameter_path" {
  description = "Put each credentials profile under <path>/<profile>/bearer_token as SecureString parameters."
  value       = "/${var.deployment}/credentials"
}

output "alerts_topic_arn" {
  description = "SNS topic told when a harvester task fails."
  value       = aws_sns_topic.alerts.arn
}

output "github_variables" {
  description = "The repository variables the workflows need, to paste into Settings > Secrets and variables > Actions > Variables."
  value = {
    TWARC_CLOUD_PLAN_ROLE_ARN  = aws_iam_role.github_plan.arn
    TWARC_CLOUD_APPLY_ROLE_ARN = aws_iam_role.github_apply.arn
    TWARC_CLOUD_AWS_REGION     = var.region
  }
}

output "log_group" {
  description = "CloudWatch log group of the harvester tasks: aws logs tail <group> --follow."
  value       = aws_cloudwatch_log_group.harvests.name
}

output "failed_invocations_queue" {
  description = "SQS queue of scheduled harvests EventBridge could not start (an alarm tells when it holds any)."
  value       = aws_sqs_queue.failed_invocations.url
}
