"""A scan never passes by looking at nothing: excludes apply only below the paths given.

Reproduces the reports: a package inside ``site-packages``, a checkout under ``/build`` or a
``venv`` were scanned as "0 file(s) looked at" with exit 0.  Real files on disk, the real CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flexmigrate.cli import main

RETIRED = 'import requests\nrequests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'


def _write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RETIRED, "utf-8")
    return path


@pytest.mark.parametrize(
    "root",
    ["build/checkout", "venv/lib/python3.11/site-packages/pkg", ".venv/src/tool", "dist", "node_modules/x"],
)
def test_a_root_inside_an_excluded_name_is_looked_at(root: str, tmp_path: Path, monkeypatch, capsys) -> None:
    _write(tmp_path / root / "mod" / "backups.py")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--isolated", str(tmp_path / root)]) == 1
    out = capsys.readouterr().out
    assert "1 file(s) looked at, 1 parsed" in out


def test_excluded_folders_below_the_root_are_left_out_and_a_run_on_nothing_fails(
    tmp_path: Path, capsys
) -> None:
    _write(tmp_path / "proj" / "dist" / "backups.py")
    _write(tmp_path / "proj" / "build" / "lib" / "backups.py")
    assert main(["scan", "--isolated", str(tmp_path / "proj")]) == 2
    out = capsys.readouterr().out
    assert (
        "holds no file of a type flexmigrate reads (Python, Terraform, notebooks, scripts, docs, ...) outside the excluded folders (build, dist;"
        in out
    )
    assert "nothing was looked at" in out


def test_no_default_excludes_looks_inside_them(tmp_path: Path, monkeypatch, capsys) -> None:
    _write(tmp_path / "proj" / "dist" / "backups.py")
    assert main(["scan", "--isolated", "--no-default-excludes", str(tmp_path / "proj")]) == 1
    assert "1 file(s) looked at" in capsys.readouterr().out
    (tmp_path / "proj" / "pyproject.toml").write_text(
        "[tool.flexmigrate]\ndefault-excludes = false\n", "utf-8"
    )
    monkeypatch.chdir(tmp_path / "proj")
    assert main(["scan", "."]) == 1


def test_a_file_given_by_name_is_always_looked_at(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path / "proj" / "dist" / "backups.py")
    assert main(["scan", "--isolated", str(path)]) == 1


def test_a_folder_without_a_file_of_a_known_type_fails_loudly(tmp_path: Path, capsys) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("nothing\n", "utf-8")
    (tmp_path / "docs" / "logo.png").write_bytes(b"\x89PNG\r\n")
    assert main(["scan", "--isolated", str(tmp_path / "docs")]) == 2
    assert "holds no file of a type flexmigrate reads" in capsys.readouterr().out


def test_user_excludes_still_apply_below_the_root(tmp_path: Path, capsys) -> None:
    _write(tmp_path / "proj" / "gen" / "backups.py")
    _write(tmp_path / "proj" / "src" / "backups.py")
    assert main(["scan", "--isolated", "--exclude", "gen", str(tmp_path / "proj")]) == 1
    assert "1 file(s) looked at" in capsys.readouterr().out


def test_extend_exclude_is_ruffs_name_for_the_same_option(tmp_path: Path, capsys) -> None:
    _write(tmp_path / "proj" / "gen" / "backups.py")
    _write(tmp_path / "proj" / "vendor" / "backups.py")
    _write(tmp_path / "proj" / "src" / "backups.py")
    argv = ["scan", "--isolated", "--exclude", "gen", "--extend-exclude", "vendor", str(tmp_path / "proj")]
    assert main(argv) == 1
    assert "1 file(s) looked at" in capsys.readouterr().out
