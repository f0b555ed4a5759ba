"""The house is kept by tools, not by memory: layer contracts, no cycles, one import name, style.

The contracts themselves are in ``pyproject.toml`` (``[tool.importlinter]``) and described in
docs/architecture.md; import-linter checks them here on every run of the suite.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.timeout(240)


def _run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=200)


def test_layer_contracts_hold() -> None:
    done = _run(str(BIN / "lint-imports"), "--no-cache", "--config", str(REPO / "pyproject.toml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "3 kept" in done.stdout, done.stdout


def test_an_upward_import_breaks_the_contracts(tmp_path: Path) -> None:
    """The contracts can fail: a copy of the package with one model importing the scanner is refused."""
    import shutil

    copy = tmp_path / "flexmigrate"
    shutil.copytree(REPO / "flexmigrate", copy, ignore=shutil.ignore_patterns("__pycache__", "samples"))
    with (copy / "models" / "edits.py").open("a", encoding="utf-8") as handle:
        handle.write("\nfrom flexmigrate.scan import pipeline  # noqa: E402,F401\n")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    done = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=200,
        env={"PYTHONPATH": str(tmp_path), "PATH": str(BIN)},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flexmigrate.models.edits -> flexmigrate.scan.pipeline" in done.stdout


def test_installing_adds_one_import_name(tmp_path: Path) -> None:
    top_level = importlib.metadata.distribution("flexmigrate").read_text("top_level.txt") or ""
    assert top_level.split() == ["flexmigrate"]
    # Outside the repository (where the top-level codemods/ folder is not on the path), no
    # generic 'codemods' package is importable from the installed environment.
    done = _run(sys.executable, "-c", "import codemods", cwd=tmp_path)
    assert done.returncode == 1 and "No module named 'codemods'" in done.stderr


def test_ruff_check_passes() -> None:
    done = _run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_check_passes() -> None:
    done = _run(str(BIN / "ruff"), "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr
