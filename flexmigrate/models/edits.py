"""Apply edits (offset spans of the source text) to text; every character outside them is kept."""

from __future__ import annotations

from typing import Iterable, Sequence

from flexmigrate.models.findings import Edit, Finding, FixKind


def overlaps(a: Sequence[Edit], b: Sequence[Edit]) -> bool:
    """True if any edit of ``a`` touches a span of ``b`` (two inserts at one point count)."""
    for x in a:
        for y in b:
            if x.start < y.end and y.start < x.end:
                return True
            if x.start == y.start and (x.start == x.end or y.start == y.end):
                return True
    return False


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit applied.  Edits must not overlap (``ValueError`` otherwise)."""
    ordered = sorted(set(edits))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos or edit.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit at {edit.start}..{edit.end}")
        out.append(text[pos : edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def units(findings: Iterable[Finding]) -> list[list[Finding]]:
    """Findings grouped by request unit, in source order of each unit's first member."""
    grouped: dict[object, list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        key = ("unit", finding.unit) if finding.unit is not None else ("own", id(finding))
        grouped.setdefault(key, []).append(finding)
    return list(grouped.values())


def select_fixes(
    findings: Iterable[Finding], allowed: frozenset[FixKind]
) -> tuple[list[Finding], list[Edit]]:
    """Pick whole units whose fixes are all allowed and clash with no earlier pick.

    A unit is taken only when every member has a fix of an allowed kind and none of its edits
    touches an edit already picked; otherwise none of it is taken in this pass (a clash waits for
    the next pass, after the fixer has analysed the text again, as ruff does).  So a request is
    never half applied, whatever the order of its members.
    """
    chosen: list[Finding] = []
    edits: list[Edit] = []
    for unit in units(findings):
        if not all(f.fixable and f.fix in allowed for f in unit):
            continue
        unit_edits = [e for f in unit for e in f.edits]
        if overlaps(unit_edits, edits) or _self_overlapping(unit_edits):
            continue
        chosen.extend(unit)
        edits.extend(unit_edits)
    return chosen, edits


def _self_overlapping(edits: Sequence[Edit]) -> bool:
    distinct = sorted(set(edits))
    return any(
        b.start < a.end or (a.start == b.start and a.start == a.end) for a, b in zip(distinct, distinct[1:])
    )
