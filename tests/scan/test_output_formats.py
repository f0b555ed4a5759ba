"""The output formats of scan and fix: text (source line, caret, hint), concise, jsonl, gitlab, junit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flexmigrate.cli import main

SOURCE = (
    "import requests\n\n\ndef get(g, c, r):\n"
    '    return requests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restores/{r}")\n'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(SOURCE, "utf-8")
    (tmp_path / "run.sh").write_text(
        "atlas api sharedTierSnapshots listSharedClusterBackups --clusterName c\n", "utf-8"
    )
    (tmp_path / "bad.py").write_text('u = "/groups/g/clusters/c/backup/tenant/snapshots"\ndef (:\n', "utf-8")
    return tmp_path


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(["scan", "--isolated", *args])
    return code, capsys.readouterr().out


def test_text_shows_the_line_a_caret_and_a_hint(project: Path, capsys) -> None:
    code, out = _run(capsys, str(project / "app.py"))
    assert code == 1
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if ": FM101 [safe]" in line)
    assert lines[head + 1] == "  |"
    assert lines[head + 2] == "5 | " + SOURCE.splitlines()[4]
    caret = lines[head + 3]
    start = SOURCE.splitlines()[4].index('f"')
    assert caret.startswith("  | " + " " * start + "^") and set(caret[4 + start :]) == {"^"}
    assert "= help: `flexmigrate fix` applies this" in lines[head + 4]


def test_concise_is_one_line_per_finding(project: Path, capsys) -> None:
    code, out = _run(capsys, "--format", "concise", str(project))
    lines = out.splitlines()
    assert code == 2  # bad.py is not valid Python
    assert [line.split(": ")[1].split()[0] for line in lines[:-1]] == ["FM101", "FM000", "FM602"] or len(
        lines
    ) >= 4
    assert all(" | " not in line for line in lines)


def test_jsonl_streams_findings_errors_and_a_summary(project: Path, capsys) -> None:
    _, out = _run(capsys, "--format", "jsonl", str(project))
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["kind"] for r in records][-1] == "summary"
    assert {r["rule"] for r in records if r["kind"] == "finding"} >= {"FM101", "FM602"}
    assert [r["path"] for r in records if r["kind"] == "error"] == [str(project / "bad.py")]


def test_gitlab_code_quality(project: Path, capsys) -> None:
    _, out = _run(capsys, "--format", "gitlab", str(project))
    issues = json.loads(out)
    assert {i["check_name"] for i in issues} >= {"FM101", "FM602", "FM000"}
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    _, again = _run(capsys, "--format", "gitlab", str(project))
    assert [i["fingerprint"] for i in json.loads(again)] == [i["fingerprint"] for i in issues], "stable"


def test_junit(project: Path, capsys) -> None:
    _, out = _run(capsys, "--format", "junit", str(project))
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert int(root.get("failures")) == sum(1 for c in cases if c.find("failure") is not None) >= 2
    assert int(root.get("errors")) == 1 and any(c.find("error") is not None for c in cases)


def test_junit_of_a_clean_run_has_one_passing_case(tmp_path: Path, capsys) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n", "utf-8")
    code, out = _run(capsys, "--format", "junit", str(tmp_path))
    root = ET.fromstring(out)
    assert code == 0 and root.get("failures") == "0" and len(root.findall("./testsuite/testcase")) == 1
