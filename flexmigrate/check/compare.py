"""Generic structural comparison of two JSON documents, field by field.

Knows nothing about Atlas: it walks two normalised documents together and names every place where
they differ by its field path and a :class:`~flexmigrate.models.check_results.DiffKind`.  Object keys are
compared as sets (field order never matters); list items are compared position by position.  A
field present on one side only is one difference for the whole subtree, not one per leaf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flexmigrate.check import paths
from flexmigrate.check.paths import GlobSet
from flexmigrate.models.check_results import Difference, DiffKind

Json = Any


def json_type(value: Json) -> str:
    """The JSON type name of a parsed value (``int`` and ``float`` are both ``number``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing two documents."""

    differences: tuple[Difference, ...]
    compared: tuple[str, ...]  # generic paths of every compared leaf (or one-sided subtree)

    @property
    def equal(self) -> bool:
        return not self.differences


def compare(old: Json, new: Json) -> Comparison:
    """Every difference between ``old`` and ``new`` (both already normalised)."""
    diffs: list[Difference] = []
    compared: dict[str, None] = {}
    _walk(old, new, "", diffs, compared)
    return Comparison(tuple(diffs), tuple(compared))


def _walk(old: Json, new: Json, path: str, diffs: list[Difference], compared: dict[str, None]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            sub = paths.child(path, key)
            if key in old and key in new:
                _walk(old[key], new[key], sub, diffs, compared)
            else:
                compared[paths.generic(sub)] = None
                if key in old:
                    diffs.append(Difference(sub, DiffKind.ONLY_IN_OLD, old[key], None))
                else:
                    diffs.append(Difference(sub, DiffKind.ONLY_IN_NEW, None, new[key]))
        return
    if isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            sub = paths.item(path, i)
            if i < len(old) and i < len(new):
                _walk(old[i], new[i], sub, diffs, compared)
            else:
                compared[paths.generic(sub)] = None
                if i < len(old):
                    diffs.append(Difference(sub, DiffKind.ONLY_IN_OLD, old[i], None))
                else:
                    diffs.append(Difference(sub, DiffKind.ONLY_IN_NEW, None, new[i]))
        return
    compared[paths.generic(path)] = None
    if json_type(old) != json_type(new):
        diffs.append(Difference(path, DiffKind.TYPE_CHANGED, old, new))
    elif old != new:
        diffs.append(Difference(path, DiffKind.DIFFERENT, old, new))


@dataclass(frozen=True)
class Partition:
    """A comparison split by the run's rules: what counts, what is noise, what was silenced."""

    differences: tuple[Difference, ...]
    volatile: tuple[str, ...]
    ignored: tuple[str, ...]
    compared: tuple[str, ...]


def partition(comparison: Comparison, ignore: GlobSet, volatile: frozenset[str] = frozenset()) -> Partition:
    """Drop ignored fields, move fields that changed on their own (``volatile``, generic paths) aside."""
    kept: list[Difference] = []
    noisy: dict[str, None] = {}
    silenced: dict[str, None] = {}
    for diff in comparison.differences:
        gpath = paths.generic(diff.field)
        if ignore and ignore.matches(gpath):
            silenced[gpath] = None
        elif any(p in volatile for p in paths.ancestors(gpath)):
            noisy[gpath] = None
        else:
            kept.append(diff)
    compared = tuple(p for p in comparison.compared if not (ignore and ignore.matches(p)) and p not in noisy)
    return Partition(tuple(kept), tuple(noisy), tuple(silenced), compared)


def volatile_fields(first: Json, second: Json) -> frozenset[str]:
    """Generic paths that differ between two fetches of the same representation (Diffy's noise)."""
    return frozenset(paths.generic(d.field) for d in compare(first, second).differences)
