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
- ``flexmigrate sandbox`` is started on a free port and must print what the page shows (the port
  aside); the page's ``curl`` requests are then sent to it, and it is stopped at the end;
- ``python -m libcst.tool codemod ...`` runs with the ``.libcst.codemod.yaml`` the page shows.

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
from typing import NamedTuple

import pytest

from flexmigrate.cli import main
from flexmigrate.commands.demo import copy_sample
from flexmigrate.sandbox import SandboxConfig, serve_in_background

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


class Shown(NamedTuple):
    words: list[str]  # the command line, split as the shell would
    output: list[str]  # the lines a console block shows after it


def shown(page: Path) -> list[Shown]:
    """The commands of a page's shell blocks, in order, as written, with the output a console shows."""
    found: list[Shown] = []
    for lang, body in re.findall(r"^ *```(\w*)\n(.*?)^ *```", page.read_text("utf-8"), re.S | re.M):
        if lang not in ("sh", "bash", "console"):
            continue
        for line in body.replace("\\\n", " ").splitlines():
            if lang == "console" and not line.startswith("$ "):
                if found:
                    found[-1].output.append(line)  # output shown after a prompt
                continue
            for part in line.removeprefix("$ ").strip().split("&&"):
                words = shlex.split(part, comments=True)
                if words and (
                    Path(words[0]).name in ("flexmigrate", "curl")
                    or words[:3] == ["python", "-m", "libcst.tool"]
                ):
                    found.append(Shown(words, []))
    return found


def commands(page: Path) -> list[list[str]]:
    """The ``flexmigrate`` command lines of a page, in order."""
    return [s.words for s in shown(page) if Path(s.words[0]).name == "flexmigrate"]


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


def _start_sandbox(args: list[str], cwd: Path, expected: list[str]) -> tuple[subprocess.Popen, str]:
    """Start ``flexmigrate sandbox`` on a free port; it must print what the page shows, port aside."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "flexmigrate", *args, "--port", "0"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    printed = [proc.stdout.readline().rstrip("\n") for _ in range(max(1, len(expected)))]  # type: ignore[union-attr]
    port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", printed[0])
    assert port, printed
    shown_port = re.search(r"127\.0\.0\.1:(\d+)", expected[0]).group(1) if expected else port.group(1)  # type: ignore[union-attr]
    assert [line.replace(shown_port, port.group(1)) for line in expected] == printed[: len(expected)]
    return proc, shown_port + ":" + port.group(1)


def _libcst_config(page: Path, cwd: Path) -> None:
    block = re.search(r"```yaml\n(# \.libcst\.codemod\.yaml\n.*?)```", page.read_text("utf-8"), re.S)
    assert block, "the page shows the .libcst.codemod.yaml it runs with"
    (cwd / ".libcst.codemod.yaml").write_text(block.group(1), "utf-8")


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
    sandbox: subprocess.Popen | None = None
    ports = ""
    try:
        for words, output in shown(page):
            where = f"{page.name}: {shlex.join(words)}"
            if words[0] == "curl":
                assert sandbox is not None, f"{where}: no sandbox started on the page before it"
                shown_port, port = ports.split(":")
                url = [w.replace(f":{shown_port}/", f":{port}/") for w in words]
                done = subprocess.run(url, capture_output=True, text=True, timeout=60)
                assert done.returncode == 0 and '"results"' in done.stdout, f"{where}\n{done.stdout[-500:]}"
                continue
            if words[0] == "python":
                _libcst_config(page, work)
                done = subprocess.run(
                    [sys.executable, *words[1:]], capture_output=True, text=True, timeout=300
                )
                assert done.returncode == 0, f"{where}\n{done.stderr[-2000:]}"
                continue
            args = [os.path.expandvars(w) for w in words[1:]]
            if args[:1] == ["sandbox"]:
                sandbox, ports = _start_sandbox(args, work, output)
                continue
            if args[:1] == ["check"]:
                args += ["--base-url", sb.base_url, "--no-progress"]
            code = main(args)
            out, err = capsys.readouterr()
            assert code in (0, 1), f"{where} exited {code}\n{err[-2000:]}"
            assert "Traceback" not in err
    finally:
        if sandbox is not None:
            sandbox.terminate()
            sandbox.wait(timeout=30)


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
