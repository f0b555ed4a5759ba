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
    removed = FACTS["retired"]["removed"]
    assert (
        gone.status_code == 404 and gone.json()["errorCode"] == removed["errorCode"] == "RESOURCE_NOT_FOUND"
    )
    assert gone.headers["X-Error-Code"] == "RESOURCE_NOT_FOUND"
    assert flex.status_code == 200


def test_the_checker_calls_either_answer_retired_after_the_sunset(sandbox_factory, tmp_path, monkeypatch):
    from flexmigrate.cli import main
    from flexmigrate.report.check_json import read_report

    for status in (410, 404):
        sandbox = sandbox_factory(retired=True, retired_status=status, rate_limit_scale=0)
        cluster = sandbox.dataset.first_cluster()
        monkeypatch.setenv("MONGODB_ATLAS_PUBLIC_API_KEY", sandbox.credentials.public_key)
        monkeypatch.setenv("MONGODB_ATLAS_PRIVATE_API_KEY", sandbox.credentials.private_key)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
        report = tmp_path / f"r{status}.json"
        code = main(
            [
                "check",
                "--group-id",
                cluster.project_id,
                "--cluster",
                cluster.name,
                "--base-url",
                sandbox.base_url,
                "--restore-id",
                cluster.restore_job_ids[0],
                "--no-progress",
                "--rate-limit-scale",
                "0",
                "--format",
                "json",
                "--output",
                str(report),
            ]
        )
        verdicts = {r["verdict"] for r in read_report(report)["results"]}
        assert code == 0 and verdicts == {"old-retired"}, (status, verdicts)
