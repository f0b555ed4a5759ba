"""Drift injection: chosen fields of chosen records differ between the families, in each way the
checker must detect."""

from __future__ import annotations

import pytest

from flexmigrate.sandbox import DriftRule
from tests.sandbox.helpers import call, digest_client, ids

pytestmark = pytest.mark.timeout(60)


def _both(sandbox, job_id, endpoint="get_restore_job"):
    cluster = next(c for c in sandbox.dataset.clusters() if job_id in c.restore_jobs or job_id in c.snapshots)
    with digest_client(sandbox) as client:
        return tuple(call(client, endpoint, fam, *ids(cluster, job_id)).json() for fam in ("old", "new"))


def _all_jobs(sandbox):
    return sandbox.dataset.restore_job_ids()


def test_status_differs_for_every_job(sandbox_factory):
    sandbox = sandbox_factory(drift=[{"field": "status", "kind": "value"}])
    assert set(sandbox.drifted) == set(_all_jobs(sandbox))
    for job_id in _all_jobs(sandbox)[:8]:
        old, new = _both(sandbox, job_id)
        assert old["status"] != new["status"]
        assert new["status"] in ("PENDING", "QUEUED", "RUNNING", "FAILED", "COMPLETED")


def test_fraction_chooses_some_jobs_and_leaves_the_rest_equal(sandbox_factory):
    sandbox = sandbox_factory(drift=[DriftRule(field="restoreScheduledDate", kind="value", fraction=0.5)])
    jobs = _all_jobs(sandbox)
    drifted = set(sandbox.drifted)
    assert len(drifted) == round(len(jobs) / 2)
    for job_id in jobs:
        old, new = _both(sandbox, job_id)
        assert (old["restoreScheduledDate"] != new["restoreScheduledDate"]) == (job_id in drifted)


def test_missing_field_in_one_family(sandbox_factory):
    sandbox = sandbox_factory(drift=[{"field": "snapshotId", "kind": "missing"}])
    old, new = _both(sandbox, _all_jobs(sandbox)[0])
    assert "snapshotId" in old and "snapshotId" not in new


def test_type_change(sandbox_factory):
    sandbox = sandbox_factory(
        drift=[{"field": "restoreScheduledDate", "kind": "type"}, {"field": "deliveryType", "kind": "type"}]
    )
    old, new = _both(sandbox, _all_jobs(sandbox)[0])
    assert isinstance(old["restoreScheduledDate"], str) and isinstance(new["restoreScheduledDate"], int)
    assert new["deliveryType"] == [old["deliveryType"]]


def test_volatile_field_changes_on_every_read(sandbox_factory):
    sandbox = sandbox_factory(drift=[{"field": "status", "kind": "volatile"}])
    job_id = _all_jobs(sandbox)[0]
    reads = [_both(sandbox, job_id) for _ in range(3)]
    assert len({new["status"] for _, new in reads}) == 3
    assert len({old["status"] for old, _ in reads}) == 1


def test_renamed_field_drifts_under_either_name_and_in_the_old_family(sandbox_factory):
    sandbox = sandbox_factory(drift=[{"field": "instanceName", "kind": "value", "family": "old"}])
    old, new = _both(sandbox, _all_jobs(sandbox)[0])
    assert old["clusterName"] == new["instanceName"] + "-drift"


def test_snapshot_drift_and_pinned_ids(sandbox_factory):
    base = sandbox_factory()
    snap_id = base.dataset.first_cluster().snapshot_ids[1]
    sandbox = sandbox_factory(
        drift=[{"field": "mongoDBVersion", "kind": "value", "record": "snapshot", "ids": [snap_id]}]
    )
    assert set(sandbox.drifted) == {snap_id}
    old, new = _both(sandbox, snap_id, "get_snapshot")
    assert old["mongoDBVersion"] + "-drift" == new["mongoDBVersion"]
    other = sandbox.dataset.first_cluster().snapshot_ids[0]
    old, new = _both(sandbox, other, "get_snapshot")
    assert old == {**new, "links": old["links"]}


def test_drift_shows_in_lists_too(sandbox_factory):
    sandbox = sandbox_factory(drift=[{"field": "status", "kind": "value"}])
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        old = call(client, "list_restore_jobs", "old", *ids(cluster)).json()["results"]
        new = call(client, "list_restore_jobs", "new", *ids(cluster)).json()["results"]
    assert all(o["status"] != n["status"] for o, n in zip(old, new))


def test_same_seed_same_drifted_records(sandbox_factory):
    rule = [{"field": "status", "kind": "value", "fraction": 0.3}]
    first = sandbox_factory(seed=5, drift=rule)
    again = sandbox_factory(seed=5, drift=rule)
    other = sandbox_factory(seed=6, drift=rule)
    assert set(first.drifted) == set(again.drifted)
    assert set(first.drifted) != set(other.drifted)


def test_invalid_rules_are_refused():
    with pytest.raises(ValueError):
        DriftRule(field="status", kind="shuffle")
    with pytest.raises(ValueError):
        DriftRule(field="status", family="both")


def test_volatile_date_moves_forward_on_every_read_deterministically(sandbox_factory):
    rule = [{"field": "restoreScheduledDate", "kind": "volatile"}]
    runs = []
    for _ in range(2):
        sandbox = sandbox_factory(drift=rule)
        job_id = _all_jobs(sandbox)[0]
        runs.append([_both(sandbox, job_id)[1]["restoreScheduledDate"] for _ in range(3)])
    assert runs[0] == runs[1]
    assert runs[0] == sorted(set(runs[0]))  # three distinct, increasing instants
