terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
  # State lives in S3 with S3-native locking (Terraform 1.10+); the bucket and key are given at init:
  #   terraform init -backend-config="bucket=<state bucket>" -backend-config="key=twarc-cloud/<deployment>.tfstate" \
  #     -backend-config="region=<region>" -backend-config="use_lockfile=true"
  # See README.md. Never the archive bucket: state holds more than the archive should.
  backend "s3" {}
}

provider "aws" {
  region = var.region
  # Every resource carries the deployment's tag; the reconciler adds the collection's to what it creates.
  default_tags {
    tags = local.tags
  }
}

locals {
  tags = merge(var.tags, {
    "twarc-cloud:deployment" = var.deployment
    "managed-by"             = "terraform"
  })
  # Collection resources are named <deployment>_<collection id> (targets/aws/naming/aws-names.ts).
  # The module's own names use "-" or "." after the deployment name, so a collection can never
  # derive one of them, and the IAM patterns for collections ("<deployment>_*") never cover them,
  # nor another deployment's resources (deployment names hold no "_").
  collection_prefix = "${var.deployment}_"
  harvester_family  = "${var.deployment}-harvester"
  container_name    = "harvester"
  account           = data.aws_caller_identity.current.account_id
  partition         = data.aws_partition.current.partition
  collection_rules  = "arn:${local.partition}:events:${var.region}:${local.account}:rule/${local.collection_prefix}*"
  collection_svcs   = "arn:${local.partition}:ecs:${var.region}:${local.account}:service/${var.deployment}/${local.collection_prefix}*"
  # A credentials profile's stream group runs as <deployment>_stream_<profile> (service and task
  # definition family; STREAM_GROUP_INFIX in aws-names.ts): the only services twarc-cloud changes.
  stream_group_svcs = "arn:${local.partition}:ecs:${var.region}:${local.account}:service/${var.deployment}/${local.collection_prefix}stream_*"
  stream_group_tds  = "arn:${local.partition}:ecs:${var.region}:${local.account}:task-definition/${local.collection_prefix}stream_*:*"
  harvester_tds     = "arn:${local.partition}:ecs:${var.region}:${local.account}:task-definition/${local.harvester_family}:*"
  ssm_prefix        = "arn:${local.partition}:ssm:${var.region}:${local.account}:parameter/${var.deployment}/credentials"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
