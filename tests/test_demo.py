"""The README's first command: ``flexmigrate demo`` on the built-in sample project and the sandbox."""

from __future__ import annotations

import ast
import json
import re
from importlib import resources
from pathlib import Path

import nbformat

from flexmigrate.cli import main

SAMPLE = resources.files("flexmigrate").joinpath("samples", "restore_tool")


def _packaged() -> dict[str, bytes]:
    with resources.as_file(SAMPLE) as root:
        return {
            str(p.relative_to(root)): p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()
        }


def test_the_sample_reaches_the_endpoints_the_ways_real_code_does() -> None:
    files = _packaged()
    assert {
        "atlas_backups.py",  # hand-written HTTP
        "infra/pulumi/__main__.py",
        "infra/terraform/main.tf",
        "notebooks/restore_drill.ipynb",
        "docs/runbook.md",  # curl and the Atlas CLI
        ".github/workflows/backup-check.yml",
        "scripts/nightly_snapshots.py",  # the Atlas CLI through subprocess
    } <= set(files)


def test_demo_migrates_a_copy_checks_it_and_sums_up(tmp_path, capsys) -> None:
    original = _packaged()
    code = main(["demo", "--workdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    copy = tmp_path / "restore_tool"
    assert f"copied to {copy}" in out
    migrated = (copy / "atlas_backups.py").read_text()
    ast.parse(migrated)
    assert "backup/tenant/restores/" not in migrated and "flexClusters" in migrated
    assert '"tenant/restores" if small else "restoreJobs"' in migrated  # the run-time choice stays
    assert 'data "mongodbatlas_flex_restore_job" "last"' in (copy / "infra/terraform/main.tf").read_text()
    assert "get_flex_restore_job(" in (copy / "infra/pulumi/__main__.py").read_text()
    nbformat.validate(nbformat.read(copy / "notebooks/restore_drill.ipynb", as_version=4))
    assert "backup/restoreJobs" in (copy / "notebooks/restore_drill.ipynb").read_text()
    assert '"flexSnapshots", "getFlexBackupSnapshot"' in (copy / "scripts/nightly_snapshots.py").read_text()
    # The summary: what was migrated, what needs a human (file and line, and why), what the check proved.
    migrated_line = re.search(r"Migrated: (\d+) safe fix\(es\) applied in (\d+) file\(s\)", out)
    assert migrated_line and int(migrated_line.group(1)) > 20 and int(migrated_line.group(2)) >= 5
    manual = re.search(r"Needs a human: (\d+)\.\n((?:  .*\n)+)", out)
    assert manual and int(manual.group(1)) == len(manual.group(2).splitlines()) >= 4
    assert "  restore_tool/atlas_backups.py:68  FM110  " in manual.group(2)
    assert "  restore_tool/.github/workflows/backup-check.yml:12  FM602  " in manual.group(2)
    assert re.search(
        r"Data check getBackupTenantRestore -> getFlexBackupRestoreJob: (\d+) of \1 matched", out
    )
    assert re.search(r"Data check getBackupTenantSnapshot -> getFlexBackup: (\d+) of \1 matched", out)
    assert re.search(r"With drift injected, the check caught [1-9]\d* differing ID\(s\) \(status in ", out)
    assert "Next, on your own code:  flexmigrate scan " in out
    # The reports it wrote are real ones: the readiness page reads the scan and check reports.
    check = json.loads((tmp_path / "check.json").read_text())
    assert {r["verdict"] for r in check["results"]} == {"match"}
    scan = json.loads((tmp_path / "scan.json").read_text())
    assert scan["summary"]["by_fix"]["applied"] == int(migrated_line.group(1))  # the page counts the fixes
    page = (tmp_path / "readiness.html").read_text()
    assert f"<b>{migrated_line.group(1)}</b>applied" in page
    assert "What the data check proved" in page and "What needs a human, and why" in page
    assert _packaged() == original  # the packaged sample is never modified


def test_demo_exits_2_when_a_step_does_not_show_what_it_must(tmp_path, capsys, monkeypatch) -> None:
    """With the injected drift made harmless, the drift step shows nothing: the demo must say so."""
    import flexmigrate.sandbox.config as config

    real = config.DriftRule
    monkeypatch.setattr(config, "DriftRule", lambda field, fraction: real(field=field, fraction=0.0))
    code = main(["demo", "--workdir", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "a step did not show what it must: the check must catch the injected drift" in captured.err


def test_demo_without_workdir_keeps_the_copy_and_says_where(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert main(["demo", "--skip-check"]) == 0
    out = capsys.readouterr().out
    kept = re.search(r"stay in (\S+); delete it when done", out)
    assert kept and Path(kept.group(1)).parent == tmp_path
    assert (Path(kept.group(1)) / "restore_tool" / "atlas_backups.py").is_file()


def test_demo_with_a_relative_workdir(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "readiness.html").write_text("a page left by an earlier run", "utf-8")
    assert main(["demo", "--workdir", "demo", "--skip-check"]) == 0
    assert (tmp_path / "demo" / "restore_tool" / "atlas_backups.py").is_file()
    assert not (tmp_path / "demo" / "demo").exists()
    assert "What needs a human" in (tmp_path / "demo" / "readiness.html").read_text()


def test_every_sample_file_is_packaged() -> None:
    """The wheel takes package data by the globs in pyproject.toml, and ``glob`` skips hidden names
    (``.github``): every file of the sample must match one of them, or an installed demo loses it.
    (The tests run on an editable install, which reads the source tree and would not notice.)"""
    import glob

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    root = Path(__file__).resolve().parents[1]
    patterns = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["flexmigrate"]
    packaged = {
        Path(p).resolve()
        for pattern in patterns
        for p in glob.glob(str(root / "flexmigrate" / pattern), recursive=True)
        if Path(p).is_file()
    }
    sample = root / "flexmigrate" / "samples"
    missing = [
        str(p.relative_to(sample)) for p in sample.rglob("*") if p.is_file() and p.resolve() not in packaged
    ]
    assert not missing, f"not in the wheel: {missing}"
