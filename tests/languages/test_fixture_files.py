"""The example files of the non-Python rules (``fixtures/``): each gives exactly the findings
``fixtures/expect.json`` names, and a fixed one gives exactly its ``.after`` file.

They are the examples the docs' rule page shows (``docs/hooks/rule_pages.py``), so a page cannot
show an example the scanner does not hold to.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flexmigrate.scan.pipeline import ScanOptions, scan

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = {k: v for k, v in json.loads((FIXTURES / "expect.json").read_text("utf-8")).items() if k != "_about"}


def _after(name: str) -> Path:
    stem, dot, ext = name.partition(".")
    return FIXTURES / f"{stem}.after.{ext}"


def test_every_example_file_has_its_expectation() -> None:
    files = {p.name for p in FIXTURES.iterdir() if p.name != "expect.json" and ".after." not in p.name}
    assert files == set(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_example_gives_what_it_says(name: str, tmp_path: Path) -> None:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    result = scan([target], ScanOptions())
    got = [f"{f.rule}:{f.fix_label}" for f in result.findings]
    if result.files[0].error:
        got.append("FM000:error")
    assert got == EXPECT[name]
    fixed = scan([target], ScanOptions(fix=True, write=True))
    assert not fixed.errors or EXPECT[name] == ["FM000:error"]
    after = _after(name)
    if after.exists():
        assert target.read_bytes() == after.read_bytes()
    else:
        assert target.read_bytes() == (FIXTURES / name).read_bytes(), (
            "an example without .after must stay as it is"
        )
