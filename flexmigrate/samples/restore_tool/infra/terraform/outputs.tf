output "last_restore_url" {
  value = data.mongodbatlas_shared_tier_restore_job.last.snapshot_url
}

output "restore_job_ids" {
  value = [for job in data.mongodbatlas_shared_tier_restore_jobs.all.results : job.job_id]
}
