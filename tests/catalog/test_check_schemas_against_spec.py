"""The schemas that judge a Flex answer after the sunset are the official ones.

``check.json`` ``schemas`` keeps, of each Flex response component, what a validator needs (type,
enum, pattern, format, items, properties, required, references).  Each is compared with the same
component in every dated spec copy that ships it, reduced to those keywords, so a schema cannot be
edited by hand away from the spec.  The stored schemas are also valid JSON Schema (the checker runs
them with ``jsonschema``).
"""

from __future__ import annotations

from typing import Any, Mapping

import pytest
from jsonschema import Draft202012Validator

from flexmigrate.catalog import load_catalog
from flexmigrate.check.schema import SchemaValidator
from tests.catalog.openapi_excerpts import COPIES, SpecDocument

pytestmark = pytest.mark.shared

SCHEMAS = load_catalog().section("check")["schemas"]
NAMES = sorted(k for k in SCHEMAS if not k.startswith("_") and k != "pattern_translations")
KEPT = ("type", "enum", "pattern", "format", "required")


def _reduced(doc: SpecDocument, node: Any) -> Any:
    if isinstance(node, Mapping) and "$ref" in node:
        return {"$ref": doc.ref_name(node)}
    out: dict[str, Any] = {k: node[k] for k in KEPT if k in node}
    if "items" in node:
        out["items"] = _reduced(doc, node["items"])
    if "properties" in node:
        out["properties"] = {name: _reduced(doc, prop) for name, prop in node["properties"].items()}
    return out


@pytest.mark.parametrize("name", NAMES)
def test_stored_schema_is_the_spec_component(name: str, spec_docs: Mapping[str, SpecDocument]) -> None:
    compared = 0
    for copy in COPIES:
        doc = spec_docs[copy.label]
        component = doc.components.get("schemas", {}).get(name) if copy.own_components else None
        if component is None:
            continue
        assert _reduced(doc, component) == SCHEMAS[name], f"{copy.label}: {name} differs from the spec"
        compared += 1
    assert compared, f"no spec copy ships {name}"


@pytest.mark.parametrize("name", NAMES)
def test_stored_schema_is_valid_json_schema(name: str) -> None:
    validator = SchemaValidator(SCHEMAS)
    Draft202012Validator.check_schema(validator.validator_for(name).schema)
