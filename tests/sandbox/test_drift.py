"""Drift injection: chosen fields of chosen records differ between the families, in each way the
checker must detect."""

from __future__ import annotations

import pytest

from flexmigrate.cli import build_parser
from flexmigrate.sandbox import DriftRule, load_config_file
from flexmigrate.commands.sandbox import config_from_args
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


# -- absent: a record one family does not have ----------------------------------------------------


def _not_found_body(code: str, kind: str, record_id: str, cluster_name: str) -> dict:
    return {
        "detail": f"No Flex {kind} with ID {record_id} exists for cluster {cluster_name}.",
        "error": 404,
        "errorCode": code,
        "parameters": [record_id, cluster_name],
        "reason": "Not Found",
    }


def _listed(client, endpoint, family, cluster, **params):
    response = call(client, endpoint, family, *ids(cluster), params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("family", ["new", "old"])
def test_absent_restore_jobs_are_404_and_unlisted_in_that_family_only(sandbox_factory, family):
    sandbox = sandbox_factory(drift=[{"kind": "absent", "family": family, "fraction": 0.4}])
    other = "old" if family == "new" else "new"
    absent = set(sandbox.drifted)
    assert absent and absent < set(_all_jobs(sandbox))
    assert {rule.kind for rules in sandbox.drifted.values() for rule in rules} == {"absent"}
    with digest_client(sandbox) as client:
        for cluster in sandbox.dataset.clusters():
            for job_id in cluster.restore_job_ids:
                here = call(client, "get_restore_job", family, *ids(cluster, job_id))
                there = call(client, "get_restore_job", other, *ids(cluster, job_id))
                assert there.status_code == 200
                if job_id in absent:
                    assert here.status_code == 404
                    assert here.headers["content-type"].startswith("application/json")
                    assert here.json() == _not_found_body(
                        "TENANT_RESTORE_NOT_FOUND", "restore", job_id, cluster.name
                    )
                else:
                    assert here.status_code == 200 and here.json()["id"] == job_id
            listed_here = [r["id"] for r in _listed(client, "list_restore_jobs", family, cluster)["results"]]
            listed_there = [r["id"] for r in _listed(client, "list_restore_jobs", other, cluster)["results"]]
            assert listed_there == cluster.restore_job_ids
            assert listed_here == [i for i in cluster.restore_job_ids if i not in absent]


def test_absent_snapshots_in_the_old_family(sandbox_factory):
    base = sandbox_factory()
    cluster = base.dataset.first_cluster()
    gone = cluster.snapshot_ids[2]
    sandbox = sandbox_factory(
        drift=[{"kind": "absent", "family": "old", "record": "snapshot", "ids": [gone]}]
    )
    assert set(sandbox.drifted) == {gone}
    with digest_client(sandbox) as client:
        old = call(client, "get_snapshot", "old", *ids(cluster, gone))
        new = call(client, "get_snapshot", "new", *ids(cluster, gone))
        old_list = _listed(client, "list_snapshots", "old", cluster)
        new_list = _listed(client, "list_snapshots", "new", cluster)
    assert old.status_code == 404 and new.status_code == 200
    assert old.json() == _not_found_body("TENANT_SNAPSHOT_NOT_FOUND", "snapshot", gone, cluster.name)
    assert [s["id"] for s in old_list["results"]] == [i for i in cluster.snapshot_ids if i != gone]
    assert old_list["totalCount"] == len(cluster.snapshot_ids) - 1
    assert [s["id"] for s in new_list["results"]] == cluster.snapshot_ids


def test_absent_records_leave_flex_pages_consistent(sandbox_factory):
    sandbox = sandbox_factory(
        projects=1,
        clusters_per_project=1,
        restore_jobs_per_cluster=23,
        drift=[{"kind": "absent", "fraction": 0.3}],
        rate_limit_scale=0,
    )
    cluster = sandbox.dataset.first_cluster()
    expected = [i for i in cluster.restore_job_ids if i not in sandbox.drifted]
    assert len(expected) == 23 - round(0.3 * 23)
    seen, page, totals = [], 1, set()
    with digest_client(sandbox) as client:
        while True:
            body = _listed(client, "list_restore_jobs", "new", cluster, pageNum=page, itemsPerPage=5)
            totals.add(body["totalCount"])
            seen += [r["id"] for r in body["results"]]
            if not any(link["rel"] == "next" for link in body["links"]):
                break
            page += 1
    assert seen == expected
    assert totals == {len(expected)}
    assert page == -(-len(expected) // 5)  # exactly as many pages as the listed records need


def test_absent_snapshot_cannot_be_restored_from_in_that_family(sandbox_factory):
    base = sandbox_factory()
    cluster = base.dataset.first_cluster()
    gone = cluster.snapshot_ids[0]
    sandbox = sandbox_factory(drift=[{"kind": "absent", "record": "snapshot", "ids": [gone]}])
    body = {"snapshotId": gone, "targetDeploymentItemName": cluster.name}
    with digest_client(sandbox) as client:
        new = call(client, "create_restore_job", "new", *ids(cluster), json=body)
        old = call(client, "create_restore_job", "old", *ids(cluster), json=body)
    assert new.status_code == 404 and new.json()["errorCode"] == "TENANT_SNAPSHOT_NOT_FOUND"
    assert old.status_code == 200


def test_absent_selection_is_seeded(sandbox_factory):
    rule = [{"kind": "absent", "fraction": 0.3}]
    first = sandbox_factory(seed=5, drift=rule)
    again = sandbox_factory(seed=5, drift=rule)
    other = sandbox_factory(seed=6, drift=rule)
    assert set(first.drifted) == set(again.drifted) != set(other.drifted)
    cluster = first.dataset.first_cluster()
    lists = []
    for sandbox in (first, again):
        with digest_client(sandbox) as client:
            lists.append([r["id"] for r in _listed(client, "list_restore_jobs", "new", cluster)["results"]])
    assert lists[0] == lists[1] == [i for i in cluster.restore_job_ids if i not in first.drifted]


def test_absent_combines_with_field_drift_on_the_other_records(sandbox_factory):
    sandbox = sandbox_factory(
        drift=[{"kind": "absent", "fraction": 0.5}, {"field": "status", "kind": "value", "family": "new"}]
    )
    absent = {i for i, rules in sandbox.drifted.items() if any(r.kind == "absent" for r in rules)}
    present = [i for i in _all_jobs(sandbox) if i not in absent]
    assert absent and present
    old, new = _both(sandbox, present[0])
    assert old["status"] != new["status"]


def test_absent_rules_are_validated():
    assert DriftRule(kind="absent").field == ""
    with pytest.raises(ValueError, match="takes no field"):
        DriftRule(field="status", kind="absent")
    with pytest.raises(ValueError, match="needs a field"):
        DriftRule(kind="value")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("absent", ("", "absent", "new", 1.0)),
        ("absent:old", ("", "absent", "old", 1.0)),
        ("absent:new:0.2", ("", "absent", "new", 0.2)),
        (":absent:old:0.5", ("", "absent", "old", 0.5)),
        ("status:value", ("status", "value", "new", 1.0)),
    ],
)
def test_absent_on_the_command_line(text, expected):
    config = config_from_args(build_parser().parse_args(["sandbox", "--drift", text]))
    (rule,) = config.drift
    assert (rule.field, rule.kind, rule.family, rule.fraction) == expected


@pytest.mark.parametrize(
    "text", ["status:absent", "absent:new:half", "absent:both", ":value", "absent:new:0.2:x"]
)
def test_bad_absent_flags_are_refused(text):
    with pytest.raises(ValueError):
        config_from_args(build_parser().parse_args(["sandbox", "--drift", text]))


def test_absent_in_a_scenario_file(tmp_path):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text('[[drift]]\nkind = "absent"\nfamily = "old"\nrecord = "snapshot"\nfraction = 0.1\n')
    (rule,) = load_config_file(scenario).drift
    assert (rule.field, rule.kind, rule.family, rule.record, rule.fraction) == (
        "",
        "absent",
        "old",
        "snapshot",
        0.1,
    )
    scenario.write_text('[[drift]]\nkind = "absent"\nfield = "status"\n')
    with pytest.raises(ValueError, match="takes no field"):
        load_config_file(scenario)
