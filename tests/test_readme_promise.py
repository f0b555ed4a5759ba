"""The README's two set-up commands: CI must run exactly the documented test command."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    quick_start = text.split("## Try it", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", quick_start, re.S)]


def test_quick_start_has_the_two_commands():
    demo, tests = _readme_commands()
    assert "pip install" in demo and demo.endswith("flexmigrate demo")
    assert "pip install" in tests and "[test]" in tests and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    _, tests = _readme_commands()
    ci = [
        line
        for line in (REPO / ".ci" / "run").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci == [tests]
