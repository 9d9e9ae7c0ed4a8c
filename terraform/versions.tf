terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

provider "aws" {
  region = var.region
  # Every resource carries the deployment's tags; the reconciler adds its own to what it creates.
  default_tags {
    tags = local.tags
  }
}

locals {
  tags = merge(var.tags, {
    "twarc-cloud:deployment" = var.deployment
    "managed-by"             = "terraform"
  })
  harvester_family = "${var.deployment}-harvester"
  container_name   = "harvester"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
