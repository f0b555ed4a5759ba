"""Bad input is named in one line and the run goes on: broken links, link loops, binary files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from flexmigrate.cli import main
from flexmigrate.scan.pipeline import scan

CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'


def _tree(root: Path) -> None:
    (root / "good.py").write_text(CALL, "utf-8")
    (root / "bin.py").write_bytes(b'u = "/groups/g/clusters/c/backup/tenant/snapshots"\n\x00\x01\x02')
    os.symlink("nowhere.py", root / "broken.py")
    os.symlink("loop2.py", root / "loop1.py")
    os.symlink("loop1.py", root / "loop2.py")


def test_each_problem_is_named_and_the_rest_is_scanned(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = scan([tmp_path])
    errors = {p.name: m for p, m in result.errors}
    assert errors == {
        "bin.py": "binary file (it holds NUL bytes): not analysed",
        "broken.py": "broken symbolic link (to nowhere.py, which does not exist)",
        "loop1.py": "symbolic link loop (the link leads back to itself)",
        "loop2.py": "symbolic link loop (the link leads back to itself)",
    }
    assert {Path(f.path).name for f in result.findings} == {"good.py"}


def test_named_on_the_command_line_and_in_every_report(tmp_path: Path, capsys) -> None:
    _tree(tmp_path)
    assert (
        main(
            [
                "scan",
                "--isolated",
                "--format",
                "concise",
                str(tmp_path / "loop1.py"),
                str(tmp_path / "broken.py"),
            ]
        )
        == 2
    )
    out = capsys.readouterr().out
    assert (
        "loop1.py: FM000 [error] symbolic link loop" in out
        and "broken.py: FM000 [error] broken symbolic link" in out
    )
    assert main(["scan", "--isolated", "--format", "sarif", str(tmp_path)]) == 2
    run = json.loads(capsys.readouterr().out)["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 4 and run["invocations"][0]["executionSuccessful"] is False
    assert main(["fix", "--isolated", str(tmp_path)]) == 2
    assert "flexClusters" in (tmp_path / "good.py").read_text("utf-8"), "the good file is still fixed"


def _as_someone_else(tmp_path: Path) -> tuple[list[str], Path]:
    """A prefix that runs a command as a user the permission bits apply to, and a folder that user
    can reach: nothing and ``tmp_path`` for a normal user; for root (who reads every folder)
    ``setpriv`` to nobody and a new folder in the system's temporary folder (pytest's own is
    private to root), when nobody can run this interpreter from where it is installed."""
    import shutil
    import subprocess
    import sys
    import tempfile

    import pytest

    if os.geteuid() != 0:
        return [], tmp_path
    setpriv = shutil.which("setpriv")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else []
    trial = subprocess.run([*prefix, sys.executable, "-c", "import flexmigrate"], capture_output=True)
    if not setpriv or trial.returncode != 0:
        pytest.skip("running as root, and no unprivileged user can run this interpreter (setpriv)")
    shared = Path(tempfile.mkdtemp(prefix="flexmigrate-modes-"))
    shared.chmod(0o755)
    return prefix, shared


def test_a_folder_or_file_that_cannot_be_read_is_named_and_the_rest_is_scanned(tmp_path: Path) -> None:
    """An unreadable folder below the path was passed over in silence, and one given by name (or a
    file in it) crashed the run with a traceback.  Each is named in one line (exit 2)."""
    import shutil
    import subprocess
    import sys

    prefix, base = _as_someone_else(tmp_path)
    tree = base / "tree"
    (tree / "locked").mkdir(parents=True)
    (tree / "good.py").write_text(CALL, "utf-8")
    (tree / "locked" / "inside.py").write_text(CALL, "utf-8")
    (tree / "locked").chmod(0)
    try:
        for target, named in (
            (tree, "locked: FM000 [error] cannot read the folder: Permission denied"),
            (tree / "locked", "locked: FM000 [error] cannot read the folder: Permission denied"),
            (tree / "locked" / "inside.py", "inside.py: FM000 [error] cannot read: Permission denied"),
        ):
            done = subprocess.run(
                [*prefix, sys.executable, "-m", "flexmigrate", "scan", "--isolated", str(target)],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=base,
            )
            assert done.returncode == 2 and "Traceback" not in done.stderr, done.stdout + done.stderr
            assert named in done.stdout, done.stdout
            if target == tree:
                assert "good.py:2:" in done.stdout, "the rest of the tree is still scanned"
    finally:
        (tree / "locked").chmod(0o755)
        if base != tmp_path:
            shutil.rmtree(base)
