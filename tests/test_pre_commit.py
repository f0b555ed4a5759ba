"""The pre-commit hooks, with the real pre-commit: ``pre-commit try-repo`` on a scratch repository.

pre-commit builds the hook's environment with pip from this checkout (the package index must be
reachable, as for the tests' own installation); the test skips, saying why, when pre-commit is
not installed or the environment cannot be built.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from flexmigrate.languages import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots/{s}")\n'


def test_the_hooks_claim_exactly_the_file_types_flexmigrate_reads() -> None:
    pattern = re.compile(HOOKS[0]["files"])
    assert {h["id"] for h in HOOKS} == {"flexmigrate", "flexmigrate-fix"}
    assert all(h["files"] == HOOKS[0]["files"] for h in HOOKS)
    for language in LANGUAGES:
        for suffix in language.suffixes:
            assert pattern.search(f"dir/name{suffix}"), (language.name, suffix)
        for name in language.filenames:
            assert pattern.search(f"dir/{name}"), (language.name, name)
    for name in ("dir/.env", "dir/.env.production", "prod.env", "Makefile", "src/Dockerfile"):
        assert pattern.search(name), name
    for other in ("notes.txt", "logo.png", "setup.cfg", "dir/environment.txt", "a.pyc"):
        assert not pattern.search(other), other


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.timeout(600)
def test_the_hooks_run_under_pre_commit(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
        "pre-commit"
    )
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    if not (ROOT / ".git").exists():
        pytest.skip("this checkout is not a git repository; pre-commit try-repo needs one")
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    (repo / "backups.py").write_text(CALL, "utf-8")
    (repo / "notes.txt").write_text("backup/tenant in prose\n", "utf-8")
    _git(repo, "add", ".")
    env = {
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    check = subprocess.run(
        [pre_commit, "try-repo", str(ROOT), "flexmigrate", "--all-files", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=540,
    )
    if (
        "An unexpected error has occurred" in check.stdout + check.stderr
        and "pip" in check.stdout + check.stderr
    ):
        pytest.skip("pre-commit could not build the hook's environment (package index unreachable?)")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "FM101" in check.stdout and "notes.txt" not in check.stdout
    fixed = subprocess.run(
        [pre_commit, "try-repo", str(ROOT), "flexmigrate-fix", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=540,
    )
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # files were modified: the user looks
    assert "/flexClusters/{c}/backup/snapshots/{s}" in (repo / "backups.py").read_text("utf-8")
