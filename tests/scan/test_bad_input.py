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
