"""The one model of ``flexmigrate check`` results; every check report (text, JSON, JUnit, Markdown) is a view of it.

A run produces a stream of :class:`CheckResult` (one per checked ID, in completion order), a list of
:class:`ListDelta` (IDs one family lists and the other does not) and, at the end, a
:class:`RunSummary` that was folded from the stream as it went.  Results are never all kept: the
summary holds counts and per-field statistics only, so memory stays flat however many IDs a run checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Mapping


class Verdict(str, Enum):
    """What a check concluded about one ID."""

    MATCH = "match"  # both families answered and agree (volatile fields aside)
    MISMATCH = "mismatch"  # both answered and disagree on at least one compared field
    OLD_RETIRED = "old-retired"  # the retired family answers 404/410; the new answer was schema-checked
    MISSING_IN_NEW = "missing-in-new"  # the retired family knows the ID, the replacement does not
    # The retired family still answers (its list did) but does not hold the ID: only the replacement
    # knows it; the new answer was schema-checked.
    ONLY_IN_NEW = "only-in-new"
    ERROR = "error"  # the ID could not be checked (transport failure, bad response, ...)

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


class DiffKind(str, Enum):
    """How one field differs between the retired and the replacement representation."""

    DIFFERENT = "different"
    ONLY_IN_OLD = "only-in-old"
    ONLY_IN_NEW = "only-in-new"
    TYPE_CHANGED = "type-changed"
    SCHEMA = "schema"  # the replacement's value breaks the replacement's own schema

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


_INDEX = re.compile(r"\[\d+\]")


def generic_path(path: str) -> str:
    """``links[0].href`` -> ``links[].href``: the name per-field statistics are kept under."""
    return _INDEX.sub("[]", path)


#: Verdicts that mean "the replacement does not serve what the retired endpoint served".
FAILING_VERDICTS = frozenset({Verdict.MISMATCH, Verdict.MISSING_IN_NEW})


@dataclass(frozen=True)
class Difference:
    """One field that differs; ``field`` is a generic path such as ``links[].href``."""

    field: str
    kind: DiffKind
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind.value, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one ID of one resource (a restore job or a snapshot) of one cluster."""

    resource: str  # the catalog key of the item endpoint, e.g. "get_restore_job"
    id_param: str  # the retired path's name for the ID, e.g. "restoreId"
    cluster: str
    id: str
    verdict: Verdict
    differences: tuple[Difference, ...] = ()
    volatile: tuple[str, ...] = ()  # fields that changed between two fetches of the retired family
    compared: tuple[str, ...] = ()  # every field path that was compared (for per-field rates)
    ignored: tuple[str, ...] = ()  # differing fields an ignore rule silenced
    error: str | None = None
    old_status: int | None = None
    new_status: int | None = None
    source: str = "live"  # "live" or "baseline": where the retired representation came from
    # Differences of hypermedia (links), compared only when both families send it; never data.
    hypermedia: tuple[Difference, ...] = ()

    @property
    def failed(self) -> bool:
        return self.verdict in FAILING_VERDICTS or any(d.kind is DiffKind.SCHEMA for d in self.differences)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "resource": self.resource,
            "cluster": self.cluster,
            "id": self.id,
            "id_param": self.id_param,
            self.id_param_key: self.id,
            "verdict": self.verdict.value,
            "differences": [d.to_dict() for d in self.differences],
            "volatile": list(self.volatile),
            "ignored": list(self.ignored),
            "old_status": self.old_status,
            "new_status": self.new_status,
            "source": self.source,
        }
        if self.hypermedia:
            out["hypermedia"] = [d.to_dict() for d in self.hypermedia]
        if self.error is not None:
            out["error"] = self.error
        return out

    @property
    def id_param_key(self) -> str:
        """``restore_id`` / ``snapshot_id``: the snake_case name of the ID parameter."""
        return _snake(self.id_param)


def _snake(name: str) -> str:
    out = []
    for ch in name:
        if ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class ListDelta:
    """IDs that one family's list endpoint returns and the other's does not."""

    resource: str  # catalog key of the list endpoint
    cluster: str
    only_in_old: tuple[str, ...]
    only_in_new: tuple[str, ...]
    old_available: bool = True  # False when the retired list answered 404/410 (nothing to compare)

    @property
    def failed(self) -> bool:
        return bool(self.only_in_old)

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "cluster": self.cluster,
            "only_in_old": list(self.only_in_old),
            "only_in_new": list(self.only_in_new),
            "old_available": self.old_available,
        }


@dataclass
class FieldStats:
    """How often one field was compared, and how it differed."""

    compared: int = 0
    mismatched: int = 0
    volatile: int = 0
    ignored: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.mismatched / self.compared if self.compared else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "compared": self.compared,
            "mismatched": self.mismatched,
            "rate": round(self.rate, 6),
            "volatile": self.volatile,
            "ignored": self.ignored,
            "kinds": dict(sorted(self.kinds.items())),
        }


@dataclass
class RunSummary:
    """Counts folded from the result stream; the only thing a run keeps about every ID."""

    counts: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in Verdict})
    fields: dict[str, FieldStats] = field(default_factory=dict)
    lists: list[ListDelta] = field(default_factory=list)
    max_mismatch_rate: float | None = None
    interrupted: bool = False
    settings: dict[str, Any] = field(default_factory=dict)  # seed, sample size, clusters, ...
    failed_ids: int = 0
    problems: list[str] = field(default_factory=list)  # e.g. a list endpoint that could not be read
    hypermedia: dict[str, int] = field(default_factory=dict)  # links differing (by field), never data

    def add(self, result: CheckResult) -> None:
        self.counts[result.verdict.value] += 1
        for diff in result.hypermedia:
            gpath = generic_path(diff.field)
            self.hypermedia[gpath] = self.hypermedia.get(gpath, 0) + 1
        if result.failed:
            self.failed_ids += 1
        differing = {generic_path(d.field): d for d in result.differences if d.kind is not DiffKind.SCHEMA}
        for path in result.compared:
            stats = self.fields.setdefault(path, FieldStats())
            stats.compared += 1
            diff = differing.get(path)
            if diff is not None:
                stats.mismatched += 1
                stats.kinds[diff.kind.value] = stats.kinds.get(diff.kind.value, 0) + 1
        for path in result.volatile:
            self.fields.setdefault(path, FieldStats()).volatile += 1
        for path in result.ignored:
            self.fields.setdefault(path, FieldStats()).ignored += 1
        compared = set(result.compared)
        for diff in result.differences:
            gpath = generic_path(diff.field)
            if diff.kind is not DiffKind.SCHEMA and gpath in compared:
                continue
            stats = self.fields.setdefault(gpath, FieldStats())
            stats.mismatched += 1
            stats.kinds[diff.kind.value] = stats.kinds.get(diff.kind.value, 0) + 1

    def add_list(self, delta: ListDelta) -> None:
        self.lists.append(delta)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def fields_over_threshold(self) -> list[str]:
        if self.max_mismatch_rate is None:
            return [name for name, st in self.fields.items() if st.mismatched]
        return [name for name, st in self.fields.items() if st.rate > self.max_mismatch_rate]

    @property
    def parity(self) -> bool:
        """True when nothing the run saw disproves parity (errors aside: see :attr:`exit_code`)."""
        missing = self.counts[Verdict.MISSING_IN_NEW.value]
        missing_ok = (
            missing == 0
            if self.max_mismatch_rate is None
            else (missing / self.total if self.total else 0.0) <= self.max_mismatch_rate
        )
        schema_failures = any(st.kinds.get(DiffKind.SCHEMA.value) for st in self.fields.values())
        return (
            not self.fields_over_threshold()
            and missing_ok
            and not schema_failures
            and not any(d.failed for d in self.lists)
        )

    @property
    def exit_code(self) -> int:
        """0 parity, 1 differences, 2 some ID could not be checked (or the run was interrupted)."""
        if self.counts[Verdict.ERROR.value] or self.interrupted or self.problems or self.total == 0:
            return 2
        return 0 if self.parity else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "counts": dict(self.counts),
            "parity": self.parity,
            "exit_code": self.exit_code,
            "interrupted": self.interrupted,
            "problems": list(self.problems),
            "hypermedia": dict(sorted(self.hypermedia.items())),
            "lists": [d.to_dict() for d in self.lists],
            "max_mismatch_rate": self.max_mismatch_rate,
            "fields": {name: st.to_dict() for name, st in sorted(self.fields.items())},
            "settings": dict(self.settings),
        }


def summarise(results: Iterable[CheckResult], **settings: Any) -> RunSummary:
    """Fold finished results into a summary (the runner does this incrementally)."""
    summary = RunSummary(settings=dict(settings))
    for result in results:
        summary.add(result)
    return summary


def result_from_dict(raw: Mapping[str, Any]) -> CheckResult:
    """Rebuild a result from its JSON form (used to read back a streamed report)."""
    return CheckResult(
        resource=raw["resource"],
        id_param=raw.get("id_param", "id"),
        cluster=raw["cluster"],
        id=raw["id"],
        verdict=Verdict(raw["verdict"]),
        differences=tuple(
            Difference(d["field"], DiffKind(d["kind"]), d.get("old"), d.get("new"))
            for d in raw["differences"]
        ),
        volatile=tuple(raw.get("volatile", ())),
        ignored=tuple(raw.get("ignored", ())),
        error=raw.get("error"),
        old_status=raw.get("old_status"),
        new_status=raw.get("new_status"),
        source=raw.get("source", "live"),
    )
