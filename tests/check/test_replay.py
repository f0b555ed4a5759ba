"""The checker against the real Atlas's own answers, replayed (``flexmigrate sandbox --replay``, issue 9).

The recordings in ``../shared/recorded-atlas`` are Flex answers the real Atlas sent to MongoDB's
Atlas CLI tests; no tenant-family answer was ever recorded, so the retired family answers 404 here,
as a removed path does after the sunset.  Replayed byte for byte, the real bodies go through the
checker's schema validation, and the real list page (100 items, ``totalCount: 2160``, a ``next``
link) goes through its pagination.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from flexmigrate.sandbox.replay import ReplayApp, load_exchanges
from flexmigrate.sandbox.runner import replay_in_background

pytestmark = pytest.mark.shared
GROUP = "b0123456789abcdef012345b"
CLUSTER = "snapshotCluster0"
COMPLETED = "6a793f812c88faeba59bc399"


@pytest.fixture
def recordings(shared_dir: Path) -> Path:
    return shared_dir / "recorded-atlas"


@pytest.fixture
def replay(recordings: Path):
    exchanges, problems = load_exchanges(recordings)
    assert exchanges and problems == []
    with replay_in_background(ReplayApp(exchanges)) as running:
        yield running


class _Running:
    """What ``run_check`` needs of a server: its URL, credentials and a cluster to name."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.credentials = type("C", (), {"public_key": "replay", "private_key": "replay"})()

    class dataset:  # noqa: N801 - mimics RunningSandbox.dataset
        @staticmethod
        def first_cluster():
            return type("Cl", (), {"project_id": GROUP, "name": CLUSTER})()


def test_the_replay_serves_the_recorded_bytes(replay, recordings: Path) -> None:
    recorded = json.loads((recordings / "cli-flex-get-restore-job-200-completed.json").read_text("utf-8"))
    path = recorded["request"]["path_from_filename"]
    answer = httpx.get(replay.base_url + path)
    assert answer.status_code == 200
    assert answer.text == recorded["response"]["body_text"]
    assert answer.headers["Ratelimit-Limit"] == "1200"
    missing = httpx.get(replay.base_url + "/api/atlas/v2/groups/x/clusters/y/backup/tenant/restores")
    assert missing.status_code == 404 and missing.json()["errorCode"] == "RESOURCE_NOT_FOUND"


def test_real_flex_bodies_pass_the_checker(replay, run_check) -> None:
    """The recorded job, watched from RUNNING to COMPLETED, is valid against the Flex schema."""
    outcome = run_check(_Running(replay.base_url), "--restore-id", COMPLETED, "--rate-limit-scale", "0")
    assert outcome.code == 0, outcome.stderr
    [result] = outcome.results
    assert result["verdict"] == "old-retired" and result["differences"] == []


def test_a_real_list_page_is_read_and_its_incompleteness_named(replay, run_check) -> None:
    """The recorded pages count thousands while holding 100 each; the replay can only repeat them, and the checker
    says so instead of checking 100 IDs as if that were all."""
    outcome = run_check(_Running(replay.base_url), "--sample", "0", "--rate-limit-scale", "0")
    assert outcome.code == 2
    problems = " ".join(outcome.summary["problems"])
    assert "list incomplete" in problems and "already sent" in problems and "the server counts" in problems


def test_a_bad_file_is_named_and_left_out(tmp_path: Path, recordings: Path) -> None:
    good = recordings / "cli-flex-get-restore-job-200-running.json"
    (tmp_path / good.name).write_bytes(good.read_bytes())
    (tmp_path / "broken.json").write_text('{"request": {}}', "utf-8")
    exchanges, problems = load_exchanges(tmp_path)
    assert len(exchanges) == 1
    assert problems == [f"{tmp_path / 'broken.json'}: not a recorded exchange (missing 'response'); left out"]


def test_the_command_line_replay(recordings: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "flexmigrate", "sandbox", "--replay", str(recordings)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("Atlas replay listening on http://127.0.0.1:"), first + proc.stderr.read()
        url = first.split(" on ", 1)[1].split(":", 2)
        base = f"http:{url[1]}:{url[2].split(':', 1)[0]}"
        job = f"/api/atlas/v2/groups/{GROUP}/flexClusters/{CLUSTER}/backup/restoreJobs/{COMPLETED}"
        assert httpx.get(base + job).json()["id"] == COMPLETED
    finally:
        proc.terminate()
        proc.wait(timeout=10)
