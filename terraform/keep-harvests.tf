# Harvested data cannot be deleted by any role this module creates, whatever else a role is
# allowed: an explicit Deny of deleting a harvest's objects or their versions, and of replacing the
# bucket's lifecycle rules (which could expire them). A Deny wins over every Allow, so a future
# grant, a bug or a leaked role cannot remove what was collected (terraform/README.md, "Harvested data").
data "aws_iam_policy_document" "keep_harvests" {
  statement {
    sid       = "NoRoleDeletesHarvests"
    effect    = "Deny"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${aws_s3_bucket.archive.arn}/collections/*/harvests/*"]
  }
  statement {
    sid       = "NoRoleChangesRetention"
    effect    = "Deny"
    actions   = ["s3:PutLifecycleConfiguration"]
    resources = [aws_s3_bucket.archive.arn]
  }
}

resource "aws_iam_role_policy" "keep_harvests" {
  for_each = {
    task         = aws_iam_role.task.id
    execution    = aws_iam_role.execution.id
    events       = aws_iam_role.events.id
    github_plan  = aws_iam_role.github_plan.id
    github_apply = aws_iam_role.github_apply.id
  }
  name   = "keep-harvests"
  role   = each.value
  policy = data.aws_iam_policy_document.keep_harvests.json
}
