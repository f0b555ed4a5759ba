"""``flexmigrate check`` against the sandbox over loopback: parity, drift, retirement, record/baseline.

Every expectation comes from the sandbox's own account of what it did (``sb.dataset``, ``sb.drifted``),
never from numbers written into the test.
"""

from __future__ import annotations

import json

import pytest

from tests.check.conftest import oauth_env

pytestmark = pytest.mark.timeout(120)

FAST = {"rate_limit_scale": 0}


def test_parity_on_every_restore_job_and_snapshot(sandbox_factory, run_check):
    sb = sandbox_factory(**FAST)
    cluster = sb.dataset.first_cluster()
    out = run_check(sb, "--snapshots", "--sample", "0", "--rate-limit-scale", "0")
    assert out.code == 0, out.stderr
    expected = set(cluster.restore_job_ids) | set(cluster.snapshot_ids)
    assert set(out.verdicts()) == expected
    assert set(out.verdicts().values()) == {"match"}
    assert out.summary["parity"] is True
    assert out.summary["counts"]["match"] == len(expected)
    # the catalog's field map was applied: the renamed field was compared under its new name
    assert "instanceName" in out.summary["fields"] and "clusterName" not in out.summary["fields"]
    assert all(not d["only_in_old"] and not d["only_in_new"] for d in out.summary["lists"])
    restore = next(r for r in out.results if r["resource"] == "get_restore_job")
    assert restore["restore_id"] == restore["id"]


def test_several_clusters_and_explicit_ids(sandbox_factory, run_check):
    sb = sandbox_factory(**FAST)
    project = next(iter(sb.dataset.groups.values()))
    c1, c2 = list(project.clusters.values())[:2]
    out = run_check(
        sb,
        "--cluster",
        c1.name,
        "--cluster",
        c2.name,
        "--restore-id",
        f"{c1.name}/{c1.restore_job_ids[0]}",
        "--restore-id",
        f"{c2.name}/{c2.restore_job_ids[1]}",
        "--rate-limit-scale",
        "0",
        cluster=c1,
    )
    assert out.code == 0, out.stderr
    assert out.verdicts() == {c1.restore_job_ids[0]: "match", c2.restore_job_ids[1]: "match"}


def test_sample_is_reproducible_with_a_seed(sandbox_factory, run_check):
    sb = sandbox_factory(restore_jobs_per_cluster=20, **FAST)
    a = run_check(sb, "--sample", "5", "--seed", "11", "--rate-limit-scale", "0")
    b = run_check(sb, "--sample", "5", "--seed", "11", "--rate-limit-scale", "0")
    c = run_check(sb, "--sample", "5", "--seed", "12", "--rate-limit-scale", "0")
    assert len(a.verdicts()) == 5
    assert set(a.verdicts()) == set(b.verdicts()) != set(c.verdicts())
    assert a.summary["settings"]["seed"] == 11


@pytest.mark.parametrize(
    "field, kind, expected_field, expected_kind",
    [
        ("status", "value", "status", "different"),
        ("restoreScheduledDate", "missing", "restoreScheduledDate", "only-in-old"),
        ("restoreScheduledDate", "type", "restoreScheduledDate", "type-changed"),
        ("clusterName", "value", "instanceName", "different"),
    ],
)
def test_every_drift_kind_is_reported_on_exactly_the_drifted_ids(
    sandbox_factory, run_check, field, kind, expected_field, expected_kind
):
    sb = sandbox_factory(drift=[{"field": field, "kind": kind, "fraction": 0.5}], **FAST)
    cluster = sb.dataset.first_cluster()
    drifted = set(sb.drifted) & set(cluster.restore_job_ids)
    out = run_check(sb, "--sample", "0", "--rate-limit-scale", "0")
    assert out.code == 1
    mismatched = {i for i, v in out.verdicts().items() if v == "mismatch"}
    assert mismatched == drifted and drifted
    for r in out.results:
        if r["id"] in drifted:
            assert [(d["field"], d["kind"]) for d in r["differences"]] == [(expected_field, expected_kind)]
    stats = out.summary["fields"][expected_field]
    assert stats["mismatched"] == len(drifted)
    assert stats["rate"] == pytest.approx(len(drifted) / stats["compared"], abs=1e-6)


def test_volatile_fields_are_noise_with_a_second_fetch_and_mismatches_without(sandbox_factory, run_check):
    sb = sandbox_factory(drift=[{"field": "status", "kind": "volatile", "family": "old"}], **FAST)
    plain = run_check(sb, "--rate-limit-scale", "0")
    assert plain.code == 1 and set(plain.verdicts().values()) == {"mismatch"}
    noisy = run_check(sb, "--noise-fetch", "--rate-limit-scale", "0")
    assert noisy.code == 0, noisy.stdout
    assert all(r["volatile"] == ["status"] and not r["differences"] for r in noisy.results)
    assert noisy.summary["fields"]["status"]["volatile"] == len(noisy.results)


def test_ignore_rules_and_mismatch_threshold(sandbox_factory, run_check, tmp_path):
    ids = sandbox_factory(**FAST).dataset.first_cluster().restore_job_ids  # same seed, same data
    sb = sandbox_factory(drift=[{"field": "status", "kind": "value", "ids": ids[:1]}], **FAST)
    ignored = run_check(sb, "--ignore", "status", "--rate-limit-scale", "0")
    assert ignored.code == 0
    assert ignored.summary["fields"]["status"]["ignored"] >= 1
    tolerant = run_check(sb, "--max-mismatch-rate", "0.5", "--rate-limit-scale", "0")
    strict = run_check(sb, "--max-mismatch-rate", "0.0", "--rate-limit-scale", "0")
    assert tolerant.code == 0 and strict.code == 1
    # the same rule from pyproject.toml
    (tmp_path / "work" / "pyproject.toml").write_text('[tool.flexmigrate.check]\nignore = ["status"]\n')
    from_file = run_check(sb, "--rate-limit-scale", "0")
    assert from_file.code == 0


def test_retired_old_family_is_old_retired_and_the_new_answer_is_schema_checked(sandbox_factory, run_check):
    sb = sandbox_factory(retired=True, **FAST)
    out = run_check(sb, "--snapshots", "--rate-limit-scale", "0")
    assert out.code == 0, out.stderr
    assert set(out.verdicts().values()) == {"old-retired"}
    assert {r["old_status"] for r in out.results} == {410}
    assert all(not d["old_available"] for d in out.summary["lists"])
    broken = sandbox_factory(retired=True, drift=[{"field": "restoreScheduledDate", "kind": "type"}], **FAST)
    bad = run_check(broken, "--rate-limit-scale", "0")
    assert bad.code == 1
    kinds = {(d["field"], d["kind"]) for r in bad.results for d in r["differences"]}
    assert kinds == {("restoreScheduledDate", "schema")}


def test_record_then_baseline_after_the_sunset(sandbox_factory, run_check, tmp_path):
    record = tmp_path / "record.jsonl"
    before = sandbox_factory(**FAST)
    first = run_check(before, "--snapshots", "--record", str(record), "--rate-limit-scale", "0")
    assert first.code == 0
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines[0]["format"] == "flexmigrate-check-record"
    assert {e["family"] for e in lines[1:]} == {"old", "new"}
    after = sandbox_factory(retired=True, **FAST)  # same seed: same data, retired family now 410
    proof = run_check(after, "--snapshots", "--baseline", str(record), "--rate-limit-scale", "0")
    assert proof.code == 0, proof.stdout
    assert set(proof.verdicts().values()) == {"match"}
    assert {r["source"] for r in proof.results} == {"baseline"}
    assert set(proof.verdicts()) == set(first.verdicts())
    drifted = sandbox_factory(retired=True, drift=[{"field": "status", "kind": "value"}], **FAST)
    caught = run_check(drifted, "--baseline", str(record), "--rate-limit-scale", "0")
    assert caught.code == 1
    assert {d["field"] for r in caught.results for d in r["differences"]} == {"status"}


def test_service_account_auth(sandbox_factory, run_check):
    sb = sandbox_factory(**FAST)
    out = run_check(sb, "--snapshots", "--rate-limit-scale", "0", env=oauth_env(sb))
    assert out.code == 0, out.stderr
    assert out.summary["settings"]["tokens_issued"] == 1


def test_a_token_that_expires_mid_run_is_renewed(sandbox_factory, run_check):
    # 24 requests one at a time, each answered no sooner than 100 ms: the run outlives a 1 s token twice.
    sb = sandbox_factory(
        token_ttl_seconds=1,
        restore_jobs_per_cluster=12,
        faults={"latency": "fixed", "latency_ms": 100},
        **FAST,
    )
    out = run_check(sb, "--concurrency", "1", "--rate-limit-scale", "0", env=oauth_env(sb))
    assert out.code == 0, out.stdout
    assert out.summary["counts"]["match"] == 12
    assert out.summary["settings"]["tokens_issued"] >= 3


def test_wrong_credentials_make_every_id_an_error_not_a_crash(sandbox_factory, run_check):
    sb = sandbox_factory(**FAST)
    env = {
        "MONGODB_ATLAS_PUBLIC_API_KEY": sb.credentials.public_key,
        "MONGODB_ATLAS_PRIVATE_API_KEY": "wrong-key",
    }
    cluster = sb.dataset.first_cluster()
    out = run_check(sb, "--restore-id", cluster.restore_job_ids[0], "--rate-limit-scale", "0", env=env)
    assert out.code == 2
    assert out.results[0]["verdict"] == "error" and "401" in out.results[0]["error"]


def test_every_flex_cluster_of_the_project_is_discovered(sandbox_factory, run_check):
    sb = sandbox_factory(**FAST)
    cluster = sb.dataset.first_cluster()
    project = sb.dataset.groups[cluster.project_id]
    out = run_check(sb, "--no-cluster", "--sample", "0", "--rate-limit-scale", "0")
    assert out.code == 0, out.stderr
    assert out.summary["settings"]["clusters"] == sorted(project.cluster_names)
    expected = {i for c in project.clusters.values() for i in c.restore_job_ids}
    assert set(out.verdicts()) == expected


def test_discovery_failure_says_to_name_the_clusters(sandbox_factory, run_check):
    sb = sandbox_factory(**FAST)

    class Unknown:  # a well-formed project ID the sandbox does not have
        project_id = "f" * 24
        name = "unused"

    out = run_check(sb, "--no-cluster", "--rate-limit-scale", "0", cluster=Unknown)
    assert out.code == 2
    assert "listFlexClusters" in out.stderr and "--cluster" in out.stderr
    assert out.report is None, "a run that could not start leaves no report file"


def test_clusters_come_from_the_named_ids_or_the_baseline_when_not_given(
    sandbox_factory, run_check, tmp_path
):
    sb = sandbox_factory(**FAST)
    project = next(iter(sb.dataset.groups.values()))
    c1, c2 = list(project.clusters.values())[:2]
    named = run_check(
        sb,
        "--no-cluster",
        "--restore-id",
        f"{c1.name}/{c1.restore_job_ids[0]}",
        "--restore-id",
        f"{c2.name}/{c2.restore_job_ids[0]}",
        "--rate-limit-scale",
        "0",
    )
    assert named.code == 0 and named.summary["settings"]["clusters"] == sorted([c1.name, c2.name])
    record = tmp_path / "two-clusters.jsonl"
    run_check(
        sb, "--cluster", c1.name, "--cluster", c2.name, "--record", str(record), "--rate-limit-scale", "0"
    )
    after = sandbox_factory(retired=True, **FAST)
    proof = run_check(after, "--no-cluster", "--baseline", str(record), "--rate-limit-scale", "0")
    assert proof.code == 0, proof.summary
    assert {r["cluster"] for r in proof.results} == {c1.name, c2.name}


def test_credentials_from_an_atlas_cli_profile(sandbox_factory, run_check, tmp_path):
    sb = sandbox_factory(**FAST)
    config = tmp_path / "xdg" / "atlascli" / "config.toml"  # XDG_CONFIG_HOME of the clean_env fixture
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[default]\npublic_api_key = "nobody"\nprivate_api_key = "wrong"\n\n'
        f'[sandbox]\nclient_id = "{sb.credentials.client_id}"\nclient_secret = "{sb.credentials.client_secret}"\n'
    )
    out = run_check(sb, "--profile", "sandbox", "--rate-limit-scale", "0", env={})
    assert out.code == 0, out.stderr
    assert out.summary["settings"]["tokens_issued"] == 1
    default = run_check(sb, "--rate-limit-scale", "0", env={})  # no variables: the default profile, wrong key
    assert default.code == 2 and not default.results
    assert all("401" in p for p in default.summary["problems"]) and default.summary["problems"]


def test_ids_file_with_clusters_and_snapshots(sandbox_factory, run_check, tmp_path):
    sb = sandbox_factory(**FAST)
    project = next(iter(sb.dataset.groups.values()))
    c1, c2 = list(project.clusters.values())[:2]
    ids = tmp_path / "ids.txt"
    ids.write_text(
        f"# audit list\n{c1.name}/{c1.restore_job_ids[0]}\n{c2.name}/{c2.restore_job_ids[1]}\n"
        f"snapshots:{c2.name}/{c2.snapshot_ids[0]}\n"
    )
    out = run_check(sb, "--no-cluster", "--ids-file", str(ids), "--rate-limit-scale", "0")
    assert out.code == 0, out.stderr
    assert out.verdicts() == {
        c1.restore_job_ids[0]: "match",
        c2.restore_job_ids[1]: "match",
        c2.snapshot_ids[0]: "match",
    }
    assert out.report["settings"]["total"] == 3
    assert out.summary["settings"]["clusters"] == sorted([c1.name, c2.name])


def test_the_flex_list_is_read_page_by_page(sandbox_factory, run_check):
    # More jobs than one Flex page holds (itemsPerPage max 500): if only the first page were read,
    # the list comparison would report the rest as known to the retired family only.
    sb = sandbox_factory(projects=1, clusters_per_project=1, restore_jobs_per_cluster=520, **FAST)
    out = run_check(sb, "--sample", "3", "--seed", "1", "--rate-limit-scale", "0")
    assert out.code == 0, out.summary["lists"]
    (delta,) = out.summary["lists"]
    assert delta["old_available"] and not delta["only_in_old"] and not delta["only_in_new"]
    assert out.summary["settings"]["requests"] == 3 + 2 * 3  # old list, two Flex pages, 3 IDs x 2
