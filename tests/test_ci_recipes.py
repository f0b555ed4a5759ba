"""The CI recipes of docs/ci.md, run as far as they run locally: every ``flexmigrate`` command of
every workflow and job, in a scratch copy of a sample project, with its outputs checked."""

from __future__ import annotations

import glob
import json
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "ci.md").read_text("utf-8")
BLOCKS = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC, re.S)]
CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'


def _commands(block) -> list[str]:
    """The shell commands of a workflow (``run:`` steps) or a GitLab job (``script:`` lines)."""
    found: list[str] = []
    if isinstance(block, dict):
        for key, value in block.items():
            if key in ("run", "script"):
                found.extend(value if isinstance(value, list) else [value])
            else:
                found.extend(_commands(value))
    elif isinstance(block, list):
        for item in block:
            found.extend(_commands(item))
    return [c for c in found if isinstance(c, str) and c.startswith("flexmigrate ")]


def _run(command: str, cwd: Path, matrix: dict[str, str]) -> subprocess.CompletedProcess:
    for key, value in matrix.items():
        command = command.replace("${{ matrix." + key + " }}", value)
    argv = []
    for word in shlex.split(command):
        argv.extend(sorted(glob.glob(word, root_dir=cwd)) or [word] if "*" in word else [word])
    return subprocess.run(
        [sys.executable, "-m", "flexmigrate", *argv[1:]], cwd=cwd, capture_output=True, text=True
    )


def _project(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "backups.py").write_text(CALL, "utf-8")
    (path / "restore.sh").write_text(
        "atlas api sharedTierSnapshots listSharedClusterBackups --clusterName c\n", "utf-8"
    )
    return path


def test_every_recipe_has_commands() -> None:
    assert len(BLOCKS) == 4 and all(_commands(b) or "repos" in b for b in BLOCKS)


def test_github_actions_code_scanning(tmp_path: Path, shared_dir: Path) -> None:
    import jsonschema

    project = _project(tmp_path / "repo")
    sarif, annotations = (_run(c, project, {}) for c in _commands(BLOCKS[0]))
    assert sarif.returncode == 0, sarif.stderr
    doc = json.loads((project / "flexmigrate.sarif").read_text("utf-8"))
    jsonschema.validate(doc, json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text()))
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]
    } == {
        "backups.py",
        "restore.sh",
    }
    assert annotations.returncode == 1 and annotations.stdout.startswith("::warning file=")


def test_gitlab_code_quality(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    report, concise = (_run(c, project, {}) for c in _commands(BLOCKS[1]))
    assert report.returncode == 0
    issues = json.loads(
        (project / BLOCKS[1]["flexmigrate"]["artifacts"]["reports"]["codequality"]).read_text()
    )
    assert {i["location"]["path"] for i in issues} == {"backups.py", "restore.sh"}
    assert concise.returncode == 1 and "FM101" in concise.stdout


def test_the_pre_commit_recipe_names_the_hooks_the_repository_offers() -> None:
    offered = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert {h["id"] for h in BLOCKS[2]["repos"][0]["hooks"]} <= offered


def test_the_organisation_audit_matrix_then_merge(tmp_path: Path) -> None:
    workflow = BLOCKS[3]
    scan_steps = _commands(workflow["jobs"]["scan"])
    merge_steps = _commands(workflow["jobs"]["audit"])
    reports = tmp_path / "reports"
    for index, repo in enumerate(workflow["jobs"]["scan"]["strategy"]["matrix"]["repo"]):
        job = tmp_path / f"job{index}"
        _project(job / "src")
        for command in scan_steps:
            assert _run(command, job, {"repo": repo}).returncode == 0
        (reports / f"report-{index}").mkdir(parents=True)
        (job / "report.json").rename(reports / f"report-{index}" / "report.json")
    junit, statistics = (_run(c, tmp_path, {}) for c in merge_steps)
    assert junit.returncode == 0, junit.stderr
    root = ET.parse(tmp_path / "audit.xml").getroot()
    assert int(root.get("failures")) == 2 * 3  # two repositories, three findings each
    names = {suite.get("name").split("/src/")[0] for suite in root}
    assert names == {"acme/api", "acme/infra"}
    assert statistics.returncode == 1 and "FM101" in statistics.stdout
