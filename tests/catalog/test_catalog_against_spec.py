"""The catalog against the official OpenAPI excerpts (../shared/spec-excerpts).

Every fact flexmigrate rewrites code with (paths, methods, operation names, path and query
parameters, media types, sunset, response and request field names) is checked against every dated
copy of the spec that describes it: 2025-03-18 (original operationIds, tenant and Flex paths),
2026-03-03 (the last copy with the tenant paths; deprecated + x-sunset) and 2026-08-21 (Flex only).
A failure names the copy, the endpoint and the side, so drift is fixed in ``endpoints.json``.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import pytest

from flexmigrate.catalog import Catalog, Endpoint, Operation, load_catalog
from tests.catalog.openapi_excerpts import COPIES, SpecDocument, copies_for, load_assembled

pytestmark = pytest.mark.shared

_ENDPOINTS = load_catalog().endpoints
_SIDES = ("old", "new")
# The copy in which the retired operations carry ``deprecated: true`` and ``x-sunset``.
_SUNSET_COPY = "2026-03-03-tenant"


def _side_cases() -> list[Any]:
    return [
        pytest.param(ep.key, side, copy.label, id=f"{ep.key}-{side}-{copy.label}")
        for ep in _ENDPOINTS
        for side in _SIDES
        for copy in copies_for(side)
    ]


def _schema_pairs(endpoints: tuple[Endpoint, ...]) -> list[Any]:
    """(endpoint, old copy, new copy) for every pair of copies that ship their own schemas."""
    return [
        pytest.param(ep.key, old.label, new.label, id=f"{ep.key}-{old.label}-vs-{new.label}")
        for ep in endpoints
        for old in copies_for("old", own_components=True)
        for new in copies_for("new", own_components=True)
    ]


def _spec_operation(doc: SpecDocument, op: Operation) -> Mapping[str, Any]:
    spec_op = doc.operation(op.path, op.method)
    if spec_op is None:
        methods = sorted(m for p, m, _ in doc.operations() if p == op.path)
        raise AssertionError(
            f"{doc.label}: no {op.method} {op.path} (methods at that path: {methods or 'none, path absent'})"
        )
    return spec_op


def _content_schema(content: Mapping[str, Any], media_type: str, where: str) -> Any:
    assert media_type in content, f"{where}: no {media_type} content, only {sorted(content)}"
    return content[media_type]["schema"]


def _walk_key(node: Any, key: str) -> Iterator[Any]:
    """Every value stored under ``key`` anywhere in a YAML tree."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _walk_key(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_key(v, key)


def _schema_name(catalog_value: str) -> str:
    """``"PaginatedTenantRestoreView (SDK: PaginatedTenantRestore)"`` -> the spec component name."""
    return catalog_value.split()[0]


# --------------------------------------------------------------------------------------------------
# paths, methods, names
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "side", "label"), _side_cases())
def test_path_and_method_exist(catalog: Catalog, spec_docs: Mapping[str, SpecDocument], key, side, label):
    op = getattr(catalog.endpoint(key), side)
    _spec_operation(spec_docs[label], op)


@pytest.mark.parametrize(("key", "side", "label"), _side_cases())
def test_operation_id_is_a_catalog_name(catalog, spec_docs, key, side, label):
    op = getattr(catalog.endpoint(key), side)
    spec_op = _spec_operation(spec_docs[label], op)
    assert spec_op["operationId"] in op.names, (
        f"{label}: {op.method} {op.path} is operationId {spec_op['operationId']!r}; "
        f"catalog {key}.{side} knows only {op.names}"
    )
    override = spec_op.get("x-xgen-operation-id-override")
    if override is not None:
        assert override in op.names, (
            f"{label}: x-xgen-operation-id-override {override!r} of {op.path} is not a name of {key}.{side}"
        )


@pytest.mark.parametrize(("key", "side", "label"), _side_cases())
def test_tag(catalog, spec_docs, key, side, label):
    op = getattr(catalog.endpoint(key), side)
    assert _spec_operation(spec_docs[label], op)["tags"] == [op.tag]


@pytest.mark.parametrize(
    ("key", "side"), [pytest.param(ep.key, s, id=f"{ep.key}-{s}") for ep in _ENDPOINTS for s in _SIDES]
)
def test_every_catalog_name_is_attested_by_a_spec_copy(catalog, spec_docs, key, side):
    """A mistyped alias would make the scanner miss call sites silently; every name must be real."""
    op = getattr(catalog.endpoint(key), side)
    used: set[str] = set()
    for copy in copies_for(side):
        spec_op = _spec_operation(spec_docs[copy.label], op)
        used.add(spec_op["operationId"])
        if "x-xgen-operation-id-override" in spec_op:
            used.add(spec_op["x-xgen-operation-id-override"])
    assert set(op.names) - used == set(), f"{key}.{side}: names no spec copy uses; spec names: {sorted(used)}"
    assert used - set(op.names) == set(), f"{key}.{side}: spec names the catalog lacks"


def _assert_operations_in_catalog(catalog: Catalog, doc: SpecDocument, sides: tuple[str, ...]) -> None:
    for path, method, spec_op in doc.operations():
        owners = [
            (ep.key, side)
            for ep in catalog
            for side in sides
            if getattr(ep, side).path == path and getattr(ep, side).method == method
        ]
        assert len(owners) == 1, f"{doc.label}: {method} {path} is in {len(owners)} catalog entries: {owners}"
        key, side = owners[0]
        names = getattr(catalog.endpoint(key), side).names
        assert spec_op["operationId"] in names, f"{doc.label}: {spec_op['operationId']!r} not in {key}.{side}"


@pytest.mark.parametrize("label", [c.label for c in COPIES])
def test_every_spec_operation_is_in_the_catalog(catalog, spec_docs, label):
    """The catalog covers every operation (and every operationId) each excerpt contains."""
    copy = next(c for c in COPIES if c.label == label)
    _assert_operations_in_catalog(catalog, spec_docs[label], copy.sides)


def test_assembled_excerpt_is_the_verbatim_one(catalog, spec_docs, shared_dir):
    """The one-file excerpt (for mocks) must say what the checked 2026-03-03 excerpts say."""
    assembled = load_assembled(shared_dir)
    verbatim = [spec_docs["2026-03-03-tenant"], spec_docs["2026-03-03-flex"]]
    operations = list(assembled.operations())
    assert operations, "assembled excerpt has no operations"
    for path, method, op in operations:
        originals = [doc.operation(path, method) for doc in verbatim if doc.operation(path, method)]
        assert originals == [op], f"assembled {method} {path} differs from the verbatim excerpt"
    for kind, objects in assembled.components.items():
        for name, obj in objects.items():
            assert obj == verbatim[0].components[kind][name], f"assembled components/{kind}/{name} differs"
    _assert_operations_in_catalog(catalog, assembled, ("old", "new"))


# --------------------------------------------------------------------------------------------------
# parameters and media types
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "side", "label"), _side_cases())
def test_path_parameters_and_patterns(catalog, spec_docs, key, side, label):
    op = getattr(catalog.endpoint(key), side)
    doc = spec_docs[label]
    _spec_operation(doc, op)
    params = [p for p in doc.parameters(op.path, op.method) if p["in"] == "path"]
    assert sorted(p["name"] for p in params) == sorted(op.path_params), f"{label}: {op.path}"
    for param in params:
        assert param.get("required") is True, f"{label}: path parameter {param['name']} not required"
        assert param["schema"]["pattern"] == catalog.path_patterns[param["name"]], (
            f"{label}: {op.path} {{{param['name']}}}"
        )


@pytest.mark.parametrize(("key", "side", "label"), _side_cases())
def test_query_parameters(catalog, spec_docs, key, side, label):
    ep = catalog.endpoint(key)
    op = getattr(ep, side)
    doc = spec_docs[label]
    _spec_operation(doc, op)
    declared = sorted(p["name"] for p in doc.parameters(op.path, op.method) if p["in"] == "query")
    assert declared == sorted(ep.query_params[side]), f"{label}: {op.method} {op.path}"


@pytest.mark.parametrize(("key", "side", "label"), _side_cases())
def test_media_types_and_version(catalog, spec_docs, key, side, label):
    ep = catalog.endpoint(key)
    op = getattr(ep, side)
    doc = spec_docs[label]
    spec_op = _spec_operation(doc, op)
    _, response = doc.success_response(spec_op)
    assert list(response["content"]) == [op.media_type], f"{label}: {op.method} {op.path} response"
    assert response["content"][op.media_type].get("x-xgen-version") == op.version
    body = doc.request_body(spec_op)
    if op.method == "POST":
        assert body is not None, f"{label}: POST {op.path} has no requestBody"
    if body is not None:
        assert list(body["content"]) == [op.media_type], f"{label}: {op.method} {op.path} requestBody"
    assert (body is None) == (ep.request_field_map is None), (
        f"{label}: {op.path} {'has no' if body is None else 'has a'} request body but the catalog's "
        f"request_field_map is {ep.request_field_map!r}"
    )


# --------------------------------------------------------------------------------------------------
# deprecation and sunset
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [ep.key for ep in _ENDPOINTS])
def test_retired_side_is_deprecated_with_the_catalog_sunset(catalog, spec_docs, key):
    op = catalog.endpoint(key).old
    spec_op = _spec_operation(spec_docs[_SUNSET_COPY], op)
    assert spec_op.get("deprecated") is True and op.deprecated is True
    sunsets = set(_walk_key(spec_op, "x-sunset"))
    assert sunsets == {op.sunset}, f"{_SUNSET_COPY}: {op.path} x-sunset {sunsets}, catalog {op.sunset!r}"
    assert op.sunset == catalog.sunset


@pytest.mark.parametrize(
    ("key", "label"),
    [pytest.param(ep.key, c.label, id=f"{ep.key}-{c.label}") for ep in _ENDPOINTS for c in copies_for("new")],
)
def test_replacement_side_is_not_deprecated(catalog, spec_docs, key, label):
    op = catalog.endpoint(key).new
    spec_op = _spec_operation(spec_docs[label], op)
    assert not spec_op.get("deprecated", False) and not op.deprecated
    assert list(_walk_key(spec_op, "x-sunset")) == [] and op.sunset is None


# --------------------------------------------------------------------------------------------------
# response and request fields
# --------------------------------------------------------------------------------------------------


def _response_schema(doc: SpecDocument, op: Operation) -> Any:
    _, response = doc.success_response(_spec_operation(doc, op))
    return _content_schema(response["content"], op.media_type, f"{doc.label}: {op.path}")


def _list_array(catalog: Catalog, ep: Endpoint, doc: SpecDocument, side: str) -> str:
    """The array property of a list response whose items are the ``list_item`` endpoint's schema."""
    item_schema = _schema_name(catalog.endpoint(ep.list_item).response_schema[side])
    schema = _response_schema(doc, getattr(ep, side))
    arrays = [
        name
        for name, prop in doc.properties(schema).items()
        if prop.get("type") == "array" and doc.ref_name(prop.get("items")) == item_schema
    ]
    assert len(arrays) == 1, f"{doc.label}: {ep.key}.{side}: arrays of {item_schema}: {arrays}"
    return arrays[0]


def _expanded_arrays(catalog: Catalog, ep: Endpoint, doc: SpecDocument, side: str) -> frozenset[str]:
    """Which arrays the catalog looks inside: the list array, plus any ``x[].`` prefix it spells."""
    spelled = {
        f.split("[].", 1)[0] for f in [*ep.response_field_map, *ep.response_field_map.values()] if "[]." in f
    }
    if ep.list_item is None:
        return frozenset(spelled)
    listed = _list_array(catalog, ep, doc, side)
    assert spelled <= {listed}, f"{ep.key}: catalog descends into {spelled}, the list array is {listed!r}"
    return frozenset({listed})


def _effective_field_map(catalog: Catalog, ep: Endpoint, array: str | None) -> dict[str, str]:
    """The endpoint's field map with the list item's map folded in under ``array[].``."""
    effective: dict[str, str] = {}
    if ep.list_item is not None:
        assert array is not None
        item = catalog.endpoint(ep.list_item)
        effective.update({f"{array}[].{k}": f"{array}[].{v}" for k, v in item.response_field_map.items()})
    effective.update(ep.response_field_map)
    return effective


@pytest.mark.parametrize(("key", "side", "label"), _side_cases())
def test_response_schema_names(catalog, spec_docs, key, side, label):
    ep = catalog.endpoint(key)
    doc = spec_docs[label]
    raw = _response_schema(doc, getattr(ep, side))
    assert doc.ref_name(raw) == _schema_name(ep.response_schema[side]), f"{label}: {key}.{side}"
    if ep.list_item is not None and next(c for c in COPIES if c.label == label).own_components:
        _list_array(catalog, ep, doc, side)  # asserts the list items are the list_item's schema


@pytest.mark.parametrize(("key", "old_label", "new_label"), _schema_pairs(_ENDPOINTS))
def test_response_field_map(catalog, spec_docs, key, old_label, new_label):
    ep = catalog.endpoint(key)
    old_doc, new_doc = spec_docs[old_label], spec_docs[new_label]
    old_arrays = _expanded_arrays(catalog, ep, old_doc, "old")
    new_arrays = _expanded_arrays(catalog, ep, new_doc, "new")
    old_fields = old_doc.field_paths(_response_schema(old_doc, ep.old), old_arrays)
    new_fields = new_doc.field_paths(_response_schema(new_doc, ep.new), new_arrays)

    for old_name, new_name in ep.response_field_map.items():
        assert old_name in old_fields, f"{old_label}: {key} maps {old_name!r}, not an old response field"
        assert new_name in new_fields, f"{new_label}: {key} maps to {new_name!r}, not a new response field"

    assert sorted(ep.fields_only_in_old) == sorted(old_fields - new_fields), f"{key}: fields_only_in_old"
    assert sorted(ep.fields_only_in_new) == sorted(new_fields - old_fields), f"{key}: fields_only_in_new"

    # Complete: every old field has a twin and every new field is some old field's twin.
    array = next(iter(old_arrays)) if ep.list_item is not None else None
    effective = _effective_field_map(catalog, ep, array)
    assert sorted(old_fields - set(effective)) == [], f"{old_label}: {key} old fields without a mapping"
    assert sorted(set(effective) - old_fields) == [], f"{old_label}: {key} mapped names not in the schema"
    assert sorted(new_fields - set(effective.values())) == [], f"{new_label}: {key} new fields unmapped"
    assert sorted(set(effective.values()) - new_fields) == [], f"{new_label}: {key} targets not in schema"


def _writable(doc: SpecDocument, schema: Any) -> set[str]:
    return {name for name, prop in doc.properties(schema).items() if not prop.get("readOnly", False)}


def _request_schema(doc: SpecDocument, op: Operation) -> Any:
    body = doc.request_body(_spec_operation(doc, op))
    assert body is not None, f"{doc.label}: {op.method} {op.path} has no requestBody"
    return _content_schema(body["content"], op.media_type, f"{doc.label}: {op.path} requestBody")


@pytest.mark.parametrize(
    ("key", "old_label", "new_label"),
    _schema_pairs(tuple(ep for ep in _ENDPOINTS if ep.request_field_map is not None)),
)
def test_request_field_map(catalog, spec_docs, key, old_label, new_label):
    """Keys are what the retired body accepted; non-null values are exactly what Flex accepts."""
    ep = catalog.endpoint(key)
    assert ep.request_field_map is not None
    old_doc, new_doc = spec_docs[old_label], spec_docs[new_label]
    old_schema, new_schema = _request_schema(old_doc, ep.old), _request_schema(new_doc, ep.new)
    old_writable, new_writable = _writable(old_doc, old_schema), _writable(new_doc, new_schema)

    assert sorted(ep.request_field_map) == sorted(old_writable), f"{old_label}: {key} writable request fields"
    accepted = {v for v in ep.request_field_map.values() if v is not None}
    assert sorted(accepted) == sorted(new_writable), f"{new_label}: {key} fields Flex accepts"
    for dropped in ep.dropped_request_fields:
        assert dropped not in new_writable, f"{new_label}: {key} drops {dropped!r}, which Flex accepts"
    required_new = set(new_doc.resolve(new_schema).get("required", ()))
    assert required_new <= accepted, f"{new_label}: {key} Flex requires {sorted(required_new - accepted)}"
    required_old = set(old_doc.resolve(old_schema).get("required", ()))
    assert required_old <= set(ep.request_field_map), f"{old_label}: {key} unmapped required fields"


# --------------------------------------------------------------------------------------------------
# error bodies
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", [c.label for c in COPIES if c.own_components])
def test_error_body_fields_are_the_error_schema(catalog, spec_docs, label):
    """Every non-2xx response of every operation has one body schema, with the catalog's fields."""
    doc = spec_docs[label]
    seen = 0
    for path, method, op in doc.operations():
        for code, raw in op["responses"].items():
            if str(code).startswith("2"):
                continue
            for media, content in doc.resolve(raw)["content"].items():
                fields = sorted(doc.properties(content["schema"]))
                assert fields == sorted(catalog.error_body_fields), f"{label}: {method} {path} {code} {media}"
                seen += 1
    assert seen, f"{label}: no error responses found"


@pytest.mark.parametrize("label", [c.label for c in COPIES if c.own_components])
def test_common_error_codes_are_the_spec_examples(catalog, spec_docs, label):
    doc = spec_docs[label]
    examples = {
        content["example"]["errorCode"]
        for response in doc.components["responses"].values()
        for content in response["content"].values()
        if "example" in content
    }
    common = set(catalog.errors["common"].values())
    assert sorted(common - examples) == [], f"{label}: codes not among {sorted(examples)}"
