"""``retired``: the tenant family answers as after the 2026-01-22 sunset; Flex is unaffected."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import CATALOG, FACTS, call, digest_client, ids, request_body

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def retired():
    from flexmigrate.sandbox import SandboxConfig, serve_in_background

    with serve_in_background(SandboxConfig(retired=True)) as running:
        yield running


@pytest.mark.parametrize("endpoint", [ep.key for ep in CATALOG])
def test_tenant_endpoints_are_gone(retired, endpoint):
    cluster = retired.dataset.first_cluster()
    item = {"get_restore_job": cluster.restore_job_ids[0], "get_snapshot": cluster.snapshot_ids[0]}.get(
        endpoint
    )
    with digest_client(retired) as client:
        gone = call(client, endpoint, "old", *ids(cluster, item), json=request_body(endpoint, "old", cluster))
    assert gone.status_code == 410
    body = gone.json()
    assert body["error"] == 410 and body["errorCode"] == FACTS["retired"]["errorCode"]
    ep = CATALOG.endpoint(endpoint)
    assert ep.old.operation_id in body["detail"] and ep.new.operation_id in body["detail"]
    assert CATALOG.sunset in body["detail"]


def test_flex_still_answers(retired):
    cluster = retired.dataset.first_cluster()
    with digest_client(retired) as client:
        assert (
            call(client, "get_restore_job", "new", *ids(cluster, cluster.restore_job_ids[0])).status_code
            == 200
        )


def test_retired_still_requires_authentication(retired):
    import httpx

    from tests.sandbox.helpers import op, path

    operation = op("list_snapshots", "old")
    with httpx.Client(base_url=retired.base_url) as client:
        response = client.get(path(operation, *ids(retired.dataset.first_cluster())))
    assert response.status_code == 401


def test_a_removed_path_can_answer_404_instead(sandbox_factory):
    """What Atlas answers for a removed path is not published: ``retired_status=404`` serves a
    missing route's answer for the whole tenant family."""
    sandbox = sandbox_factory(retired=True, retired_status=404, rate_limit_scale=0)
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        gone = call(client, "list_snapshots", "old", *ids(cluster))
        flex = call(client, "list_snapshots", "new", *ids(cluster))
    removed = FACTS["errors"]["route_not_found"]
    assert (
        gone.status_code == 404 and gone.json()["errorCode"] == removed["errorCode"] == "RESOURCE_NOT_FOUND"
    )
    assert gone.headers["X-Error-Code"] == "RESOURCE_NOT_FOUND"
    assert flex.status_code == 200
