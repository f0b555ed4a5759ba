"""The catalog against the shared endpoint research (../shared/atlas-endpoints.json).

The research is where the catalog's facts were gathered (with sources for each); the catalog is the
project's copy. These tests keep the copy faithful: same endpoints, and for each the same names,
methods, paths, versions, sunset, parameter and field maps, plus the same common facts (path
patterns, auth, error body fields). Research-only material (SDK histories, ecosystems, prose notes)
is not the catalog's business and is not compared.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

import pytest

from flexmigrate.catalog import Catalog, load_catalog

pytestmark = pytest.mark.shared

_KEYS = [ep.key for ep in load_catalog().endpoints]
_SIDES = ("old", "new")


def _research_endpoint(research: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    matches = [e for e in research["endpoints"] if e["key"] == key]
    assert len(matches) == 1, f"research has {len(matches)} endpoints with key {key!r}"
    return matches[0]


def _is_annotation(field: str) -> bool:
    """Research map entries like ``"results[]": "results[] (TenantRestore -> ...; see X map)"``.

    They say in prose which endpoint's map applies to the list items; the catalog says the same with
    ``list_item``. They are not field names, so they are compared separately.
    """
    return field.endswith("[]")


def test_same_endpoints_in_the_same_order(catalog: Catalog, research):
    assert [ep.key for ep in catalog] == [e["key"] for e in research["endpoints"]]


@pytest.mark.parametrize(("key", "side"), [pytest.param(k, s, id=f"{k}-{s}") for k in _KEYS for s in _SIDES])
def test_operation_facts(catalog: Catalog, research, key, side):
    op = getattr(catalog.endpoint(key), side)
    raw = _research_endpoint(research, key)[side]
    ours = {
        "operationId": op.operation_id,
        "aliases": list(op.aliases),
        "method": op.method,
        "path": op.path,
        "accept_version": op.version,
        "content_type": op.media_type,
        "tag": op.tag,
        "sunset": op.sunset,
        "deprecated": op.deprecated,
    }
    theirs = {
        **{
            name: raw[name]
            for name in ("operationId", "aliases", "method", "path", "accept_version", "content_type", "tag")
        },
        "sunset": raw.get("sunset"),
        "deprecated": raw.get("deprecated", False),
    }
    assert ours == theirs


@pytest.mark.parametrize("key", _KEYS)
def test_parameter_maps(catalog: Catalog, research, key):
    ep = catalog.endpoint(key)
    raw = _research_endpoint(research, key)
    assert dict(ep.path_param_map) == raw["path_param_map"]
    assert {side: list(names) for side, names in ep.query_params.items()} == raw["query_params"]


@pytest.mark.parametrize("key", _KEYS)
def test_field_maps(catalog: Catalog, research, key):
    ep = catalog.endpoint(key)
    raw = _research_endpoint(research, key)
    assert dict(ep.response_schema) == raw["response_schema"]
    fields = {k: v for k, v in raw["response_field_map"].items() if not _is_annotation(k)}
    assert dict(ep.response_field_map) == fields
    for note in (v for k, v in raw["response_field_map"].items() if _is_annotation(k)):
        assert ep.list_item is not None and f"see {ep.list_item} map" in note, (
            f"research says {note!r}; catalog list_item is {ep.list_item!r}"
        )
    expected_request = raw.get("request_field_map")
    actual_request = None if ep.request_field_map is None else dict(ep.request_field_map)
    assert actual_request == expected_request
    assert list(ep.fields_only_in_old) == raw["fields_only_in_old"]
    assert list(ep.fields_only_in_new) == raw["fields_only_in_new"]


def test_common_facts(catalog: Catalog, research):
    common = research["_common"]
    assert catalog.base_url == common["base_url"]
    assert dict(catalog.path_patterns) == common["path_patterns"]
    assert list(catalog.error_body_fields) == common["error_body_fields"]
    assert dict(catalog.auth) == common["auth"]


def test_media_type_format(catalog: Catalog, research):
    """Research writes the header as ``...{YYYY-MM-DD}...``; the catalog as a ``{version}`` format."""
    research_format = research["_common"]["accept_header_format"]
    for version in sorted(catalog.old_versions | catalog.new_versions):
        assert catalog.media_type(version) == research_format.replace("{YYYY-MM-DD}", version)


def test_catalog_sunset_is_the_research_sunset(catalog: Catalog, research):
    research_sunsets = {e["old"].get("sunset") for e in research["endpoints"]}
    assert research_sunsets == {catalog.sunset}


def test_endpoint_error_codes_are_attested(catalog: Catalog, research):
    """Error codes per endpoint come from the research notes (or are the spec's common ones)."""
    notes = " ".join(e.get("notes", "") for e in research["endpoints"])
    common = set(catalog.errors["common"].values())
    for key, kinds in catalog.errors.items():
        if key.startswith("_") or key == "common":
            continue
        catalog.endpoint(key)  # each group names a real endpoint
        for kind, codes in kinds.items():
            for code in codes:
                assert code in common or re.search(rf"\b{code}\b", notes), f"errors.{key}.{kind}: {code}"
