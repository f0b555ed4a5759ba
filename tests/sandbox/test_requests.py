"""POST create-restore-job and download: bodies validated against the request schemas, results visible
through both families."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import FACTS, FAMILIES, call, digest_client, error_code, ids, request_body

pytestmark = pytest.mark.timeout(60)
OTHER = {"old": "new", "new": "old"}


@pytest.fixture
def fresh(sandbox_factory):
    return sandbox_factory()


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(
    "endpoint,delivery", [("create_restore_job", "RESTORE"), ("download_snapshot", "DOWNLOAD")]
)
def test_created_job_is_visible_through_both_families(fresh, endpoint, delivery, family):
    cluster = fresh.dataset.first_cluster()
    before = len(cluster.restore_job_ids)
    with digest_client(fresh) as client:
        created = call(client, endpoint, family, *ids(cluster), json=request_body(endpoint, family, cluster))
        assert created.status_code == 200, created.text
        job = created.json()
        assert (
            job["deliveryType"] == delivery
            and job["snapshotId"] == request_body(endpoint, family, cluster)["snapshotId"]
        )
        assert (job["snapshotUrl"] is not None) if delivery == "DOWNLOAD" else "snapshotUrl" not in job
        for fam in FAMILIES:
            got = call(client, "get_restore_job", fam, *ids(cluster, job["id"]))
            assert got.status_code == 200 and got.json()["status"] == job["status"]
            listed = call(client, "list_restore_jobs", fam, *ids(cluster)).json()["results"]
            assert job["id"] in [r["id"] for r in listed]
    assert len(cluster.restore_job_ids) == before + 1


@pytest.mark.parametrize("family", FAMILIES)
def test_restore_to_another_project_cluster(fresh, family):
    projects = list(fresh.dataset.projects.values())
    source, target = projects[0], projects[1]
    cluster = next(iter(source.clusters.values()))
    body = {
        "snapshotId": cluster.snapshot_ids[0],
        "targetDeploymentItemName": target.cluster_names[0],
        "targetProjectId": target.id,
    }
    with digest_client(fresh) as client:
        job = call(client, "create_restore_job", family, *ids(cluster), json=body).json()
    assert job["targetProjectId"] == target.id and job["targetDeploymentItemName"] == target.cluster_names[0]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(
    "change,status,code",
    [
        ({"snapshotId": None}, 400, "MISSING_ATTRIBUTE"),
        ({"targetDeploymentItemName": None}, 400, "MISSING_ATTRIBUTE"),
        ({"snapshotId": "nothex"}, 400, "INVALID_ATTRIBUTE"),
        ({"snapshotId": "a" * 24 + "\n"}, 400, "INVALID_ATTRIBUTE"),
        ({"snapshotId": 42}, 400, "INVALID_ATTRIBUTE"),
        ({"targetDeploymentItemName": "bad/name"}, 400, "INVALID_ATTRIBUTE"),
        ({"targetProjectId": "123"}, 400, "INVALID_ATTRIBUTE"),
        ({"surprise": 1}, 400, "INVALID_ATTRIBUTE"),
        ({"snapshotId": "a" * 24}, 404, "TENANT_SNAPSHOT_NOT_FOUND"),
        ({"targetDeploymentItemName": "ghost"}, 404, "CLUSTER_NOT_FOUND"),
        ({"targetProjectId": "b" * 24}, 404, "GROUP_NOT_FOUND"),
    ],
)
def test_create_body_is_validated(fresh, family, change, status, code):
    cluster = fresh.dataset.first_cluster()
    body = {**request_body("create_restore_job", family, cluster), **change}
    body = {k: v for k, v in body.items() if v is not None}
    with digest_client(fresh) as client:
        response = call(client, "create_restore_job", family, *ids(cluster), json=body)
    assert response.status_code == status and error_code(response) == code


@pytest.mark.parametrize("family", FAMILIES)
def test_read_only_fields_are_ignored(fresh, family):
    cluster = fresh.dataset.first_cluster()
    body = {**request_body("create_restore_job", family, cluster), "status": "COMPLETED", "id": "c" * 24}
    with digest_client(fresh) as client:
        job = call(client, "create_restore_job", family, *ids(cluster), json=body).json()
    assert job["id"] != "c" * 24 and job["status"] == FACTS["recorded_data"]["created_status"] == "PENDING"


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
def test_malformed_json_is_refused(fresh, family, raw):
    with digest_client(fresh) as client:
        response = call(
            client,
            "create_restore_job",
            family,
            *ids(fresh.dataset.first_cluster()),
            content=raw,
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 400 and error_code(response) == "INVALID_JSON"


def test_flex_download_accepts_only_snapshot_id(fresh):
    cluster = fresh.dataset.first_cluster()
    with digest_client(fresh) as client:
        extra = call(
            client,
            "download_snapshot",
            "new",
            *ids(cluster),
            json={"snapshotId": cluster.snapshot_ids[0], "targetDeploymentItemName": cluster.name},
        )
        only = call(
            client, "download_snapshot", "new", *ids(cluster), json={"snapshotId": cluster.snapshot_ids[0]}
        )
        tenant_short = call(
            client, "download_snapshot", "old", *ids(cluster), json={"snapshotId": cluster.snapshot_ids[0]}
        )
    assert extra.status_code == 400 and error_code(extra) == "INVALID_ATTRIBUTE"
    assert extra.json()["parameters"] == ["targetDeploymentItemName"]
    assert only.status_code == 200
    # the tenant download takes the TenantRestore schema, whose required list includes the target name
    assert tenant_short.status_code == 400 and error_code(tenant_short) == "MISSING_ATTRIBUTE"
