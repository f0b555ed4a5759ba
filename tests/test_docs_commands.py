"""Every ``flexmigrate`` command shown in the README and the docs runs, so the docs cannot rot.

Each page's shell blocks (``sh``, ``bash``, ``console``) are run in order, in a scratch folder
whose ``src/`` is a copy of the sample project, so a later command can read what an earlier one
wrote (``scan -o scan.json`` then ``report scan.json``). The workflow files of ``docs/ci.md`` are
run by ``tests/test_ci_recipes.py``.

What stands in for the reader's world, and nothing else:

- ``$GROUP_ID``, ``$CLUSTER``, ``$OTHER_CLUSTER`` and ``$RESTORE_ID`` are a project, two clusters
  and a restore job of the sandbox;
- ``check`` gets the sandbox's ``--base-url`` and its credentials in the environment, as the real
  Atlas's would be;
- ``flexmigrate sandbox`` must start and say where it listens; it is then stopped.

A command must exit 0 or 1 (findings are what a scan of the sample is for); 2 is a failure.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flexmigrate.cli import main
from flexmigrate.commands.demo import copy_sample
from flexmigrate.sandbox import SandboxConfig, serve_in_background

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def commands(page: Path) -> list[list[str]]:
    """The ``flexmigrate`` command lines of a page's shell blocks, in order, as written."""
    found = []
    for lang, body in re.findall(r"^ *```(\w*)\n(.*?)^ *```", page.read_text("utf-8"), re.S | re.M):
        if lang not in ("sh", "bash", "console"):
            continue
        for line in body.replace("\\\n", " ").splitlines():
            line = line.strip()
            if lang == "console":
                if not line.startswith("$ "):
                    continue  # output shown after a prompt
                line = line[2:]
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if words and Path(words[0]).name == "flexmigrate":
                    found.append(words)
    return found


def test_the_pages_show_commands() -> None:
    shown = {page.name: len(commands(page)) for page in PAGES}
    assert shown["README.md"] >= 6 and shown["getting-started.md"] >= 5 and shown["scan-and-fix.md"] >= 10


@pytest.fixture(scope="module")
def atlas():
    with serve_in_background(SandboxConfig(seed=11)) as sb:
        cluster = sb.dataset.first_cluster()
        project = sb.dataset.projects[cluster.project_id]
        other = next(c.name for c in project.clusters.values() if c.name != cluster.name)
        yield (
            sb,
            {
                "GROUP_ID": cluster.project_id,
                "CLUSTER": cluster.name,
                "OTHER_CLUSTER": other,
                "RESTORE_ID": next(iter(cluster.restore_jobs)),
                "MONGODB_ATLAS_PUBLIC_API_KEY": sb.credentials.public_key,
                "MONGODB_ATLAS_PRIVATE_API_KEY": sb.credentials.private_key,
            },
        )


def _sandbox_starts(args: list[str], cwd: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "flexmigrate", *args, "--port", "0"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert "listening on http://127.0.0.1:" in first, first
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_of_the_page_runs(page: Path, atlas, tmp_path: Path, monkeypatch, capsys) -> None:
    sb, env = atlas
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(copy_sample(tmp_path), work / "src")
    monkeypatch.chdir(work)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    for words in commands(page):
        args = [os.path.expandvars(w) for w in words[1:]]
        if args[:1] == ["sandbox"]:
            _sandbox_starts(args, work)
            continue
        if args[:1] == ["check"]:
            args += ["--base-url", sb.base_url, "--no-progress"]
        code = main(args)
        out, err = capsys.readouterr()
        assert code in (0, 1), f"{page.name}: {shlex.join(words)} exited {code}\n{err[-2000:]}"
        assert "Traceback" not in err


def test_readme_before_and_after_are_what_fix_does(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    before, after = re.findall(r"```python\n# (?:before|after `flexmigrate fix`)\n(.*?)```", text, re.S)
    target = tmp_path / "example.py"
    target.write_text(before, "utf-8")
    assert main(["fix", "--isolated", "--format", "concise", str(target)]) == 1  # it changed the file
    assert target.read_text("utf-8") == after
    shown = re.search(r"```text\n(.*?)```", text, re.S).group(1).replace("\n", " ")  # type: ignore[union-attr]
    sample = tmp_path / "sample"
    done = subprocess.run(
        [sys.executable, "-m", "flexmigrate", "scan", "--isolated", "--format", "concise", "atlas_backups.py"],
        cwd=copy_sample(sample), capture_output=True, text=True,
    )  # fmt: skip
    assert shown.strip() in done.stdout
