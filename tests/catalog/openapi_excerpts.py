"""Read the official OpenAPI excerpts in ``../shared/spec-excerpts`` for the catalog checks.

The excerpts are verbatim pieces of ``mongodb/openapi`` ``openapi/v2.yaml`` split into a paths file
and a components file per date, so ordinary OpenAPI loaders (which want one document) refuse them.
This module joins a paths file with a components file and resolves the local ``$ref``s
(``#/components/parameters/...``, ``#/components/schemas/...``) itself: only what the tests need, and
loudly, so an excerpt shape it does not understand fails a test instead of passing silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml

__all__ = [
    "ASSEMBLED_FILE",
    "COPIES",
    "SpecCopy",
    "SpecDocument",
    "copies_for",
    "load_assembled",
    "load_copy",
]

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_SUCCESS = re.compile(r"^2\d\d$")


@dataclass(frozen=True)
class SpecCopy:
    """One dated copy of the spec: which excerpt files make it up and which side it describes.

    ``own_components`` is False for the 2025-03-18 excerpt: it ships paths only, so its ``$ref``s are
    resolved against the 2026-03-03 components (the parameter names are the same standard Atlas
    ones).  Checks of schema *contents* therefore only run on copies with their own components.
    """

    label: str
    paths_file: str
    components_file: str
    own_components: bool
    sides: tuple[str, ...]


COPIES: tuple[SpecCopy, ...] = (
    SpecCopy(
        label="2025-03-18",
        paths_file="openapi-v2_2025-03-18_tenant-and-flex-backup-paths.yaml",
        components_file="openapi-v2_2026-03-03_components.yaml",
        own_components=False,
        sides=("old", "new"),
    ),
    SpecCopy(
        label="2026-03-03-tenant",
        paths_file="openapi-v2_2026-03-03_tenant-backup-paths.yaml",
        components_file="openapi-v2_2026-03-03_components.yaml",
        own_components=True,
        sides=("old",),
    ),
    SpecCopy(
        label="2026-03-03-flex",
        paths_file="openapi-v2_2026-03-03_flex-backup-paths.yaml",
        components_file="openapi-v2_2026-03-03_components.yaml",
        own_components=True,
        sides=("new",),
    ),
    SpecCopy(
        label="2026-08-21-flex",
        paths_file="openapi-v2_2026-08-21_flex-backup-paths.yaml",
        components_file="openapi-v2_2026-08-21_components.yaml",
        own_components=True,
        sides=("new",),
    ),
)


# A self-contained document assembled from the 2026-03-03 excerpts (restore-job paths only) for
# tools that need one file, such as a mock server; it claims to change no copied object.
ASSEMBLED_FILE = "assembled-restore-jobs.yaml"


def copies_for(side: str, *, own_components: bool = False) -> tuple[SpecCopy, ...]:
    """The copies that describe ``side`` ("old" or "new"), optionally only those with their own schemas."""
    return tuple(c for c in COPIES if side in c.sides and (c.own_components or not own_components))


class SpecDocument:
    """A paths excerpt joined with a components excerpt, with ``$ref`` resolution."""

    def __init__(self, label: str, paths: Mapping[str, Any], components: Mapping[str, Any]) -> None:
        self.label = label
        self.paths = paths
        self.components = components

    # -- references -------------------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """Follow ``$ref`` chains (local ``#/components/...`` only) until a concrete object remains."""
        seen: list[str] = []
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                raise ValueError(f"{self.label}: $ref cycle {' -> '.join([*seen, ref])}")
            seen.append(ref)
            node = self._lookup(ref)
        return node

    def ref_name(self, node: Any) -> str | None:
        """The component name a ``{"$ref": "#/components/<kind>/<name>"}`` points at, else None."""
        if isinstance(node, Mapping) and "$ref" in node:
            return str(node["$ref"]).rsplit("/", 1)[-1]
        return None

    def _lookup(self, ref: str) -> Any:
        prefix = "#/components/"
        if not ref.startswith(prefix):
            raise ValueError(f"{self.label}: only local component $refs are supported, got {ref!r}")
        kind, _, name = ref[len(prefix) :].partition("/")
        try:
            return self.components[kind][name]
        except KeyError:
            raise KeyError(f"{self.label}: $ref {ref!r} does not resolve in the components excerpt") from None

    # -- operations -------------------------------------------------------------------------------

    def operations(self) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        """Every ``(path, METHOD, operation)`` in the excerpt."""
        for path, item in self.paths.items():
            for method, op in item.items():
                if method in _HTTP_METHODS:
                    yield path, method.upper(), op

    def operation(self, path: str, method: str) -> Mapping[str, Any] | None:
        item = self.paths.get(path)
        if item is None:
            return None
        return item.get(method.lower())

    def parameters(self, path: str, method: str) -> list[Mapping[str, Any]]:
        """Resolved parameters of an operation, path-item level ones included (operation wins)."""
        item = self.paths[path]
        op = item[method.lower()]
        merged: dict[tuple[str, str], Mapping[str, Any]] = {}
        for raw in [*item.get("parameters", ()), *op.get("parameters", ())]:
            param = self.resolve(raw)
            merged[(param["in"], param["name"])] = param
        return list(merged.values())

    def success_response(self, op: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        """The (single) 2xx response of an operation, resolved."""
        codes = sorted(str(code) for code in op["responses"] if _SUCCESS.match(str(code)))
        if len(codes) != 1:
            raise AssertionError(f"{self.label}: expected exactly one 2xx response, found {codes}")
        return codes[0], self.resolve(op["responses"][codes[0]])

    def request_body(self, op: Mapping[str, Any]) -> Mapping[str, Any] | None:
        body = op.get("requestBody")
        return None if body is None else self.resolve(body)

    # -- schemas ----------------------------------------------------------------------------------

    def properties(self, schema: Any) -> dict[str, Mapping[str, Any]]:
        """Property name -> resolved property schema, merging ``allOf`` parts."""
        schema = self.resolve(schema)
        for combinator in ("oneOf", "anyOf"):
            if combinator in schema:
                raise AssertionError(f"{self.label}: schema uses {combinator}; teach openapi_excerpts it")
        props: dict[str, Mapping[str, Any]] = {}
        for part in schema.get("allOf", ()):
            props.update(self.properties(part))
        for name, prop in (schema.get("properties") or {}).items():
            props[name] = self.resolve(prop)
        return props

    def field_paths(self, schema: Any, expand: frozenset[str] = frozenset()) -> set[str]:
        """Field names of a schema; arrays named in ``expand`` also contribute ``name[].child`` paths.

        ``expand`` is how a caller says which arrays it looks inside (the catalog writes list items
        as ``results[].field``); other arrays, such as ``links``, stay one opaque field.
        """
        fields: set[str] = set()
        for name, prop in self.properties(schema).items():
            fields.add(name)
            if name in expand:
                if prop.get("type") != "array" or "items" not in prop:
                    raise AssertionError(f"{self.label}: {name!r} is not an array, cannot expand it")
                fields.update(f"{name}[].{child}" for child in self.field_paths(prop["items"]))
        return fields

    def array_item_ref(self, schema: Any, name: str) -> str | None:
        """The component name of the items of array property ``name``."""
        prop = self.properties(schema)[name]
        return self.ref_name(prop.get("items"))


@cache
def _read_yaml(path: Path) -> Mapping[str, Any]:
    with path.open("r", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_copy(shared_dir: Path, copy: SpecCopy) -> SpecDocument:
    """Join ``copy``'s paths and components excerpts from ``shared_dir/spec-excerpts``."""
    base = shared_dir / "spec-excerpts"
    paths = _read_yaml(base / copy.paths_file)["paths"]
    components = _read_yaml(base / copy.components_file)["components"]
    return SpecDocument(copy.label, paths, components)


def load_assembled(shared_dir: Path) -> SpecDocument:
    """The single-file excerpt (:data:`ASSEMBLED_FILE`)."""
    doc = _read_yaml(shared_dir / "spec-excerpts" / ASSEMBLED_FILE)
    return SpecDocument("assembled", doc["paths"], doc["components"])
