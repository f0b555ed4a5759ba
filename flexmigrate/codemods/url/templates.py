"""Segment-level rewrites derived from the catalog's old and new path templates.

The rewrite of a retired path is never spelled in code: the old and new templates are split on ``/``,
cut into chunks at their placeholders (the placeholders are the holes the user's values go into, so
they must line up one to one), and each pair of chunks is trimmed of the segments they share.  What is
left is a :class:`Change` -- "these old literal segments become those new ones".  A new catalog entry
therefore needs no code.  The legacy ``/api/atlas/v1.0`` prefix gets its own templates whose prefix
change (``v1.0`` -> ``v2``) is derived the same way from the catalog's ``legacy_v1`` section.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flexmigrate.catalog import Catalog, Endpoint

__all__ = ["Change", "Template", "TemplateError", "templates_for", "is_placeholder"]


class TemplateError(ValueError):
    """The catalog holds a pair of paths whose placeholders do not line up."""


def is_placeholder(segment: str) -> bool:
    """``{name}`` segments are holes in a template."""
    return segment.startswith("{") and segment.endswith("}")


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/"))


@dataclass(frozen=True)
class Change:
    """Old template segments ``[start, end)`` become ``new`` (which may be empty: a deletion)."""

    start: int
    end: int
    new: tuple[str, ...]
    old: tuple[str, ...]

    @property
    def new_text(self) -> str:
        return "/".join(self.new)

    @property
    def old_text(self) -> str:
        return "/".join(self.old)


@dataclass(frozen=True)
class Template:
    """One retired path template and how to turn it into its replacement."""

    endpoint: Endpoint
    segments: tuple[str, ...]  # the old path, split on "/"
    changes: tuple[Change, ...]
    prefix_len: int  # leading segments that form the API prefix (api/atlas/<version>)
    legacy_v1: bool = False

    @property
    def changed_indexes(self) -> frozenset[int]:
        return frozenset(i for c in self.changes for i in range(c.start, c.end))

    @property
    def evidence(self) -> tuple[str, ...]:
        """Old literal segments that identify this retired family.

        The last change of a path is the family-specific one (``tenant/restores``); earlier changes
        rename a parent collection that other, still-served endpoints share (``clusters``), so only
        the last one is proof that a half-visible URL belongs to the retired family.
        """
        return self.changes[-1].old if self.changes else ()

    @property
    def old_path(self) -> str:
        return "/" + "/".join(self.segments)


def align(old: tuple[str, ...], new: tuple[str, ...], offset: int = 0) -> tuple[Change, ...]:
    """The changes that turn ``old`` segments into ``new`` ones, placeholders being fixed points."""
    old_holes = [i for i, s in enumerate(old) if is_placeholder(s)]
    new_holes = [i for i, s in enumerate(new) if is_placeholder(s)]
    if len(old_holes) != len(new_holes):
        raise TemplateError(f"placeholders do not line up: {'/'.join(old)} vs {'/'.join(new)}")
    changes: list[Change] = []
    old_bounds = [-1, *old_holes, len(old)]
    new_bounds = [-1, *new_holes, len(new)]
    for k in range(len(old_bounds) - 1):
        o_lo, o_hi = old_bounds[k] + 1, old_bounds[k + 1]
        n_lo, n_hi = new_bounds[k] + 1, new_bounds[k + 1]
        # Trim the segments both chunks share at either end.
        while o_lo < o_hi and n_lo < n_hi and old[o_lo] == new[n_lo]:
            o_lo, n_lo = o_lo + 1, n_lo + 1
        while o_lo < o_hi and n_lo < n_hi and old[o_hi - 1] == new[n_hi - 1]:
            o_hi, n_hi = o_hi - 1, n_hi - 1
        if o_lo == o_hi and n_lo == n_hi:
            continue
        if o_lo == o_hi:
            # A pure insertion has no old text to anchor an edit to; the data has none today.
            raise TemplateError(f"insertion without old segments in {'/'.join(old)}")
        changes.append(Change(o_lo + offset, o_hi + offset, tuple(new[n_lo:n_hi]), tuple(old[o_lo:o_hi])))
    return tuple(changes)


def _build(catalog: Catalog) -> tuple[Template, ...]:
    v2_prefix = _segments(catalog.legacy_v1.get("v2_prefix", "")) if catalog.legacy_v1 else ()
    v1_prefix = _segments(catalog.legacy_v1.get("prefix", "")) if catalog.legacy_v1 else ()
    out: list[Template] = []
    for ep in catalog.endpoints:
        old, new = ep.old.segments(), ep.new.segments()
        prefix_len = len(v2_prefix) if v2_prefix and old[: len(v2_prefix)] == v2_prefix else 0
        out.append(Template(ep, old, align(old, new), prefix_len))
        if prefix_len and v1_prefix:
            rest = old[prefix_len:]
            legacy = v1_prefix + rest
            changes = align(v1_prefix, v2_prefix) + align(rest, new[prefix_len:], offset=len(v1_prefix))
            out.append(Template(ep, legacy, changes, len(v1_prefix), legacy_v1=True))
    return tuple(out)


_CACHE: dict[int, tuple[Catalog, tuple[Template, ...]]] = {}


def templates_for(catalog: Catalog) -> tuple[Template, ...]:
    """The templates of ``catalog`` (built once per catalog object)."""
    hit = _CACHE.get(id(catalog))
    if hit is None or hit[0] is not catalog:
        hit = (catalog, _build(catalog))
        _CACHE[id(catalog)] = hit
    return hit[1]


@cache
def safe_replacement_chars() -> frozenset[str]:
    """Characters a replacement may contain without escaping in any kind of string or template.

    Anything else (quotes, backslashes, braces, ``%``) would need escaping that depends on the
    string's form, so such a rewrite is reported instead of guessed.
    """
    import string

    return frozenset(string.ascii_letters + string.digits + "-._~/")
