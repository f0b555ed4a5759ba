# Restore jobs of the M2 cluster that holds the reporting data
data "mongodbatlas_shared_tier_restore_job" "last" {
  project_id   = var.project_id
  cluster_name = var.cluster_name
  job_id       = var.restore_job_id
}

data "mongodbatlas_shared_tier_restore_jobs" "all" {
  project_id   = var.project_id
  cluster_name = var.cluster_name
}
