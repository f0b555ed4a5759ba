"""Backup and restore helpers for our M2/M5 clusters (written in 2024)."""

import requests
from requests.auth import HTTPDigestAuth

BASE = "https://cloud.mongodb.com/api/atlas/v2"
ACCEPT = {"Accept": "application/vnd.atlas.2023-01-01+json"}


def get_restore(auth: HTTPDigestAuth, group_id: str, cluster: str, restore_id: str) -> dict:
    url = f"{BASE}/groups/{group_id}/clusters/{cluster}/backup/tenant/restores/{restore_id}"
    resp = requests.get(url, auth=auth, headers={"Accept": "application/vnd.atlas.2023-01-01+json"})
    resp.raise_for_status()
    job = resp.json()
    print("restore", job["id"], "of", job["clusterName"], "is", job["status"])
    return job


def list_restores(auth, group_id, cluster):
    resp = requests.get(
        BASE + "/groups/" + group_id + "/clusters/" + cluster + "/backup/tenant/restores",
        auth=auth,
        headers={"Accept": "application/vnd.atlas.2023-01-01+json"},
    )
    data = resp.json()
    return [job["clusterName"] + ":" + job["id"] for job in data["results"]]


def start_restore(auth, group_id, cluster, snapshot_id, target):
    path = "/groups/{}/clusters/{}/backup/tenant/restore".format(group_id, cluster)
    headers = {
        "Accept": "application/vnd.atlas.2023-01-01+json",
        "Content-Type": "application/vnd.atlas.2023-01-01+json",
    }
    body = {"snapshotId": snapshot_id, "targetDeploymentItemName": target}
    return requests.post(BASE + path, json=body, auth=auth, headers=headers).json()


def download(auth, group_id, cluster, snapshot_id):
    resp = requests.post(
        "%s/groups/%s/clusters/%s/backup/tenant/download" % (BASE, group_id, cluster),
        json={"snapshotId": snapshot_id, "targetDeploymentItemName": cluster, "targetProjectId": group_id},
        auth=auth,
        headers={
            "Accept": "application/vnd.atlas.2023-01-01+json",
            "Content-Type": "application/vnd.atlas.2023-01-01+json",
        },
    )
    return resp.json()["snapshotUrl"]


def snapshots(auth, group_id, cluster):
    url = "/".join([BASE, "groups", group_id, "clusters", cluster, "backup", "tenant", "snapshots"])
    return requests.get(url, auth=auth, headers=ACCEPT).json()["results"]


def snapshot_via_v1(auth, group_id, cluster, snapshot_id):
    url = (
        "https://cloud.mongodb.com/api/atlas/v1.0/groups/%s/clusters/%s/backup/tenant/snapshots/%s"
        % (group_id, cluster, snapshot_id)
    )
    return requests.get(url, auth=auth).json()


def restores_for_tier(auth, group_id, cluster, small: bool):
    # Chosen at run time: flexmigrate reports this for a human instead of guessing.
    kind = "tenant/restores" if small else "restoreJobs"
    return requests.get(f"{BASE}/groups/{group_id}/clusters/{cluster}/backup/{kind}", auth=auth).json()


def dedicated_restores(auth, group_id, cluster):
    # A dedicated (M10+) cluster's Cloud Backup: not retired, must stay as it is.
    return requests.get(f"{BASE}/groups/{group_id}/clusters/{cluster}/backup/restoreJobs", auth=auth).json()
