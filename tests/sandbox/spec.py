"""Validators for sandbox answers built from the official OpenAPI excerpts in ``../shared``.

The excerpts split each dated copy of Atlas's spec into a paths file and a components file; this module
finds an operation's response (or request) schema in the paths file and validates against it with
``openapi-schema-validator`` (OpenAPI 3.0 dialect, read or write context, date-time format checked),
resolving ``#/components/...`` against the components file.  One translation is made: the spec's
``\\p{L}\\p{N}`` (Unicode letter/number classes, which Java and ECMAScript regexes know and Python's
``re`` does not) becomes ``\\w``, which in Python matches Unicode letters, digits and ``_``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker

COPIES = {
    # family -> [(paths file, components file)]: every copy that still documents the family
    "old": [("openapi-v2_2026-03-03_tenant-backup-paths.yaml", "openapi-v2_2026-03-03_components.yaml")],
    "new": [
        ("openapi-v2_2026-03-03_flex-backup-paths.yaml", "openapi-v2_2026-03-03_components.yaml"),
        ("openapi-v2_2026-08-21_flex-backup-paths.yaml", "openapi-v2_2026-08-21_components.yaml"),
    ],
}


def _python_patterns(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace(r"\p{L}\p{N}", r"\w")
                if k == "pattern" and isinstance(v, str)
                else _python_patterns(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_python_patterns(v) for v in node]
    return node


@cache
def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return _python_patterns(yaml.safe_load(fh))


def _validator(cls: type, components: Any, ref: str) -> Any:
    schema = {"allOf": [{"$ref": ref}], "components": components}
    return cls(schema, format_checker=oas30_format_checker)


def _deref(components: Any, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        _, _, section, name = node["$ref"].split("/")
        node = components[section][name]
    return node


def response_validators(shared: Path, family: str, method: str, path: str, status: int) -> list[Any]:
    """One validator per spec copy for the answer of ``method path`` with ``status``."""
    out = []
    for paths_file, components_file in COPIES[family]:
        paths = _load(shared / "spec-excerpts" / paths_file)["paths"]
        components = _load(shared / "spec-excerpts" / components_file)["components"]
        operation = paths[path][method.lower()]
        response = _deref(components, operation["responses"][str(status)])
        (content,) = response["content"].values()
        out.append(_validator(OAS30ReadValidator, components, content["schema"]["$ref"]))
    return out


def request_validators(shared: Path, family: str, method: str, path: str) -> list[Any]:
    out = []
    for paths_file, components_file in COPIES[family]:
        paths = _load(shared / "spec-excerpts" / paths_file)["paths"]
        components = _load(shared / "spec-excerpts" / components_file)["components"]
        body = paths[path][method.lower()]["requestBody"]
        (content,) = body["content"].values()
        out.append(_validator(OAS30WriteValidator, components, content["schema"]["$ref"]))
    return out


def documented_statuses(shared: Path, family: str, method: str, path: str) -> set[int]:
    statuses: set[int] = set()
    for paths_file, _ in COPIES[family]:
        operation = _load(shared / "spec-excerpts" / paths_file)["paths"][path][method.lower()]
        statuses.update(int(s) for s in operation["responses"])
    return statuses
