"""The endpoint catalog: the one place where a retired or replacement endpoint is spelled.

Everything else in flexmigrate (the codemods, the sandbox, the checker, the reports) reads paths,
operation names, versions and field maps from here.  The facts live in ``data/*.json``; this module
only loads them into small immutable objects and derives what the rest of the code asks for.
Adding the next retired endpoint is a data change, not a code change.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from importlib.abc import Traversable

__all__ = [
    "Catalog",
    "CatalogError",
    "Endpoint",
    "Operation",
    "load_catalog",
    "media_type",
    "template_params",
]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
# The folder of a catalog of one's own (endpoints.json and the other sections), read instead of the
# one shipped with flexmigrate: a new retired endpoint tried before a release, or the tests' own.
CATALOG_ENV = "FLEXMIGRATE_CATALOG"


class CatalogError(ValueError):
    """The catalog data is inconsistent or cannot be read: one line saying where (the commands
    print it as a usage error, exit code 2)."""


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

    def __post_init__(self) -> None:
        where = f"operation {self.operation_id!r}"
        if not self.operation_id or self.operation_id in self.aliases:
            raise CatalogError(f"{where}: empty, or listed among its own aliases")
        if self.method not in _METHODS:
            raise CatalogError(f"{where}: unknown method {self.method!r}")
        if not self.path.startswith("/") or len(set(template_params(self.path))) != len(
            template_params(self.path)
        ):
            raise CatalogError(f"{where}: path {self.path!r} must start with / and name each parameter once")
        if not _VERSION.match(self.version):
            raise CatalogError(f"{where}: version {self.version!r} is not YYYY-MM-DD")

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
    """A retired operation and the operation that replaces it.

    The data names only what changes (``path_param_renames``, ``response_field_renames``,
    ``request_field_renames``: never ``"id" -> "id"``); the full maps are derived from them.
    """

    key: str
    old: Operation
    new: Operation
    path_param_renames: Mapping[str, str]
    query_params: Mapping[str, tuple[str, ...]]
    response_schema: Mapping[str, str]
    response_fields: tuple[str, ...]  # the retired side's fields (list endpoints: the page's)
    response_field_renames: Mapping[str, str]
    request_fields: tuple[str, ...] | None  # body keys the retired side takes (None: no body)
    request_field_renames: Mapping[str, str]
    request_fields_dropped: tuple[str, ...]  # body keys the replacement rejects
    fields_only_in_old: tuple[str, ...]
    fields_only_in_new: tuple[str, ...]
    list_item: str | None
    notes: str

    def __post_init__(self) -> None:
        where = f"endpoint {self.key!r}"
        for name, renames in (
            ("path_param_renames", self.path_param_renames),
            ("response_field_renames", self.response_field_renames),
            ("request_field_renames", self.request_field_renames),
        ):
            same = sorted(k for k, v in renames.items() if k == v)
            if same:
                raise CatalogError(
                    f"{where}: {name} maps {', '.join(same)} to itself; list only what changes"
                )
        unknown = set(self.path_param_renames) - set(self.old.path_params)
        if unknown:
            raise CatalogError(f"{where}: path_param_renames names {sorted(unknown)}, not in {self.old.path}")
        mapped = [self.path_param_renames.get(p, p) for p in self.old.path_params]
        if sorted(mapped) != sorted(self.new.path_params):
            raise CatalogError(
                f"{where}: the retired path's parameters, renamed, are {sorted(mapped)}; "
                f"the replacement's are {sorted(self.new.path_params)}"
            )
        if set(self.response_field_renames) - set(self.response_fields):
            raise CatalogError(f"{where}: response_field_renames names fields missing from response_fields")
        body = set(self.request_fields or ())
        if (set(self.request_field_renames) | set(self.request_fields_dropped)) - body:
            raise CatalogError(f"{where}: request renames or drops name keys missing from request_fields")
        if set(self.request_field_renames) & set(self.request_fields_dropped):
            raise CatalogError(f"{where}: a request key is both renamed and dropped")

    @property
    def path_param_map(self) -> dict[str, str]:
        """Every retired path parameter -> the replacement's name for it."""
        return {p: self.path_param_renames.get(p, p) for p in self.old.path_params}

    @property
    def response_field_map(self) -> dict[str, str]:
        """Every retired response field -> the replacement's name for it."""
        return {f: self.response_field_renames.get(f, f) for f in self.response_fields}

    @property
    def request_field_map(self) -> dict[str, str | None] | None:
        """Every retired request key -> the replacement's name, ``None`` where it is rejected."""
        if self.request_fields is None:
            return None
        dropped = set(self.request_fields_dropped)
        return {
            k: None if k in dropped else self.request_field_renames.get(k, k) for k in self.request_fields
        }

    @property
    def dropped_request_fields(self) -> tuple[str, ...]:
        """Request-body keys the replacement rejects."""
        return self.request_fields_dropped

    @property
    def is_list(self) -> bool:
        return self.list_item is not None


@dataclass(frozen=True, eq=False)  # one catalog is one object: hashed by identity
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
    _validated: set[str] = field(default_factory=set, repr=False)  # sections already checked
    shipped: bool = False  # the catalog in this package, whose sections the tests validate

    def __post_init__(self) -> None:
        keys = [ep.key for ep in self.endpoints]
        if len(set(keys)) != len(keys):
            raise CatalogError(f"endpoint keys repeat: {sorted(k for k in set(keys) if keys.count(k) > 1)}")
        for ep in self.endpoints:
            if ep.list_item is not None and ep.list_item not in keys:
                raise CatalogError(f"endpoint {ep.key!r}: list_item {ep.list_item!r} is not an endpoint")
            for param in {*ep.old.path_params, *ep.new.path_params}:
                if param not in self.path_patterns:
                    raise CatalogError(f"endpoint {ep.key!r}: no path_patterns entry for {{{param}}}")
        if "{version}" not in self.media_type_format:
            raise CatalogError("media_type_format must hold {version}")

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

    def retired_segments(self) -> tuple[str, ...]:
        """A smallest set of literal path segments such that every retired path holds one its
        replacement lacks (greedy set cover over the retired-only segments; ties go to the segment
        deeper in the path, the more specific one).  Today: ``tenant``."""
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
        return tuple(sorted(chosen))

    def flex_segments(self) -> tuple[str, ...]:
        """Literal segments every replacement path holds and its retired path lacks, a smallest set
        (greedy cover): a Flex URL, half migrated or not, holds one.  Today: ``flexClusters``."""
        only = {
            ep.key: {s for s in ep.new.segments() if not s.startswith("{")} - set(ep.old.segments())
            for ep in self.endpoints
        }
        uncovered, chosen = set(only), set()
        while uncovered:
            candidates = sorted({s for key in uncovered for s in only[key]})
            if not candidates:  # pragma: no cover - a replacement path identical to its retired one
                break
            best = max(candidates, key=lambda s: sum(s in only[k] for k in uncovered))
            chosen.add(best)
            uncovered = {k for k in uncovered if best not in only[k]}
        return tuple(sorted(chosen))

    def retired_path_words(self) -> tuple[str, ...]:
        """Every literal segment of a retired path (``api``, ``groups``, ``backup``, ``tenant``, ...)."""
        return tuple(sorted({s for ep in self.endpoints for s in ep.old.segments() if not s.startswith("{")}))

    def retired_names(self) -> tuple[str, ...]:
        """Every retired operation ID and historical alias."""
        return tuple(sorted({name for ep in self.endpoints for name in ep.old.names}))

    def renamed_response_keys(self) -> frozenset[str]:
        """The last key of every response field a Flex operation renames (``clusterName``).

        A read of one of these anywhere in a module that calls a retired endpoint is worth a look
        (FM302), so the analysis never masks a statement that holds one.
        """
        return frozenset(
            old.split(".")[-1].removesuffix("[]")
            for ep in self.endpoints
            for old in ep.response_field_renames
        )

    def prefilter_tokens(self) -> tuple[bytes, ...]:
        """Byte strings at least one of which every retired call site must contain.

        Derived from the data so that a new mapping cannot be forgotten: the retired segments and
        every retired operation name and alias.  A file containing none of them is never parsed.
        """
        return tuple(sorted(t.encode() for t in {*self.retired_segments(), *self.retired_names()}))

    def section(self, name: str) -> Any:
        """A catalog data file other than the endpoint list (rate limits, ...), parsed and validated.

        A section of a catalog named by ``$FLEXMIGRATE_CATALOG`` is checked against its JSON Schema
        (``catalog/schemas/NAME.schema.json``) the first time it is read.  The shipped sections are
        checked by the test suite instead (``tests/catalog/test_shipped_sections.py``), so a scan does
        not import jsonschema to re-prove them on every run.
        """
        if name not in self.extra:
            raise KeyError(f"no catalog section {name!r}")
        data = self.extra[name]
        if name not in self._validated and not self.shipped:
            _validate_section(name, data)
            self._validated.add(name)
        return data


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
    request = raw.get("request_fields")
    return Endpoint(
        key=raw["key"],
        old=_operation(raw["old"], media_type_format),
        new=_operation(raw["new"], media_type_format),
        path_param_renames=dict(raw.get("path_param_renames", {})),
        query_params={k: tuple(v) for k, v in raw["query_params"].items()},
        response_schema=dict(raw["response_schema"]),
        response_fields=tuple(raw["response_fields"]),
        response_field_renames=dict(raw.get("response_field_renames", {})),
        request_fields=tuple(request) if request is not None else None,
        request_field_renames=dict(raw.get("request_field_renames", {})),
        request_fields_dropped=tuple(raw.get("request_fields_dropped", ())),
        fields_only_in_old=tuple(raw.get("fields_only_in_old", ())),
        fields_only_in_new=tuple(raw.get("fields_only_in_new", ())),
        list_item=raw.get("list_item"),
        notes=raw.get("notes", ""),
    )


def _validate_section(name: str, data: Any) -> None:
    """Refuse a section that does not match its schema (one line: the section, the place, the problem)."""
    schema_file = resources.files(__package__).joinpath("schemas", f"{name}.schema.json")
    if not schema_file.is_file():
        return  # a section of one's own catalog without a schema: read as it is
    from jsonschema import Draft202012Validator  # only when a section is first read

    validator = Draft202012Validator(json.loads(schema_file.read_text("utf-8")))
    error = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise CatalogError(f"{name}.json at {where}: {error.message}")


def catalog_from_data(data: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> Catalog:
    """Build a :class:`Catalog` from the parsed ``endpoints.json`` (and other sections), validating it.

    Raises :class:`CatalogError` with one line saying what is wrong and where.
    """
    try:
        fmt = data["media_type_format"]
        endpoints = []
        for raw in data["endpoints"]:
            try:
                endpoints.append(_endpoint(raw, fmt))
            except (KeyError, TypeError, AttributeError) as exc:
                raise CatalogError(f"endpoint {raw.get('key', '?')!r}: missing or malformed {exc}") from None
        return Catalog(
            endpoints=tuple(endpoints),
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
    except KeyError as exc:
        raise CatalogError(f"endpoints.json: missing {exc}") from None


def _read_folder(folder: Traversable) -> Catalog:
    sections = {}
    endpoints = None
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise CatalogError(f"{folder}: cannot read the catalog folder: {exc.strerror or exc}") from None
    for entry in entries:
        if not entry.name.endswith(".json"):
            continue
        try:
            parsed = json.loads(entry.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{entry}: cannot read: {exc}") from None
        if entry.name == "endpoints.json":
            endpoints = parsed
        else:
            sections[entry.name.removesuffix(".json")] = parsed
    if endpoints is None:
        raise CatalogError(f"{folder}: no endpoints.json")
    return catalog_from_data(endpoints, sections)


@cache
def _load(folder: str | None) -> Catalog:
    if folder is None:
        return replace(_read_folder(resources.files(__package__).joinpath("data")), shipped=True)
    try:
        return _read_folder(Path(folder))
    except CatalogError as exc:
        raise CatalogError(f"${CATALOG_ENV}: {exc}") from None


def load_catalog() -> Catalog:
    """The catalog: the one shipped with flexmigrate, or the folder ``$FLEXMIGRATE_CATALOG`` names.

    Parsed once per process and folder; the sections of a folder from ``$FLEXMIGRATE_CATALOG`` are
    validated against their schemas when first read.
    """
    return _load(os.environ.get(CATALOG_ENV) or None)
