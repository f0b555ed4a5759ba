"""``--ids-file``: the IDs to check, read twice and never held in memory.

One line per ID, ``[RESOURCE:][CLUSTER/]ID`` (``RESOURCE`` is ``restores`` by default, or
``snapshots``), ``#`` starts a comment.  The file is read once up front, to refuse a malformed line
before any request and to learn the counts and cluster names, and once more while the run goes, one
line at a time, so checking a million IDs costs no more memory than checking a thousand.  Lines are
checked as given: a repeated line is checked twice.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from flexmigrate.check.config import IdSpec

DEFAULT_RESOURCE = "restores"


class IdsFileError(ValueError):
    """A line that cannot be an ID (with its line number)."""


def split_id(value: str, resource: str) -> IdSpec:
    """``[CLUSTER/]ID`` of ``resource``; cluster names are interned (thousands of IDs share a few)."""
    cluster, sep, item = value.strip().rpartition("/")
    return IdSpec(resource, item, sys.intern(cluster) if sep else None)


def parse_line(raw: str) -> IdSpec | None:
    line = raw.split("#", 1)[0].strip()
    if not line:
        return None
    resource, sep, rest = line.partition(":")
    return split_id(rest, sys.intern(resource)) if sep else split_id(line, DEFAULT_RESOURCE)


def iter_ids(path: Path) -> Iterator[tuple[int, IdSpec]]:
    """(line number, spec) for every ID line, streamed."""
    with open(path, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            spec = parse_line(raw)
            if spec is not None:
                yield number, spec


@dataclass
class IdsFileSummary:
    """What the up-front pass learned: per-resource counts, the clusters named, any bare ID."""

    counts: dict[str, int] = field(default_factory=dict)
    clusters: set[str] = field(default_factory=set)
    bare: bool = False


def scan(path: Path, check: Callable[[IdSpec], None]) -> IdsFileSummary:
    """Validate every line with ``check`` (which raises ValueError) and summarise the file."""
    out = IdsFileSummary()
    for number, spec in iter_ids(path):
        try:
            check(spec)
        except ValueError as exc:
            raise IdsFileError(f"{path}:{number}: {exc}") from None
        out.counts[spec.resource] = out.counts.get(spec.resource, 0) + 1
        if spec.cluster is None:
            out.bare = True
        else:
            out.clusters.add(spec.cluster)
    return out
