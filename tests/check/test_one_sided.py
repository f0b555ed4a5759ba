"""``flexmigrate check`` against a sandbox where some records exist in one family only (``absent`` drift).

The expectations come from the sandbox's own account (``sb.drifted``, ``sb.dataset``): the IDs it
removed from one family are the IDs the report must single out, and the rest must still match.
"""

from __future__ import annotations


import pytest

from tests.check.conftest import Outcome

pytestmark = pytest.mark.timeout(120)

FAST = {"rate_limit_scale": 0}
ALL = ("--sample", "0", "--rate-limit-scale", "0")


def _absent(sb, ids):
    """The IDs of ``ids`` that an ``absent`` rule removed from a family."""
    return {i for i, rules in sb.drifted.items() if any(r.kind == "absent" for r in rules)} & set(ids)


def _delta(out: Outcome, resource: str):
    (delta,) = [d for d in out.summary["lists"] if d["resource"] == resource]
    return delta


def test_restore_jobs_absent_in_flex_are_missing_in_new_and_listed_by_the_old_family_only(
    sandbox_factory, run_check
):
    sb = sandbox_factory(drift=[{"kind": "absent", "family": "new", "fraction": 0.4}], **FAST)
    cluster = sb.dataset.first_cluster()
    absent = _absent(sb, cluster.restore_job_ids)
    assert absent and absent != set(cluster.restore_job_ids)
    out = run_check(sb, *ALL)
    assert out.code == 1, out.stderr
    verdicts = out.verdicts()
    assert set(verdicts) == set(cluster.restore_job_ids)  # the union of both lists is sampled
    assert {i for i, v in verdicts.items() if v == "missing-in-new"} == absent
    assert {i for i, v in verdicts.items() if v == "match"} == set(cluster.restore_job_ids) - absent
    for r in out.results:
        if r["id"] in absent:
            assert (r["old_status"], r["new_status"]) == (200, 404)
    assert out.summary["counts"]["missing-in-new"] == len(absent)
    assert out.summary["parity"] is False
    delta = _delta(out, "list_restore_jobs")
    assert delta["cluster"] == cluster.name and delta["old_available"]
    assert delta["only_in_old"] == sorted(absent) and delta["only_in_new"] == []


def test_snapshots_absent_in_flex_too(sandbox_factory, run_check):
    cluster = sandbox_factory(**FAST).dataset.first_cluster()  # same seed, same data
    gone = cluster.snapshot_ids[1:3]
    sb = sandbox_factory(drift=[{"kind": "absent", "record": "snapshot", "ids": gone}], **FAST)
    out = run_check(sb, "--snapshots", *ALL)
    assert out.code == 1
    snapshots = {r["id"]: r["verdict"] for r in out.results if r["resource"] == "get_snapshot"}
    assert {i for i, v in snapshots.items() if v == "missing-in-new"} == set(gone)
    assert set(snapshots) == set(cluster.snapshot_ids)
    assert _delta(out, "list_snapshots")["only_in_old"] == sorted(gone)
    restores = _delta(out, "list_restore_jobs")
    assert not restores["only_in_old"] and not restores["only_in_new"]


def test_a_named_id_absent_in_flex_is_missing_in_new_and_the_threshold_can_tolerate_it(
    sandbox_factory, run_check
):
    cluster = sandbox_factory(**FAST).dataset.first_cluster()
    gone, kept = cluster.restore_job_ids[:2]
    sb = sandbox_factory(drift=[{"kind": "absent", "ids": [gone]}], **FAST)
    named = ("--restore-id", gone, "--restore-id", kept, "--rate-limit-scale", "0")
    strict = run_check(sb, *named)
    assert strict.code == 1
    assert strict.verdicts() == {gone: "missing-in-new", kept: "match"}
    assert strict.summary["lists"] == []  # named IDs: the lists are not read
    # one of two IDs missing is a share of 0.5: tolerated at 0.5, not below
    assert run_check(sb, *named, "--max-mismatch-rate", "0.5").code == 0
    assert run_check(sb, *named, "--max-mismatch-rate", "0.4").code == 1


def test_restore_jobs_absent_in_the_old_family_are_listed_by_flex_only(sandbox_factory, run_check):
    sb = sandbox_factory(drift=[{"kind": "absent", "family": "old", "fraction": 0.4}], **FAST)
    cluster = sb.dataset.first_cluster()
    absent = _absent(sb, cluster.restore_job_ids)
    assert absent and absent != set(cluster.restore_job_ids)
    out = run_check(sb, *ALL)
    delta = _delta(out, "list_restore_jobs")
    assert delta["old_available"] and delta["only_in_old"] == []
    assert delta["only_in_new"] == sorted(absent)
    verdicts = out.verdicts()
    assert set(verdicts) == set(cluster.restore_job_ids)
    assert {i for i, v in verdicts.items() if v == "match"} == set(cluster.restore_job_ids) - absent
    for r in out.results:
        if r["id"] in absent:
            assert (r["old_status"], r["new_status"]) == (404, 200)
    # docs/checker.md: the retired family still lists its jobs (200), so a 404 for one of them is not
    # its retirement (issue 9: "once the whole family answers so"): the ID is only in Flex, whose
    # answer is schema-checked instead.  An ID only Flex lists does not fail the run by itself.
    assert {verdicts[i] for i in absent} == {"only-in-new"}
    assert all(not r["differences"] for r in out.results if r["id"] in absent)
    assert out.code == 0, out.summary


def test_a_named_id_the_retired_family_does_not_list_is_only_in_new(sandbox_factory, run_check):
    """For named IDs the retired family's list is probed once per cluster (issue 9)."""
    cluster = sandbox_factory(**FAST).dataset.first_cluster()
    gone = cluster.restore_job_ids[0]
    sb = sandbox_factory(drift=[{"kind": "absent", "family": "old", "ids": [gone]}], **FAST)
    out = run_check(sb, "--restore-id", gone, "--rate-limit-scale", "0")
    assert out.code == 0, out.summary
    assert out.verdicts() == {gone: "only-in-new"}


def test_a_retired_family_is_not_asked_item_by_item(sandbox_factory, run_check):
    """Once the family's list answers 410, its items are not asked one by one: its rate-limit bucket
    (100 a minute, never announced by a 410) would pace the whole run (issue 9)."""
    sb = sandbox_factory(retired=True, **FAST)
    cluster = sb.dataset.first_cluster()
    out = run_check(sb, "--sample", "0", "--rate-limit-scale", "1")
    jobs = len(cluster.restore_job_ids)
    assert out.code == 0, out.summary
    assert set(out.verdicts().values()) == {"old-retired"} and len(out.results) == jobs
    settings = out.summary["settings"]
    assert settings["retired_item_requests_skipped"] == jobs
    assert settings["requests"] == jobs + 2, "the Flex items, and one list per family"


@pytest.mark.parametrize("status", [410, 404])
def test_the_checker_calls_either_retired_answer_retired_after_the_sunset(sandbox_factory, run_check, status):
    """``--retired-status 404`` answers as a route that no longer exists; after the sunset the whole
    family answering so is retirement, as 410 is (issue 9)."""
    sb = sandbox_factory(retired=True, retired_status=status, **FAST)
    cluster = sb.dataset.first_cluster()
    out = run_check(sb, "--restore-id", cluster.restore_job_ids[0], "--rate-limit-scale", "0")
    assert out.code == 0, out.summary
    assert set(out.verdicts().values()) == {"old-retired"}
