resource "aws_ecr_repository" "harvester" {
  name = "${var.deployment}-harvester"
  # A tag names one image for good: push each release under a new tag (README, "Updating the harvester").
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
  }
}

# Old images are expired, the newest 20 kept: schedules and groups run the release the last apply
# named, and a rollback goes back a few releases at most. Each release is one tag (immutable).
resource "aws_ecr_lifecycle_policy" "harvester" {
  repository = aws_ecr_repository.harvester.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the newest 20 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 20 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_ecs_cluster" "harvests" {
  name = var.deployment
  setting {
    name  = "containerInsights"
    value = "disabled"
  }
}

resource "aws_cloudwatch_log_group" "harvests" {
  name              = "/twarc-cloud/${var.deployment}"
  retention_in_days = var.log_retention_days
}

# The base task definition: scheduled harvests run it with `harvest <id>`; the reconciler derives
# one revision per filter collection from it. A new image_tag registers a new revision and keeps
# the old one (skip_destroy), so schedules keep running until the next apply moves them onto it.
resource "aws_ecs_task_definition" "harvester" {
  family                   = local.harvester_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  skip_destroy             = true
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
  container_definitions = jsonencode([{
    name        = local.container_name
    image       = "${aws_ecr_repository.harvester.repository_url}:${var.image_tag}"
    essential   = true
    stopTimeout = 120
    command     = ["--help"]
    environment = [
      { name = "TWARC_CLOUD_ARCHIVE", value = "s3://${aws_s3_bucket.archive.id}" },
      { name = "TWARC_CLOUD_SSM_PATH", value = "/${var.deployment}/credentials" },
    ]
    portMappings = [{ containerPort = var.control_port, protocol = "tcp" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.harvests.name
        "awslogs-region"        = var.region
        "awslogs-stream-prefix" = "harvest"
      }
    }
  }])
}
