# Told when a harvest goes wrong: the replacement for the original's Honeybadger. Three ways a
# harvest fails, three alerts: its task stops with a non-zero exit, its task never starts (an image
# that cannot be pulled, a role ECS cannot assume), or EventBridge cannot start it at all (the
# invocation fails and lands in the dead-letter queue that every schedule's target names).
resource "aws_sns_topic" "alerts" {
  name              = "${var.deployment}-harvest-alerts"
  kms_master_key_id = aws_kms_key.alerts.arn
}

# EventBridge and CloudWatch cannot publish to a topic encrypted with the AWS managed key
# alias/aws/sns (its key policy cannot be changed to let them use it), so every alert would be
# dropped. A customer managed key whose policy lets them encrypt for the topic and the queue:
# "Authorizing EventBridge to use a customer managed key" (EventBridge User Guide) and "Why isn't
# my Amazon SNS topic receiving EventBridge notifications?" (AWS re:Post).
resource "aws_kms_key" "alerts" {
  description             = "${var.deployment}: the harvest alerts topic and the failed-invocations queue"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alerts_key.json
}

resource "aws_kms_alias" "alerts" {
  name          = "alias/${var.deployment}-alerts"
  target_key_id = aws_kms_key.alerts.key_id
}

data "aws_iam_policy_document" "alerts_key" {
  statement {
    # AWS's default key policy statement: the account's IAM policies decide who manages the key.
    sid       = "AccountManagesTheKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }
  }
  statement {
    sid       = "EventBridgeAndCloudWatchPublishAlerts"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_sns_topic_subscription" "email" {
  count     = var.alert_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

resource "aws_cloudwatch_event_rule" "task_failed" {
  name        = "${var.deployment}-task-failed"
  description = "A twarc-cloud harvester task stopped with a non-zero exit"
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Task State Change"]
    detail = {
      clusterArn = [aws_ecs_cluster.harvests.arn]
      lastStatus = ["STOPPED"]
      containers = { exitCode = [{ "anything-but" = [0] }] }
    }
  })
}

resource "aws_cloudwatch_event_rule" "task_not_started" {
  name        = "${var.deployment}-task-not-started"
  description = "A twarc-cloud harvester task stopped before it started (image pull, role, network)"
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Task State Change"]
    detail = {
      clusterArn = [aws_ecs_cluster.harvests.arn]
      lastStatus = ["STOPPED"]
      stopCode   = ["TaskFailedToStart"]
    }
  })
}

resource "aws_cloudwatch_event_target" "task_failed" {
  rule = aws_cloudwatch_event_rule.task_failed.name
  arn  = aws_sns_topic.alerts.arn
}

resource "aws_cloudwatch_event_target" "task_not_started" {
  rule = aws_cloudwatch_event_rule.task_not_started.name
  arn  = aws_sns_topic.alerts.arn
}

data "aws_iam_policy_document" "alerts" {
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.task_failed.arn, aws_cloudwatch_event_rule.task_not_started.arn]
    }
  }
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_metric_alarm.failed_invocations.arn]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

# Scheduled harvests EventBridge could not start (RunTask refused, a role it cannot pass): the
# reconciler names this queue as every schedule target's dead-letter queue.
resource "aws_sqs_queue" "failed_invocations" {
  name                      = "${var.deployment}-failed-invocations"
  message_retention_seconds = 1209600
  kms_master_key_id         = aws_kms_key.alerts.arn
}

data "aws_iam_policy_document" "failed_invocations" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed_invocations.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.collection_rules]
    }
  }
}

resource "aws_sqs_queue_policy" "failed_invocations" {
  queue_url = aws_sqs_queue.failed_invocations.id
  policy    = data.aws_iam_policy_document.failed_invocations.json
}

resource "aws_cloudwatch_metric_alarm" "failed_invocations" {
  alarm_name          = "${var.deployment}-failed-invocations"
  alarm_description   = "EventBridge could not start a scheduled twarc-cloud harvest; the queue holds the invocation"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failed_invocations.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
