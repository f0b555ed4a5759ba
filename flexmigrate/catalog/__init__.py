"""The endpoint catalog: the one place where a retired or replacement endpoint is spelled.

Everything else in flexmigrate (the codemods, the sandbox, the checker, the reports) reads paths,
operation names, versions and field maps from here.  The facts live in ``data/*.json``; this module
only loads them into small immutable objects and derives what the rest of the code asks for.
Adding the next retired endpoint is a data change, not a code change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Iterator, Mapping

__all__ = [
    "Catalog",
    "Endpoint",
    "Operation",
    "load_catalog",
    "media_type",
    "template_params",
]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def template_params(path: str) -> tuple[str, ...]:
    """The ``{placeholder}`` names of a path template, in order."""
    return tuple(_PLACEHOLDER.findall(path))


@dataclass(frozen=True)
class Operation:
    """One side (retired or replacement) of an endpoint pair."""

    operation_id: str
    aliases: tuple[str, ...]
    method: str
    path: str
    version: str
    media_type: str
    tag: str
    sunset: str | None = None
    deprecated: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """The operation ID followed by every historical alias."""
        return (self.operation_id, *self.aliases)

    @property
    def path_params(self) -> tuple[str, ...]:
        return template_params(self.path)

    def segments(self) -> tuple[str, ...]:
        """The path split on ``/`` (without the leading empty segment)."""
        return tuple(self.path.strip("/").split("/"))


@dataclass(frozen=True)
class Endpoint:
    """A retired operation and the operation that replaces it."""

    key: str
    old: Operation
    new: Operation
    path_param_map: Mapping[str, str]
    query_params: Mapping[str, tuple[str, ...]]
    response_schema: Mapping[str, str]
    response_field_map: Mapping[str, str]
    request_field_map: Mapping[str, str | None] | None
    fields_only_in_old: tuple[str, ...]
    fields_only_in_new: tuple[str, ...]
    list_item: str | None
    notes: str

    @property
    def response_field_renames(self) -> dict[str, str]:
        """Fields whose name differs between the two families (old name -> new name)."""
        return {old: new for old, new in self.response_field_map.items() if old != new}

    @property
    def dropped_request_fields(self) -> tuple[str, ...]:
        """Request-body keys the replacement rejects (mapped to ``null`` in the catalog)."""
        if not self.request_field_map:
            return ()
        return tuple(k for k, v in self.request_field_map.items() if v is None)

    @property
    def is_list(self) -> bool:
        return self.list_item is not None


@dataclass(frozen=True)
class Catalog:
    """All endpoint pairs plus the facts common to every Atlas endpoint."""

    endpoints: tuple[Endpoint, ...]
    sunset: str
    base_url: str
    media_type_format: str
    path_patterns: Mapping[str, str]
    error_body_fields: tuple[str, ...]
    auth: Mapping[str, Any]
    errors: Mapping[str, Any]
    legacy_v1: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Endpoint]:
        return iter(self.endpoints)

    def __len__(self) -> int:
        return len(self.endpoints)

    def endpoint(self, key: str) -> Endpoint:
        for ep in self.endpoints:
            if ep.key == key:
                return ep
        raise KeyError(f"no endpoint {key!r} in the catalog")

    def by_operation(self, name: str) -> Endpoint | None:
        """The endpoint whose old or new side has ``name`` as operation ID or alias."""
        for ep in self.endpoints:
            if name in ep.old.names or name in ep.new.names:
                return ep
        return None

    def pattern(self, param: str) -> re.Pattern[str]:
        """The spec's validation pattern for a path parameter."""
        return re.compile(self.path_patterns[param])

    def media_type(self, version: str) -> str:
        return self.media_type_format.format(version=version)

    @property
    def old_versions(self) -> frozenset[str]:
        return frozenset(ep.old.version for ep in self.endpoints)

    @property
    def new_versions(self) -> frozenset[str]:
        return frozenset(ep.new.version for ep in self.endpoints)

    def prefilter_tokens(self) -> tuple[bytes, ...]:
        """Byte strings at least one of which every retired call site must contain.

        Derived from the data so that a new mapping cannot be forgotten: a smallest set of literal
        path segments such that every retired path contains one that its replacement lacks (greedy
        set cover over the retired-only segments; ties go to the segment deeper in the path, which is
        the more specific one), plus every retired operation name and alias.
        A file containing none of them is never parsed.
        """
        retired_only = {
            ep.key: {s for s in ep.old.segments() if not s.startswith("{")} - set(ep.new.segments())
            for ep in self.endpoints
        }
        uncovered = set(retired_only)
        chosen: set[str] = set()
        while uncovered:
            candidates = sorted({s for key in uncovered for s in retired_only[key]})
            if not candidates:  # pragma: no cover - a retired path identical to its replacement
                raise ValueError(f"retired paths {sorted(uncovered)} have no segment of their own")
            depth = {
                s: max(ep.old.segments().index(s) for ep in self.endpoints if s in ep.old.segments())
                for s in candidates
            }
            best = max(candidates, key=lambda s: (sum(s in retired_only[k] for k in uncovered), depth[s]))
            chosen.add(best)
            uncovered = {k for k in uncovered if best not in retired_only[k]}
        for ep in self.endpoints:
            chosen.update(ep.old.names)
        return tuple(sorted(t.encode() for t in chosen))

    def section(self, name: str) -> Any:
        """A catalog data file other than the endpoint list (rate limits, ...), parsed."""
        if name not in self.extra:
            raise KeyError(f"no catalog section {name!r}")
        return self.extra[name]


def media_type(version: str) -> str:
    """``application/vnd.atlas.{version}+json`` for the loaded catalog."""
    return load_catalog().media_type(version)


def _operation(raw: Mapping[str, Any], media_type_format: str) -> Operation:
    version = raw["accept_version"]
    return Operation(
        operation_id=raw["operationId"],
        aliases=tuple(raw.get("aliases", ())),
        method=raw["method"].upper(),
        path=raw["path"],
        version=version,
        media_type=media_type_format.format(version=version),
        tag=raw.get("tag", ""),
        sunset=raw.get("sunset"),
        deprecated=bool(raw.get("deprecated", False)),
    )


def _endpoint(raw: Mapping[str, Any], media_type_format: str) -> Endpoint:
    return Endpoint(
        key=raw["key"],
        old=_operation(raw["old"], media_type_format),
        new=_operation(raw["new"], media_type_format),
        path_param_map=dict(raw["path_param_map"]),
        query_params={k: tuple(v) for k, v in raw["query_params"].items()},
        response_schema=dict(raw["response_schema"]),
        response_field_map=dict(raw["response_field_map"]),
        request_field_map=dict(raw["request_field_map"]) if raw.get("request_field_map") else None,
        fields_only_in_old=tuple(raw.get("fields_only_in_old", ())),
        fields_only_in_new=tuple(raw.get("fields_only_in_new", ())),
        list_item=raw.get("list_item"),
        notes=raw.get("notes", ""),
    )


def _read_json(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


def catalog_from_data(data: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> Catalog:
    """Build a :class:`Catalog` from the parsed ``endpoints.json`` (and other sections)."""
    fmt = data["media_type_format"]
    return Catalog(
        endpoints=tuple(_endpoint(e, fmt) for e in data["endpoints"]),
        sunset=data["sunset"],
        base_url=data["base_url"],
        media_type_format=fmt,
        path_patterns=dict(data["path_patterns"]),
        error_body_fields=tuple(data["error_body_fields"]),
        auth=dict(data["auth"]),
        errors=dict(data.get("errors", {})),
        legacy_v1=dict(data.get("legacy_v1", {})),
        extra=dict(extra or {}),
    )


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with flexmigrate (parsed once per process)."""
    data_dir = resources.files(__package__).joinpath("data")
    extra = {
        entry.name.removesuffix(".json"): json.loads(entry.read_text("utf-8"))
        for entry in data_dir.iterdir()
        if entry.name.endswith(".json") and entry.name != "endpoints.json"
    }
    return catalog_from_data(_read_json("endpoints.json"), extra)
