"""Pulumi program: exports the latest restore job and the snapshot list of the M2 cluster."""

import pulumi
import pulumi_mongodbatlas as mongodbatlas

config = pulumi.Config()
project_id = config.require("projectId")
cluster = config.require("clusterName")

last = mongodbatlas.get_shared_tier_restore_job(
    project_id=project_id, cluster_name=cluster, job_id=config.require("restoreJobId")
)
pulumi.export("lastRestoreStatus", last.status)
pulumi.export("lastRestoreUrl", last.snapshot_url)

snapshots = mongodbatlas.get_shared_tier_snapshots(project_id=project_id, cluster_name=cluster)
pulumi.export("snapshotCount", snapshots.total_count)
