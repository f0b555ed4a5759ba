"""``codemods.tree.parent_map`` gives the very map libcst's ``ParentNodeProvider`` gives."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from flexmigrate.codemods.tree import parent_map

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SOURCES = sorted(FIXTURES.rglob("*.py")) + [
    STDLIB / name for name in ("argparse.py", "dataclasses.py", "asyncio/tasks.py", "typing.py")
]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_the_same_parents_as_libcst(source: Path) -> None:
    module = cst.parse_module(source.read_text("utf-8"))
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    found = parent_map(module)
    assert len(found) == len(expected) > 0
    assert all(found[child] is parent for child, parent in expected.items())
