variable "project_id" {
  type = string
}

variable "cluster_name" {
  type = string
}

variable "restore_job_id" {
  type = string
}
