"""Faults, rate limits, interruption and secrets: the checker classifies every ID and leaks nothing."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flexmigrate.report.check_json import read_report

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]


def test_faults_every_id_still_gets_a_verdict(sandbox_factory, run_check, tmp_path):
    sb = sandbox_factory(
        rate_limit_scale=0,
        restore_jobs_per_cluster=30,
        faults={
            "error_rate": 0.15,
            "drop_rate": 0.1,
            "truncate_rate": 0.1,
            "malformed_rate": 0.1,
            "slow_body_rate": 0.05,
        },
    )
    cluster = sb.dataset.first_cluster()
    ids = tmp_path / "ids.txt"  # named IDs: the point is the per-ID verdicts, not surviving discovery
    ids.write_text("\n".join(cluster.restore_job_ids))
    args = ("--ids-file", str(ids), "--rate-limit-scale", "0", "--timeout", "5")
    patient = run_check(sb, *args, "--max-attempts", "8")
    assert set(patient.verdicts()) == set(cluster.restore_job_ids)
    assert patient.summary["settings"]["retries"] > 0
    assert patient.code in (0, 2)
    assert set(patient.verdicts().values()) <= {"match", "error"}
    impatient = run_check(sb, *args, "--max-attempts", "1")
    assert set(impatient.verdicts()) == set(cluster.restore_job_ids)
    errors = [r for r in impatient.results if r["verdict"] == "error"]
    assert errors and impatient.code == 2
    assert all(r["error"] for r in errors)


def test_every_request_failing_is_reported_as_errors_with_their_cause(sandbox_factory, run_check):
    sb = sandbox_factory(
        rate_limit_scale=0, faults={"error_rate": 1.0, "error_statuses": [500], "families": ["new"]}
    )
    cluster = sb.dataset.first_cluster()
    out = run_check(
        sb, "--restore-id", cluster.restore_job_ids[0], "--max-attempts", "2", "--rate-limit-scale", "0"
    )
    assert out.code == 2
    assert out.results[0]["verdict"] == "error"
    assert "HTTP 500" in out.results[0]["error"]


def test_retry_after_on_503_is_honoured(sandbox_factory, run_check):
    sb = sandbox_factory(
        rate_limit_scale=0, faults={"error_rate": 0.5, "error_statuses": [503], "retry_after_seconds": 0}
    )
    out = run_check(sb, "--rate-limit-scale", "0", "--max-attempts", "10")
    assert out.code == 0
    assert out.summary["settings"]["retries"] > 0


@pytest.mark.parametrize("client_limit", ["on", "off"])
def test_rate_limits_with_and_without_the_client_side_bucket(sandbox_factory, run_check, client_limit):
    # The sandbox's buckets at half the catalog's size; 52 IDs need 53 requests per family, just
    # over the bucket, so a few must wait for the refill: either in our own bucket, or after a 429.
    # The client's bucket starts at the catalog's figure and follows the server's RateLimit-* headers.
    sb = sandbox_factory(rate_limit_scale=0.5, restore_jobs_per_cluster=52)
    scale = "1" if client_limit == "on" else "0"
    out = run_check(sb, "--sample", "0", "--rate-limit-scale", scale, "--max-attempts", "10")
    assert out.code == 0, out.summary
    assert out.summary["counts"]["match"] == 52
    if client_limit == "on":
        assert out.summary["settings"]["retries"] == 0, "the client bucket should keep us under the server's"
    else:
        assert out.summary["settings"]["retries"] > 0, "without it the server must have said 429"


CANARY_KEY = "canary-private-7f3a9c1e5b"
CANARY_SECRET = "canary-secret-2d8e6f0a4c"


@pytest.mark.parametrize("method", ["digest", "service-account"])
def test_canary_secrets_appear_in_no_output_report_record_or_log(sandbox_factory, tmp_path, method):
    sb = sandbox_factory(
        rate_limit_scale=0,
        credentials={"private_key": CANARY_KEY, "client_secret": CANARY_SECRET},
        faults={"error_rate": 0.2, "drop_rate": 0.1, "malformed_rate": 0.1},
        token_ttl_seconds=1,
    )
    if method == "digest":
        env = _env(
            tmp_path / "xdg",
            MONGODB_ATLAS_PUBLIC_API_KEY=sb.credentials.public_key,
            MONGODB_ATLAS_PRIVATE_API_KEY=CANARY_KEY,
        )
    else:
        env = _env(
            tmp_path / "xdg",
            MONGODB_ATLAS_CLIENT_ID=sb.credentials.client_id,
            MONGODB_ATLAS_CLIENT_SECRET=CANARY_SECRET,
        )
    written = []
    for fmt in ("text", "json", "junit", "markdown"):
        report, record = tmp_path / f"r.{fmt}", tmp_path / f"rec-{fmt}.jsonl"
        argv = _argv(
            sb,
            "--snapshots",
            "--format",
            fmt,
            "--output",
            str(report),
            "--record",
            str(record),
            "--show-ids",
            "--max-attempts",
            "2",
            "-vv",
        )
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
        assert proc.returncode in (0, 1, 2) and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        written += [proc.stdout, proc.stderr, report.read_text(), record.read_text()]
    assert "flexmigrate check:" in "".join(written), "the verbose log should have been captured"
    forms = {CANARY_KEY, CANARY_SECRET}
    forms |= {base64.b64encode(f"{sb.credentials.client_id}:{CANARY_SECRET}".encode()).decode()}
    for text in written:
        for form in forms:
            assert form not in text


def _env(xdg: Path, **credentials: str) -> dict[str, str]:
    """The environment of a child run: ours, minus any Atlas credentials, plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONGODB_ATLAS_")}
    return {**env, "XDG_CONFIG_HOME": str(xdg), **credentials}


def _argv(sb, *extra: str) -> list[str]:
    cluster = sb.dataset.first_cluster()
    return [
        sys.executable,
        "-m",
        "flexmigrate",
        "check",
        "--group-id",
        cluster.project_id,
        "--cluster",
        cluster.name,
        "--base-url",
        sb.base_url,
        "--rate-limit-scale",
        "0",
        *extra,
    ]


def _start_slow_check(sb, tmp_path: Path, report: Path, fmt: str = "jsonl") -> subprocess.Popen:
    env = _env(
        tmp_path,
        MONGODB_ATLAS_PUBLIC_API_KEY=sb.credentials.public_key,
        MONGODB_ATLAS_PRIVATE_API_KEY=sb.credentials.private_key,
    )
    argv = _argv(sb, "--sample", "0", "--concurrency", "2", "--format", fmt, "--output", str(report))
    return subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_results(report: Path, at_least: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if report.exists() and report.read_text().count("\n") > at_least:
            return
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.05)
    raise AssertionError("no results were streamed")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_run_closes_its_jsonl_report_with_what_it_checked(sandbox_factory, tmp_path, how):
    sb = sandbox_factory(
        rate_limit_scale=0, restore_jobs_per_cluster=400, faults={"latency": "fixed", "latency_ms": 20}
    )
    report = tmp_path / "report.jsonl"
    proc = _start_slow_check(sb, tmp_path, report)
    _wait_for_results(report, 5, proc)
    proc.send_signal(how)
    proc.wait(timeout=30)
    assert proc.returncode == 2
    lines = [json.loads(line) for line in report.read_text().splitlines()]  # every line parses alone
    assert lines[0]["type"] == "header" and lines[-1]["type"] == "summary"
    assert lines[-1]["summary"]["interrupted"] is True
    results = [line for line in lines if line["type"] == "result"]
    assert 5 <= len(results) < 400 and lines[-1]["summary"]["total"] == len(results)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_json_run_still_writes_one_whole_document(sandbox_factory, tmp_path, how):
    sb = sandbox_factory(
        rate_limit_scale=0, restore_jobs_per_cluster=400, faults={"latency": "fixed", "latency_ms": 20}
    )
    report = tmp_path / "report.json"
    proc = _start_slow_check(sb, tmp_path, report, fmt="json")
    # The json report appears only when complete, so the run's progress is watched on the sandbox side.
    deadline = time.monotonic() + 60
    while len(sb.fault_history) < 20 and time.monotonic() < deadline:
        assert proc.poll() is None
        time.sleep(0.05)
    assert not report.exists(), "a json report appears only when it is whole"
    proc.send_signal(how)
    proc.wait(timeout=30)
    assert proc.returncode == 2
    data = json.loads(report.read_text())  # one complete document, by a standard parser
    assert data["summary"]["interrupted"] is True
    assert 1 <= len(data["results"]) < 400
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_a_killed_run_keeps_every_result_it_wrote(sandbox_factory, tmp_path):
    sb = sandbox_factory(
        rate_limit_scale=0, restore_jobs_per_cluster=400, faults={"latency": "fixed", "latency_ms": 20}
    )
    report = tmp_path / "report.jsonl"
    proc = _start_slow_check(sb, tmp_path, report)
    _wait_for_results(report, 5, proc)
    proc.kill()
    proc.wait(timeout=30)
    lines = [json.loads(line) for line in report.read_text().splitlines()]  # no line is cut
    data = read_report(report)
    ids = set(sb.dataset.first_cluster().restore_job_ids)
    assert len(lines) == len(data["results"]) + 1 and data["summary"] is None
    assert len(data["results"]) >= 5
    assert all(r["id"] in ids and r["verdict"] == "match" for r in data["results"])


def test_a_killed_json_run_leaves_no_half_document(sandbox_factory, tmp_path):
    sb = sandbox_factory(
        rate_limit_scale=0, restore_jobs_per_cluster=400, faults={"latency": "fixed", "latency_ms": 20}
    )
    report = tmp_path / "report.json"
    proc = _start_slow_check(sb, tmp_path, report, fmt="json")
    time.sleep(1.0)
    proc.kill()
    proc.wait(timeout=30)
    assert not report.exists()
