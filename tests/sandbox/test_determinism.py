"""Same seed, same data (ids, names, timestamps, answers); another seed, other data."""

from __future__ import annotations

import json

import pytest

from flexmigrate.sandbox import SandboxConfig
from flexmigrate.sandbox.dataset import build_dataset
from tests.sandbox.helpers import CATALOG, call, digest_client, ids, request_body

pytestmark = pytest.mark.timeout(60)


def _snapshot_of(dataset):
    return [
        (p.id, name, c.restore_jobs, c.snapshots)
        for p in dataset.projects.values()
        for name, c in p.clusters.items()
    ]


def test_same_seed_same_dataset():
    assert _snapshot_of(build_dataset(SandboxConfig(seed=3))) == _snapshot_of(
        build_dataset(SandboxConfig(seed=3))
    )
    assert _snapshot_of(build_dataset(SandboxConfig(seed=3))) != _snapshot_of(
        build_dataset(SandboxConfig(seed=4))
    )


def test_size_knobs():
    dataset = build_dataset(
        SandboxConfig(projects=3, clusters_per_project=2, restore_jobs_per_cluster=4, snapshots_per_cluster=5)
    )
    assert len(dataset.projects) == 3
    assert all(len(p.clusters) == 2 for p in dataset.projects.values())
    assert all(len(c.restore_jobs) == 4 and len(c.snapshots) == 5 for c in dataset.clusters())
    ids_ = dataset.restore_job_ids() + dataset.snapshot_ids() + dataset.project_ids
    assert len(set(ids_)) == len(ids_)


def test_restore_jobs_reference_their_cluster_snapshots():
    for cluster in build_dataset(SandboxConfig()).clusters():
        for job in cluster.restore_jobs.values():
            assert job["snapshotId"] in cluster.snapshots
            assert job["clusterName"] == cluster.name and job["projectId"] == cluster.project_id


def test_same_seed_same_answers_including_created_jobs(sandbox_factory):
    def answers(seed):
        sandbox = sandbox_factory(seed=seed)
        cluster = sandbox.dataset.first_cluster()
        out = []
        with digest_client(sandbox) as client:
            for ep in CATALOG:
                for family in ("old", "new"):
                    item = {
                        "get_restore_job": cluster.restore_job_ids[0],
                        "get_snapshot": cluster.snapshot_ids[0],
                    }.get(ep.key)
                    response = call(
                        client,
                        ep.key,
                        family,
                        *ids(cluster, item),
                        json=request_body(ep.key, family, cluster),
                    )
                    out.append(
                        _stable(ep.new.method, response.content.replace(sandbox.base_url.encode(), b""))
                    )
        return out

    first, again, other = answers(21), answers(21), answers(22)
    assert first == again
    assert all(a != b for a, b in zip(first, other))


def _stable(method: str, content: bytes) -> bytes:
    """A created job is dated at creation, as the real Atlas's is (its id's time too, and so its
    download URL): everything else of it is seeded."""
    if method != "POST":
        return content
    job = json.loads(content)
    for key in (
        "id",
        "restoreScheduledDate",
        "expirationDate",
        "restoreFinishedDate",
        "links",
        "snapshotUrl",
    ):
        job.pop(key, None)
    return json.dumps(job, sort_keys=True).encode()


def test_a_very_large_cluster_keeps_spec_shaped_ids_and_dates():
    # Found by the checker's 100,000-ID benchmark: a day per job ran the clock past 2106 and the
    # ObjectId-like ids grew a 25th hex digit, breaking the spec's ^([a-f0-9]{24})$ pattern.
    dataset = build_dataset(
        SandboxConfig(
            projects=1, clusters_per_project=1, restore_jobs_per_cluster=40_000, snapshots_per_cluster=1
        )
    )
    pattern = CATALOG.pattern("restoreJobId")
    jobs = dataset.first_cluster().restore_jobs
    assert len(jobs) == 40_000
    assert all(pattern.fullmatch(i) for i in jobs)
    assert max(j["restoreScheduledDate"] for j in jobs.values()) < "2036"
