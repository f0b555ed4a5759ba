"""Run ``python -m libcst.tool codemod migrate_to_flex.MigrateToFlex`` for real, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USER_CONFIG = "modules:\n- 'flexmigrate.codemods'\n"  # what docs/libcst-codemod.md tells users to write


def run_libcst_command(cwd: Path, *extra: str, target: str = "pkg") -> subprocess.CompletedProcess[str]:
    """The codemod over ``target`` from ``cwd`` (where libcst looks for ``.libcst.codemod.yaml``)."""
    command = [
        sys.executable, "-m", "libcst.tool", "codemod", "migrate_to_flex.MigrateToFlex",
        "--no-format", "--jobs", "1", "--hide-progress", *extra, target,
    ]  # fmt: skip
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=150)
