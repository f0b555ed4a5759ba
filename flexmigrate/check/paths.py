"""Field paths: how the checker names a place inside a JSON document.

A *concrete* path names one value (``links[0].href``); its *generic* path names every value in the
same place of any item (``links[].href``), the notation the catalog's field maps already use.
Ignore rules and normalisers are globs on generic paths, and a glob also covers everything beneath
the place it names (``links`` covers ``links[].href``).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterable

from flexmigrate.models.check_results import generic_path as generic


def child(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def item(parent: str, index: int) -> str:
    return f"{parent}[{index}]"


def ancestors(path: str) -> list[str]:
    """The path and every path above it, deepest first: ``a[].b`` -> ``a[].b``, ``a[]``, ``a``."""
    out = [path]
    cur = path
    while True:
        cut = max(cur.rfind("."), cur.rfind("["))
        if cut <= 0:
            break
        cur = cur[:cut]
        out.append(cur)
    return out


def split(path: str) -> list[str]:
    """``results[].clusterName`` -> ``["results", "[]", "clusterName"]``."""
    parts: list[str] = []
    for dotted in path.split("."):
        while "[]" in dotted:
            head, _, dotted = dotted.partition("[]")
            if head:
                parts.append(head)
            parts.append("[]")
        if dotted:
            parts.append(dotted)
    return parts


class GlobSet:
    """A set of globs on generic field paths; a glob matches a path or any of its ancestors."""

    def __init__(self, globs: Iterable[str] = ()) -> None:
        self.globs = tuple(dict.fromkeys(globs))
        self._cache: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.globs)

    def __repr__(self) -> str:
        return f"GlobSet({list(self.globs)!r})"

    def matches(self, path: str) -> bool:
        key = generic(path)
        hit = self._cache.get(key)
        if hit is None:
            hit = any(fnmatchcase(p, g) for p in ancestors(key) for g in self.globs)
            if len(self._cache) < 10_000:
                self._cache[key] = hit
        return hit
