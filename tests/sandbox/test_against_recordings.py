"""The sandbox's Flex answers held against the real Atlas's (``../shared/recorded-atlas``, issue 9).

Same keys, JSON types and formats for the same kind of restore job, the same header names and values
(ids, hosts and dates aside), the same list shape and order.  No tenant-family answer was ever
recorded: that family follows the spec alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sandbox.helpers import call, digest_client, ids

pytestmark = pytest.mark.shared
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


@pytest.fixture(scope="module")
def sandbox():
    """Enough jobs that every status and delivery type occurs."""
    from flexmigrate.sandbox import SandboxConfig, serve_in_background

    with serve_in_background(SandboxConfig(restore_jobs_per_cluster=40, rate_limit_scale=0)) as running:
        yield running


def _recorded(shared_dir: Path, name: str) -> dict:
    return json.loads((shared_dir / "recorded-atlas" / name).read_text("utf-8"))["response"]


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, str):
        return "date" if DATE.match(value) else "id" if OBJECT_ID.match(value) else "string"
    return type(value).__name__


def _jobs(sandbox, **want):
    with digest_client(sandbox) as client:
        for cluster in sandbox.dataset.clusters():
            body = call(
                client, "list_restore_jobs", "new", *ids(cluster), params={"itemsPerPage": 500}
            ).json()
            for job in body["results"]:
                if all(job.get(k) == v for k, v in want.items()):
                    yield cluster, job


@pytest.mark.parametrize(
    "recording, status",
    [
        ("cli-flex-get-restore-job-200-completed.json", "COMPLETED"),
        ("cli-flex-get-restore-job-200-running.json", "RUNNING"),
        ("cli-hist-flex-get-restore-job-200-queued-2025-06.json", "QUEUED"),
    ],
)
def test_a_restore_job_has_the_recorded_keys_types_and_formats(shared_dir, sandbox, recording, status):
    recorded = _recorded(shared_dir, recording)
    cluster, listed = next(_jobs(sandbox, status=status, deliveryType="RESTORE"))
    with digest_client(sandbox) as client:
        answer = call(client, "get_restore_job", "new", *ids(cluster, listed["id"]))
    assert _shape(answer.json()) == _shape(recorded["body_json"])
    headers = dict(recorded["headers"])
    assert answer.headers["content-type"] == headers["Content-Type"]
    if "Ratelimit-Limit" in headers:
        assert answer.headers["ratelimit-limit"] == headers["Ratelimit-Limit"]


def test_restore_jobs_are_plausible_as_recorded(sandbox):
    seen = 0
    for _, job in _jobs(sandbox):
        assert job["snapshotFinishedDate"] <= job["restoreScheduledDate"]
        assert ("restoreFinishedDate" in job) == (job["status"] in ("COMPLETED", "FAILED"))
        if job["deliveryType"] == "RESTORE":
            scheduled, expires = job["restoreScheduledDate"], job["expirationDate"]
            assert int(expires[11:13]) == (int(scheduled[11:13]) + 6) % 24 and expires[13:] == scheduled[13:]
        seen += 1
    assert seen


@pytest.mark.parametrize(
    "recording",
    ["cli-flex-list-restore-jobs-200.json", "cli-hist-flex-list-restore-jobs-200-with-failed-2026-07.json"],
)
def test_a_list_has_the_recorded_shape_and_order(shared_dir, sandbox, recording):
    recorded = _recorded(shared_dir, recording)["body_json"]
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        body = call(client, "list_restore_jobs", "new", *ids(cluster)).json()
    assert sorted(body) == sorted(recorded) == ["links", "results", "totalCount"]
    [self_link] = [link for link in body["links"] if link["rel"] == "self"]
    [recorded_self] = [link for link in recorded["links"] if link["rel"] == "self"]
    assert sorted(parse_qs(urlsplit(self_link["href"]).query)) == sorted(
        parse_qs(urlsplit(recorded_self["href"]).query)
    )
    for listing in (body["results"], recorded["results"]):
        dates = [job["restoreScheduledDate"] for job in listing]
        assert dates == sorted(dates, reverse=True), "newest first"
    assert all("links" not in job for job in body["results"] + recorded["results"])


def test_a_created_job_is_pending_and_dated_now(sandbox_factory):
    from datetime import datetime, timezone

    from tests.sandbox.helpers import create_restore_job

    before = datetime.now(timezone.utc).replace(microsecond=0)
    job = create_restore_job(sandbox_factory(rate_limit_scale=0)).json()
    assert job["status"] == "PENDING" and "restoreFinishedDate" not in job
    scheduled = datetime.strptime(job["restoreScheduledDate"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc
    )
    assert scheduled >= before
    assert int(job["id"][:8], 16) == int(scheduled.timestamp()), "the id's time is the creation time"


def test_a_dedicated_cluster_is_refused_as_recorded(shared_dir, sandbox):
    recorded = _recorded(shared_dir, "cli-flex-get-restore-job-400-non-flex.json")
    project = sandbox.dataset.projects[sandbox.dataset.project_ids[0]]
    [dedicated] = project.dedicated
    assert dedicated not in project.clusters, "never listed among the Flex clusters"
    with digest_client(sandbox) as client:
        answer = client.get(
            f"{sandbox.base_url}/api/atlas/v2/groups/{project.id}/flexClusters/{dedicated}/backup/restoreJobs/{'a' * 24}",
            headers={"Accept": "application/vnd.atlas.2024-11-13+json", "Accept-Encoding": "identity"},
        )
    body, want = answer.json(), recorded["body_json"]
    assert answer.status_code == recorded["status"] == 400
    assert list(body) == list(want), "the same keys in the same order"
    assert body["errorCode"] == want["errorCode"] and body["reason"] == want["reason"]
    assert body["detail"] == want["detail"].replace(want["parameters"][0], dedicated)
    headers = {k.lower(): v for k, v in recorded["headers"]}
    assert answer.headers["content-type"] == headers["content-type"]
    assert answer.headers["x-error-code"] == headers["x-error-code"]


@pytest.mark.parametrize(
    "recording",
    ["cli-flex-create-restore-job-200.json", "cli-flex-create-restore-job-200-download-test.json"],
)
def test_a_created_job_has_the_recorded_shape(shared_dir, sandbox_factory, recording):
    from tests.sandbox.helpers import create_restore_job

    recorded = _recorded(shared_dir, recording)
    answer = create_restore_job(sandbox_factory(rate_limit_scale=0))
    assert answer.status_code == recorded["status"] == 200
    assert _shape(answer.json()) == _shape(recorded["body_json"])
    assert answer.headers["content-type"] == dict(recorded["headers"])["Content-Type"]
