"""Invariants of the shipped catalog and of what the loader derives from it (no ../shared needed).

The codemods, the prefilter and the checker trust these properties without re-checking them: every
placeholder maps to a replacement placeholder, every retired call site contains a prefilter token,
no replacement path is still a tenant path, each operation name finds exactly one endpoint, and the
``flexmigrate catalog --format json`` output says what the data file says.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from importlib import resources
from typing import Any

import pytest

from flexmigrate.catalog import Catalog, CatalogError, catalog_from_data, load_catalog, media_type
from flexmigrate.cli import main

_CATALOG = load_catalog()
_ENDPOINTS = _CATALOG.endpoints
_SIDES = ("old", "new")
_EP_IDS = [ep.key for ep in _ENDPOINTS]

# Atlas Administration API versioning: "Accept: application/vnd.atlas.YYYY-MM-DD+json"
# (https://www.mongodb.com/docs/atlas/api/versioned-api-overview/).
_MEDIA_TYPE = re.compile(r"^application/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$")
# The Flex download body (FlexBackupSnapshotDownloadCreate20241113 in spec copies 2025-03-18 ..
# 2026-08-21) has one writable property; everything else the tenant body took is rejected.
_FLEX_DOWNLOAD_BODY = {"snapshotId"}


def _raw_data() -> dict[str, Any]:
    """endpoints.json read straight from the package, bypassing the loader under test."""
    text = resources.files("flexmigrate.catalog").joinpath("data", "endpoints.json").read_text("utf-8")
    return json.loads(text)


# --------------------------------------------------------------------------------------------------
# shape of the data
# --------------------------------------------------------------------------------------------------


def test_endpoint_keys_are_unique(catalog: Catalog):
    keys = [ep.key for ep in catalog]
    assert len(keys) == len(set(keys)) and len(keys) > 0


@pytest.mark.parametrize("ep", _ENDPOINTS, ids=_EP_IDS)
def test_every_placeholder_maps_through_path_param_map(ep):
    assert sorted(ep.old.path_params) == sorted(ep.path_param_map), f"{ep.key}: old placeholders"
    assert sorted(ep.new.path_params) == sorted(ep.path_param_map.values()), f"{ep.key}: new placeholders"
    assert len(set(ep.path_param_map.values())) == len(ep.path_param_map), f"{ep.key}: two map to one"


def test_every_placeholder_has_an_anchored_pattern(catalog: Catalog):
    placeholders = {p for ep in catalog for side in _SIDES for p in getattr(ep, side).path_params}
    assert sorted(catalog.path_patterns) == sorted(placeholders)
    for name, pattern in catalog.path_patterns.items():
        assert pattern.startswith("^") and pattern.endswith("$"), f"{name}: {pattern!r} is not anchored"
        catalog.pattern(name)  # compiles


@pytest.mark.parametrize(
    ("ep", "side"),
    [(ep, s) for ep in _ENDPOINTS for s in _SIDES],
    ids=[f"{ep.key}-{s}" for ep in _ENDPOINTS for s in _SIDES],
)
def test_media_type_has_the_documented_format(ep, side):
    op = getattr(ep, side)
    match = _MEDIA_TYPE.match(op.media_type)
    assert match, f"{ep.key}.{side}: {op.media_type!r}"
    assert match.group(1) == op.version
    dt.date.fromisoformat(op.version)  # a real date, not just digits
    assert media_type(op.version) == op.media_type


def test_retired_and_replacement_versions_differ(catalog: Catalog):
    assert catalog.old_versions and catalog.new_versions
    assert not catalog.old_versions & catalog.new_versions


@pytest.mark.parametrize("ep", _ENDPOINTS, ids=_EP_IDS)
def test_sunset_is_on_the_retired_side_only(catalog: Catalog, ep):
    dt.date.fromisoformat(catalog.sunset)
    assert ep.old.sunset == catalog.sunset and ep.old.deprecated
    assert ep.new.sunset is None and not ep.new.deprecated


@pytest.mark.parametrize("ep", [ep for ep in _ENDPOINTS if ep.list_item], ids=lambda ep: ep.key)
def test_list_item_names_a_single_object_endpoint(catalog: Catalog, ep):
    item = catalog.endpoint(ep.list_item)
    assert not item.is_list, f"{ep.key}: list_item {item.key} is itself a list"
    assert item.old.method == "GET" and item.new.method == "GET"


# --------------------------------------------------------------------------------------------------
# prefilter tokens
# --------------------------------------------------------------------------------------------------


def test_some_token_is_in_every_old_path_and_no_new_path(catalog: Catalog):
    old_paths = [ep.old.path.encode() for ep in catalog]
    new_paths = [ep.new.path.encode() for ep in catalog]
    separating = [
        tok
        for tok in catalog.prefilter_tokens()
        if all(tok in p for p in old_paths) and not any(tok in p for p in new_paths)
    ]
    assert separating, f"no token separates retired from replacement paths: {catalog.prefilter_tokens()}"


def _caught(tokens: tuple[bytes, ...], old_path: str, new_path: str) -> list[bytes]:
    """Tokens that are in the retired path but not in its replacement (so they mark it as retired)."""
    return [t for t in tokens if t in old_path.encode() and t not in new_path.encode()]


@pytest.mark.parametrize("ep", _ENDPOINTS, ids=_EP_IDS)
def test_every_old_path_would_be_caught(catalog: Catalog, ep):
    tokens = catalog.prefilter_tokens()
    assert _caught(tokens, ep.old.path, ep.new.path), f"{ep.old.path} contains no distinguishing token"
    # Code that only names the operation (Atlas CLI argv, SDK method names) is caught too.
    for name in ep.old.names:
        assert name.encode() in tokens, f"{ep.key}: operation name {name!r} is not a prefilter token"


def test_prefilter_tokens_are_non_empty_bytes(catalog: Catalog):
    tokens = catalog.prefilter_tokens()
    assert tokens and all(isinstance(t, bytes) and t for t in tokens)
    assert list(tokens) == sorted(set(tokens))


def test_prefilter_tokens_follow_the_data():
    """A new retired endpoint without any current token is caught after a data change alone."""
    data = _raw_data()
    extra = copy.deepcopy(data["endpoints"][0])
    extra["key"] = "synthetic"
    extra["old"]["path"] = "/api/atlas/v2/groups/{groupId}/zzLegacyClusters/{clusterName}/zzJobs/{restoreId}"
    extra["old"]["operationId"] = "zzSyntheticOp"
    extra["old"]["aliases"] = []
    data["endpoints"].append(extra)
    shipped = load_catalog().prefilter_tokens()
    assert not _caught(shipped, extra["old"]["path"], extra["new"]["path"]), "synthetic path is not new"
    tokens = catalog_from_data(data).prefilter_tokens()
    for ep in catalog_from_data(data):
        assert _caught(tokens, ep.old.path, ep.new.path), ep.key
    assert b"zzSyntheticOp" in tokens


@pytest.mark.parametrize("ep", _ENDPOINTS, ids=_EP_IDS)
def test_no_new_path_has_a_tenant_segment(ep):
    assert not [seg for seg in ep.new.segments() if "tenant" in seg.lower()], ep.new.path


# --------------------------------------------------------------------------------------------------
# lookups and derived maps
# --------------------------------------------------------------------------------------------------


def test_operation_names_are_unique_across_the_catalog(catalog: Catalog):
    names = [n for ep in catalog for side in _SIDES for n in getattr(ep, side).names]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert duplicates == [], "by_operation would be ambiguous"


@pytest.mark.parametrize(
    ("ep", "side"),
    [(ep, s) for ep in _ENDPOINTS for s in _SIDES],
    ids=[f"{ep.key}-{s}" for ep in _ENDPOINTS for s in _SIDES],
)
def test_by_operation_finds_each_name_and_alias(catalog: Catalog, ep, side):
    op = getattr(ep, side)
    assert op.aliases, f"{ep.key}.{side} has no aliases to look up"
    for name in op.names:
        found = catalog.by_operation(name)
        assert found is not None and found.key == ep.key, f"{name!r} -> {found and found.key}"


def test_by_operation_unknown_and_near_miss_names(catalog: Catalog):
    assert catalog.by_operation("listClusters") is None
    first = catalog.endpoints[0].old.operation_id
    assert catalog.by_operation(first.lower()) is None  # operation ids are case-sensitive
    assert catalog.by_operation(first[:-1]) is None


def test_lookups_of_unknown_keys_raise(catalog: Catalog):
    with pytest.raises(KeyError):
        catalog.endpoint("no_such_endpoint")
    with pytest.raises(KeyError):
        catalog.section("no_such_section")


@pytest.mark.parametrize("ep", _ENDPOINTS, ids=_EP_IDS)
def test_response_field_renames_are_the_fields_only_on_one_side(ep):
    """Given a complete field map, a renamed field exists only in the old family and its twin only
    in the new one; unchanged names are not renames."""
    renames = ep.response_field_renames
    assert sorted(renames) == sorted(ep.fields_only_in_old), ep.key
    assert sorted(renames.values()) == sorted(ep.fields_only_in_new), ep.key
    for old, new in ep.response_field_map.items():
        assert (old in renames) == (old != new)


def test_response_field_map_is_derived_from_the_renames():
    data = _raw_data()
    raw = copy.deepcopy(data["endpoints"][0])
    raw["response_fields"] = ["same", "before"]
    raw["response_field_renames"] = {"before": "after"}
    data["endpoints"] = [raw]
    ep = catalog_from_data(data).endpoints[0]
    assert ep.response_field_renames == {"before": "after"}
    assert ep.response_field_map == {"same": "same", "before": "after"}


def _broken(change) -> str:
    data = _raw_data()
    change(data)
    with pytest.raises(CatalogError) as caught:
        catalog_from_data(data)
    return str(caught.value)


def test_an_identity_rename_is_refused():
    def change(data):
        data["endpoints"][0]["response_field_renames"]["id"] = "id"

    assert "maps id to itself; list only what changes" in _broken(change)


def test_path_parameters_that_do_not_line_up_are_refused():
    def change(data):
        data["endpoints"][0]["path_param_renames"] = {"clusterName": "name"}  # restoreId left unmapped

    assert "the retired path's parameters, renamed, are" in _broken(change)


def test_a_list_item_that_is_no_endpoint_is_refused():
    def change(data):
        data["endpoints"][1]["list_item"] = "no_such_endpoint"

    assert "list_item 'no_such_endpoint' is not an endpoint" in _broken(change)


def test_a_missing_field_names_its_endpoint():
    def change(data):
        del data["endpoints"][2]["response_fields"]

    assert _broken(change).startswith(f"endpoint {_raw_data()['endpoints'][2]['key']!r}: missing")


def test_dropped_request_fields_for_download_are_what_flex_rejects(catalog: Catalog):
    ep = catalog.endpoint("download_snapshot")
    assert ep.request_field_map is not None
    kept = set(ep.request_field_map) - set(ep.dropped_request_fields)
    assert kept == _FLEX_DOWNLOAD_BODY
    assert sorted(ep.dropped_request_fields) == sorted(set(ep.request_field_map) - _FLEX_DOWNLOAD_BODY)
    assert all(ep.request_field_map[k] is None for k in ep.dropped_request_fields)


@pytest.mark.parametrize("ep", _ENDPOINTS, ids=_EP_IDS)
def test_dropped_request_fields_only_where_there_is_a_body(ep):
    if ep.request_field_map is None:
        assert ep.dropped_request_fields == ()
        assert ep.old.method == "GET"
    else:
        assert ep.old.method == "POST"
        assert set(ep.dropped_request_fields) <= set(ep.request_field_map)


# --------------------------------------------------------------------------------------------------
# `flexmigrate catalog`
# --------------------------------------------------------------------------------------------------


def test_catalog_json_round_trips_to_the_data(capsys):
    assert main(["catalog", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    data = _raw_data()
    fmt = data["media_type_format"]
    assert out["sunset"] == data["sunset"] and out["base_url"] == data["base_url"]
    assert [e["key"] for e in out["endpoints"]] == [e["key"] for e in data["endpoints"]]
    for printed, raw in zip(out["endpoints"], data["endpoints"]):
        for side in _SIDES:
            assert printed[side]["operation_id"] == raw[side]["operationId"]
            assert printed[side]["aliases"] == raw[side].get("aliases", [])
            assert printed[side]["method"] == raw[side]["method"].upper()
            assert printed[side]["path"] == raw[side]["path"]
            assert printed[side]["media_type"] == fmt.format(version=raw[side]["accept_version"])
        assert printed["old"]["sunset"] == raw["old"].get("sunset")
        assert printed["path_param_renames"] == raw["path_param_renames"]
        assert printed["response_field_renames"] == raw["response_field_renames"]
        assert printed["dropped_request_fields"] == raw.get("request_fields_dropped", [])
    # And the loader agrees with both.
    loaded = load_catalog()
    assert [e["old"]["path"] for e in out["endpoints"]] == [ep.old.path for ep in loaded]


def test_catalog_table_lists_every_endpoint(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # rich wraps cells to the terminal width
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    for ep in _ENDPOINTS:
        assert ep.key in out and ep.old.path in out and ep.new.path in out


# --------------------------------------------------------------------------------------------------
# The other sections, validated by their JSON Schemas when first read
# --------------------------------------------------------------------------------------------------


def _section_error(name: str, change) -> str:
    shipped = load_catalog()
    extra = copy.deepcopy(dict(shipped.extra))
    change(extra[name])
    catalog = catalog_from_data(_raw_data(), extra)
    with pytest.raises(CatalogError) as caught:
        catalog.section(name)
    return str(caught.value)


def test_the_shipped_sections_are_valid():
    catalog = load_catalog()
    for name in catalog.extra:
        catalog.section(name)


def test_a_section_value_of_the_wrong_type_is_refused():
    def change(check):
        check["defaults"]["concurrency"] = "8"

    assert (
        _section_error("check", change) == "check.json at defaults/concurrency: '8' is not of type 'integer'"
    )


def test_a_fact_without_its_source_is_refused():
    def change(sandbox):
        del sandbox["rate_limits"]["_source"]

    assert (
        _section_error("sandbox", change) == "sandbox.json at rate_limits: '_source' is a required property"
    )


def test_an_unknown_check_section_key_is_refused():
    def change(check):
        check["paginaton"] = {}

    assert "Additional properties are not allowed ('paginaton' was unexpected)" in _section_error(
        "check", change
    )
