"""Nightly: list the M2 cluster's snapshots through the Atlas CLI and keep the newest ID."""

import json
import subprocess
import sys


def newest_snapshot(group_id: str, cluster: str) -> str:
    out = subprocess.run(
        ["atlas", "api", "sharedTierSnapshots", "getSharedClusterBackup", "--version", "2023-01-01",
         "--groupId", group_id, "--clusterName", cluster, "--snapshotId", "latest", "-o", "json"],
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)["id"]


if __name__ == "__main__":
    print(newest_snapshot(sys.argv[1], sys.argv[2]))
