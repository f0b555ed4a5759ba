"""Fixtures for the catalog checks: the loaded catalog, the spec excerpts and the endpoint research.

The spec and research fixtures go through ``shared_dir`` (tests/conftest.py), so in a user's clone
without ``../shared`` those tests skip and say why, while the loader tests still run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import pytest

from flexmigrate.catalog import Catalog, load_catalog
from tests.catalog.openapi_excerpts import COPIES, SpecDocument, load_copy


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def spec_docs(shared_dir: Path) -> Mapping[str, SpecDocument]:
    """Every dated spec copy, by label."""
    return {copy.label: load_copy(shared_dir, copy) for copy in COPIES}


@pytest.fixture(scope="session")
def research(shared_dir: Path) -> Mapping[str, Any]:
    """The shared endpoint research (atlas-endpoints.json), parsed."""
    return json.loads((shared_dir / "atlas-endpoints.json").read_text("utf-8"))
