"""Apply edits (offset spans of the source text) to text; every character outside them is kept."""

from __future__ import annotations

from typing import Iterable, Sequence

from flexmigrate.report.findings import Edit, Finding


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
        out.append(text[pos:edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def select_fixes(findings: Iterable[Finding], allowed: frozenset[str]) -> tuple[list[Finding], list[Edit]]:
    """Pick the findings whose fix kind is allowed and whose edits do not clash with an earlier pick.

    Findings are taken in source order; one that overlaps an earlier pick waits for the next pass
    (the pipeline re-analyses after applying, as ruff does).
    """
    chosen: list[Finding] = []
    edits: list[Edit] = []
    for finding in findings:
        if not finding.edits or finding.fix.value not in allowed:
            continue
        if overlaps(finding.edits, edits):
            continue
        chosen.append(finding)
        edits.extend(finding.edits)
    return chosen, edits
