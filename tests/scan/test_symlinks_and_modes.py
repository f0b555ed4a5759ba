"""``fix`` keeps a symlink a symlink, writes through it only inside the paths being fixed, and keeps modes and owners."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flexmigrate.cli import main

BEFORE = (
    "import requests\n\n\n"
    "def get(g, c, r):\n"
    '    return requests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restores/{r}",\n'
    '                        headers={"Accept": "application/vnd.atlas.2023-01-01+json"})\n'
)
AFTER = (
    "import requests\n\n\n"
    "def get(g, c, r):\n"
    '    return requests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/flexClusters/{c}/backup/restoreJobs/{r}",\n'
    '                        headers={"Accept": "application/vnd.atlas.2024-11-13+json"})\n'
)


def test_a_link_inside_the_tree_is_written_through(tmp_path: Path, capsys) -> None:
    tree = tmp_path / "tree"
    (tree / "real").mkdir(parents=True)
    target = tree / "real" / "backups.py"
    target.write_text(BEFORE, "utf-8")
    link = tree / "alias.py"
    link.symlink_to(Path("real") / "backups.py")
    assert main(["fix", "--isolated", str(link)]) == 1
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "backups.py")
    assert target.read_text("utf-8") == AFTER


def test_a_link_out_of_the_tree_is_reported_and_left_alone(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text(BEFORE, "utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "own.py").write_text(BEFORE, "utf-8")
    link = tree / "alias.py"
    link.symlink_to(outside)
    assert main(["fix", "--isolated", str(tree)]) == 2
    out = capsys.readouterr().out
    assert (
        f"{link}: FM000 [error] symbolic link to {outside}, outside the paths being fixed; not written" in out
    )
    assert link.is_symlink() and outside.read_text("utf-8") == BEFORE
    assert (tree / "own.py").read_text("utf-8") == AFTER, "the rest of the run goes on"


def test_mode_bits_survive_a_fix(tmp_path: Path, capsys) -> None:
    path = tmp_path / "backups.py"
    path.write_text(BEFORE, "utf-8")
    path.chmod(0o751)
    assert main(["fix", "--isolated", str(path)]) == 1
    assert path.read_text("utf-8") == AFTER
    assert path.stat().st_mode & 0o7777 == 0o751


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_ownership_survives_a_fix(tmp_path: Path, capsys) -> None:
    path = tmp_path / "backups.py"
    path.write_text(BEFORE, "utf-8")
    os.chown(path, 4321, 4322)
    assert main(["fix", "--isolated", str(path)]) == 1
    assert path.read_text("utf-8") == AFTER
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)
