variable "deployment" {
  description = "Name of this deployment; must equal `deployment` in twarc-cloud.yaml. Prefixes every resource name."
  type        = string
  validation {
    # The rule of twarc-cloud.yaml's `deployment`: 24 characters leave room for a collection id in every AWS name.
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.deployment))
    error_message = "Lower-case letters, digits and '-', starting with a letter, 2 to 24 characters."
  }
}

variable "region" {
  description = "AWS region of the deployment."
  type        = string
}

variable "bucket_name" {
  description = "Name of the archive bucket (globally unique)."
  type        = string
}

variable "github_repository" {
  description = "The collections repository, as owner/name; its workflows get the plan and apply roles."
  type        = string
}

variable "github_apply_environment" {
  description = "GitHub environment whose jobs may assume the apply role (in addition to the main branch)."
  type        = string
  default     = "production"
}

variable "github_user_changes_environment" {
  description = "GitHub environment of the weekly user-changes job (its TWARC_CLOUD_PR_TOKEN secret lives there); its jobs may assume the read-only plan role."
  type        = string
  default     = "user-changes"
}

variable "github_subject_includes_ref" {
  description = "The repository's OIDC subject includes the ref (its claim keys repo, context, ref; terraform/README.md, \"Apply only from main\"), so that the apply role trusts only jobs of its environment on main. false: GitHub's default subject, which names the environment alone."
  type        = bool
  default     = true
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; false when the account has one already."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC the harvester tasks run in."
  type        = string
  default     = "10.42.0.0/16"
}

variable "task_cpu" {
  description = "CPU units of a harvester task (256 = 0.25 vCPU)."
  type        = number
  default     = 256
}

variable "task_memory" {
  description = "Memory of a harvester task, MiB."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "ARM64 (Graviton, cheaper) or X86_64; the image is built for both."
  type        = string
  default     = "ARM64"
  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "ARM64 or X86_64."
  }
}

variable "image_tag" {
  description = "Tag of the harvester image in the repository this module creates. The repository is immutable: push each release under a new tag, set it here, apply."
  type        = string
  validation {
    condition     = var.image_tag != "latest" && can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "A Docker tag other than \"latest\" (the repository is immutable, so a tag names one image for good), e.g. the release version."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps harvester logs."
  type        = number
  default     = 365
}

variable "noncurrent_version_days" {
  description = "Overwritten versions of collection.json, state.json and the index are kept this long (the bucket is versioned for recovery)."
  type        = number
  default     = 90
}

variable "object_lock_days" {
  description = "Keep every object version for this many days under an S3 Object Lock in governance mode (0: no lock). For archives that must be immutable: no one without s3:BypassGovernanceRetention can delete or shorten a version within it, and the roles this module creates are never granted that."
  type        = number
  default     = 0
  validation {
    condition     = var.object_lock_days >= 0 && floor(var.object_lock_days) == var.object_lock_days
    error_message = "object_lock_days is a whole number of days, 0 for no lock."
  }
}

variable "incomplete_upload_days" {
  description = "Incomplete multipart uploads are aborted after this many days."
  type        = number
  default     = 3
}

variable "control_port" {
  description = "Port of the harvester's control API inside its task; not opened to the internet."
  type        = number
  default     = 8080
}

variable "alert_email" {
  description = "E-mail address told when a harvester task stops with an error; empty for none."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
