"""Every section shipped in ``catalog/data`` holds to its JSON Schema.

A scan reads the shipped catalog without validating it (importing jsonschema on every run cost a
scan of the standard library about 5% of its time); this test is what proves the shipped data, the
same check a catalog named by ``$FLEXMIGRATE_CATALOG`` gets when it is read.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

import flexmigrate.catalog as catalog_module
from flexmigrate.catalog import CATALOG_ENV, CatalogError, load_catalog

DATA = Path(str(resources.files("flexmigrate.catalog").joinpath("data")))
SCHEMAS = Path(str(resources.files("flexmigrate.catalog").joinpath("schemas")))
SECTIONS = sorted(p.stem for p in DATA.glob("*.json") if p.name != "endpoints.json")


def _copy_as_users_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(DATA, folder)
    monkeypatch.setenv(CATALOG_ENV, str(folder))
    catalog_module._load.cache_clear()
    return folder


@pytest.fixture(autouse=True)
def _fresh_cache():
    catalog_module._load.cache_clear()
    yield
    catalog_module._load.cache_clear()


def test_every_shipped_section_has_a_schema():
    missing = [name for name in SECTIONS if not (SCHEMAS / f"{name}.schema.json").is_file()]
    assert not missing, f"sections without a schema: {missing}"


@pytest.mark.parametrize("name", SECTIONS)
def test_shipped_section_holds_to_its_schema(name, tmp_path, monkeypatch):
    _copy_as_users_catalog(tmp_path, monkeypatch)
    catalog = load_catalog()
    assert not catalog.shipped
    assert catalog.section(name) == json.loads((DATA / f"{name}.json").read_text("utf-8"))


@pytest.mark.parametrize("name", SECTIONS)
def test_a_users_broken_section_is_refused_naming_it(name, tmp_path, monkeypatch):
    folder = _copy_as_users_catalog(tmp_path, monkeypatch)
    (folder / f"{name}.json").write_text(json.dumps([1, 2, 3]), "utf-8")
    with pytest.raises(CatalogError, match=rf"^{name}\.json at "):
        load_catalog().section(name)


def test_the_shipped_catalog_is_not_revalidated_on_each_run():
    catalog = load_catalog()
    assert catalog.shipped
    for name in SECTIONS:
        catalog.section(name)
    assert catalog._validated == set()
