"""Bring both families' representations into one comparable shape before they are compared.

Two kinds of step, both driven by data:

* **renames** from the catalog's field map (``clusterName`` -> ``instanceName``, also inside list
  items: ``results[].clusterName``), applied to the retired representation only, so that the
  comparison is on the replacement's names;
* **value normalisers**, each applied to the fields its globs select: ``timestamp`` (ISO 8601 values
  compared to the second, in UTC), ``url`` (URLs compared without their query string and fragment,
  which is where presigned URLs keep their signature and expiry) and ``catalog_path`` (an
  ``href`` is compared by its API path alone, a retired path rewritten to the replacement path the
  catalog maps it to, because each family links to itself by design).

Normalising never mutates its input: the raw responses are what ``--record`` writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit, urlunsplit

from flexmigrate.catalog import Catalog
from flexmigrate.check import paths
from flexmigrate.check.paths import GlobSet

Json = Any

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def timestamp_to_second(value: Json) -> Json:
    """``2026-01-02T03:04:05.678Z`` -> ``2026-01-02T03:04:05Z``; anything else unchanged."""
    if not isinstance(value, str) or not _ISO.match(value):
        return value
    text = value.replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def url_without_query(value: Json) -> Json:
    """``https://h/p?X-Amz-Signature=..`` -> ``https://h/p``; anything that is not a URL unchanged."""
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        return value
    parts = urlsplit(value)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class CatalogPathMapper:
    """Reduces a link to its API path, rewriting a retired path template into the replacement's path.

    Scheme and host are dropped: they name the deployment (an Atlas for Government host, a sandbox
    port, the host a baseline was recorded against), not the resource.

    Built from every endpoint of the catalog, so a self link of the retired family
    (``.../clusters/c/backup/tenant/restores/ID``) compares equal to the replacement's
    (``.../flexClusters/c/backup/restoreJobs/ID``) exactly when the catalog says they correspond.
    """

    def __init__(self, catalog: Catalog) -> None:
        rules: list[tuple[re.Pattern[str], str, Mapping[str, str]]] = []
        seen: set[str] = set()
        for ep in catalog.endpoints:
            if ep.old.path in seen:
                continue
            seen.add(ep.old.path)
            regex = "".join(
                f"(?P<{seg[1:-1]}>[^/]+)" if seg.startswith("{") else re.escape(seg)
                for seg in re.split(r"(\{[^{}]+\})", ep.old.path)
            )
            rules.append((re.compile(regex + "$"), ep.new.path, ep.path_param_map))
        self._rules = rules

    def __call__(self, value: Json) -> Json:
        if not isinstance(value, str):
            return value
        parts = urlsplit(value)
        path = parts.path if parts.scheme else value
        for regex, new_template, param_map in self._rules:
            m = regex.search(path)
            if m is None:
                continue
            values = {param_map.get(k, k): v for k, v in m.groupdict().items()}
            return path[: m.start()] + new_template.format(**values)
        return path


@dataclass(frozen=True)
class Rules:
    """Which normaliser applies where, and which fields are not compared at all."""

    normalise: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # normaliser -> globs
    ignore: tuple[str, ...] = ()

    def merged(self, other: "Rules") -> "Rules":
        """These rules plus ``other``'s (globs are added, never removed)."""
        names = dict.fromkeys([*self.normalise, *other.normalise])
        return Rules(
            normalise={
                n: tuple(dict.fromkeys([*self.normalise.get(n, ()), *other.normalise.get(n, ())]))
                for n in names
            },
            ignore=tuple(dict.fromkeys([*self.ignore, *other.ignore])),
        )


NORMALISER_NAMES = ("timestamp", "url", "catalog_path")


class Normaliser:
    """Renames and value normalisers for one endpoint pair, compiled once per run."""

    def __init__(self, catalog: Catalog, renames: Mapping[str, str], rules: Rules) -> None:
        unknown = set(rules.normalise) - set(NORMALISER_NAMES)
        if unknown:
            raise ValueError(f"unknown normaliser(s) {sorted(unknown)}; known: {list(NORMALISER_NAMES)}")
        self._renames = [_compile_rename(old, new) for old, new in renames.items()]
        funcs: dict[str, Callable[[Json], Json]] = {
            "timestamp": timestamp_to_second,
            "url": url_without_query,
            "catalog_path": CatalogPathMapper(catalog),
        }
        # catalog_path must run before url, which would otherwise leave nothing to map but the path.
        order = ("catalog_path", "timestamp", "url")
        self._steps = [(GlobSet(rules.normalise[n]), funcs[n]) for n in order if rules.normalise.get(n)]

    def old(self, doc: Json) -> Json:
        """The retired representation, renamed onto the replacement's field names and normalised."""
        return self._values(self.rename(doc), "")

    def new(self, doc: Json) -> Json:
        return self._values(doc, "")

    def rename(self, doc: Json) -> Json:
        doc = _copy(doc)
        for parent, old_key, new_key in self._renames:
            for holder in _walk(doc, parent):
                if isinstance(holder, dict) and old_key in holder and new_key not in holder:
                    holder[new_key] = holder.pop(old_key)
        return doc

    def _values(self, value: Json, path: str) -> Json:
        if isinstance(value, dict):
            return {k: self._values(v, paths.child(path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._values(v, paths.item(path, i)) for i, v in enumerate(value)]
        for globs, func in self._steps:
            if globs.matches(path):
                value = func(value)
        return value


def _compile_rename(old: str, new: str) -> tuple[list[str], str, str]:
    old_parts, new_parts = paths.split(old), paths.split(new)
    if old_parts[:-1] != new_parts[:-1] or old_parts[-1] == "[]" or new_parts[-1] == "[]":
        raise ValueError(
            f"field map entry {old!r} -> {new!r} moves a field; only renames in place are supported"
        )
    return old_parts[:-1], old_parts[-1], new_parts[-1]


def _walk(doc: Json, parts: list[str]) -> list[Json]:
    """Every value at the generic path ``parts`` (``[]`` fans out over list items)."""
    level = [doc]
    for part in parts:
        nxt: list[Json] = []
        for node in level:
            if part == "[]":
                if isinstance(node, list):
                    nxt.extend(node)
            elif isinstance(node, dict) and part in node:
                nxt.append(node[part])
        level = nxt
    return level


def _copy(value: Json) -> Json:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
