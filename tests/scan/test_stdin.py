"""``-`` reads one file from standard input; ``--stdin-filename`` names it and chooses its type."""

from __future__ import annotations

import subprocess
import sys

CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots/{s}")\n'
TF = 'data "mongodbatlas_shared_tier_snapshot" "s" {\n  cluster_name = "c"\n}\n'


def _run(*args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flexmigrate", *args], input=stdin.encode(), capture_output=True, timeout=120
    )


def test_scan_reads_standard_input_under_the_name_given() -> None:
    done = _run(
        "scan", "--isolated", "--format", "concise", "--stdin-filename", "app/backups.py", "-", stdin=CALL
    )
    assert done.returncode == 1
    assert "app/backups.py:2:14: FM101 [safe]" in done.stdout.decode().splitlines()[1]


def test_the_name_chooses_the_file_type() -> None:
    done = _run("scan", "--isolated", "--format", "json", "--stdin-filename", "infra/main.tf", "-", stdin=TF)
    assert done.returncode == 1 and b'"language": "terraform"' in done.stdout


def test_fix_writes_the_fixed_file_to_stdout_and_the_report_to_stderr() -> None:
    done = _run("fix", "--isolated", "--format", "concise", "-", stdin=CALL)
    assert done.stdout.decode() == CALL.replace(
        'clusters/{c}/backup/tenant/snapshots/{s}")',
        'flexClusters/{c}/backup/snapshots/{s}", headers={"Accept": "application/vnd.atlas.2024-11-13+json"})',
    )
    assert b"fixed 2 in 1 file(s)" in done.stderr
    clean = _run("fix", "--isolated", "-", stdin="x = 1\n")
    assert clean.returncode == 0 and clean.stdout == b"x = 1\n"


def test_misuse_is_a_usage_error() -> None:
    assert _run("scan", "-", ".", stdin="").returncode == 2
    assert _run("scan", "--stdin-filename", "a.py", ".", stdin="").returncode == 2
