"""Line a skeleton up with the catalog's path templates and say what would change, and how surely.

The skeleton's flat text is cut into path segments on its literal ``/`` characters (the query string
and fragment, after the first literal ``?`` or ``#``, are left alone) and compared with a template
from the right, where paths differ: the family-specific tail (``backup/tenant/restores``) is what
decides, the prefix may be a scheme and host, an unknown base URL, or nothing at all.

A segment of the template is matched *exactly* (the same literal text), by a *placeholder* (any
non-empty text or hole), or *not at all* (a hole stands where a literal segment must be).  The result
records every reason the rewrite cannot be proven, so the caller can choose between a safe fix, an
unsafe one and a report for a human.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from codemods.url.skeleton import HOLE, Lit, Skeleton
from codemods.url.templates import Change, Template, is_placeholder, safe_replacement_chars
from flexmigrate.report.findings import Edit

__all__ = ["Problem", "Match", "PlannedEdit", "match_template", "best_match", "plan_edits"]


class Problem(str, Enum):
    """Why a match falls short of a proven rewrite (the value is the rule code it maps to)."""

    RUNTIME_SEGMENT = "FM110"  # a literal segment of the template is a value computed at run time
    HALF_VISIBLE = "FM111"  # a literal that must change is split by a hole or lives in an unseen value
    APPENDED_LATER = "FM112"  # the segment list is extended by later statements
    NOT_EDITABLE = "FM114"  # the text that must change is an escape sequence, shared, or in a constant
    UNSEEN_GROUPS = "FM105"  # the groups/{id} part is inside a value that cannot be seen
    RELATIVE_JOIN = "FM104"  # a relative path joined to a base that cannot be seen
    RUNTIME_SUFFIX = "FM106"  # a run-time value is glued right after the last path segment


MANUAL_PROBLEMS = frozenset(
    {Problem.RUNTIME_SEGMENT, Problem.HALF_VISIBLE, Problem.APPENDED_LATER, Problem.NOT_EDITABLE}
)


@dataclass
class Match:
    """How one skeleton lines up with one template."""

    template: Template
    skeleton: Skeleton
    exact: dict[int, tuple[int, int]]  # template segment index -> flat span of the same literal text
    path_end: int
    anchor: str  # "api": the API prefix is visible; "groups": groups/{id} is; "tail": neither
    problems: dict[Problem, str] = field(default_factory=dict)

    @property
    def strict(self) -> bool:
        return not self.problems

    @property
    def manual(self) -> bool:
        return any(p in MANUAL_PROBLEMS for p in self.problems)

    def rank(self) -> tuple[int, int, int]:
        tier = 0 if self.strict else (2 if self.manual else 1)
        return (tier, -len(self.exact))


def _segments(flat: str) -> tuple[list[tuple[int, int]], int]:
    """Spans of the path segments of ``flat`` and where the path ends."""
    end = len(flat)
    for i, ch in enumerate(flat):
        if ch in "?#":
            end = i
            break
    spans: list[tuple[int, int]] = []
    start = 0
    for i in range(end + 1):
        if i == end or flat[i] == "/":
            spans.append((start, i))
            start = i + 1
    return spans, end


def _compatible(text: str, literal: str) -> bool:
    """Could ``text`` (literal with holes) be ``literal`` once its holes are filled?"""
    pattern = ".*".join(re.escape(part) for part in text.split(HOLE))
    return re.fullmatch(pattern, literal, re.S) is not None


def match_template(sk: Skeleton, template: Template, flat: str | None = None) -> Match | None:
    """The match of ``sk`` against ``template``, or ``None`` when the skeleton is not that path."""
    flat = sk.flat if flat is None else flat
    spans, path_end = _segments(flat)
    if len(spans) > 1 and spans[-1][0] == spans[-1][1]:
        spans = spans[:-1]  # a trailing slash
    first = 1 if len(spans) > 1 and spans[0][0] == spans[0][1] else 0
    segs = template.segments
    i, j = len(spans) - 1, len(segs) - 1
    exact: dict[int, tuple[int, int]] = {}
    problems: dict[Problem, str] = {}
    base_hole = False
    while j >= 0 and i >= first:
        a, b = spans[i]
        text, want = flat[a:b], segs[j]
        if is_placeholder(want):
            if not text:
                return None
        elif text == want:
            exact[j] = (a, b)
        elif HOLE in text:
            if j < template.prefix_len:
                base_hole = True  # the API prefix comes from a base URL we cannot see
                break
            if not _compatible(text, want):
                return None
            if i == len(spans) - 1 and text.startswith(want) and text[len(want) :] == HOLE:
                if j in template.changed_indexes:
                    problems[Problem.HALF_VISIBLE] = f"the segment '{want}' is completed by a run-time value"
                else:
                    problems[Problem.RUNTIME_SUFFIX] = f"a run-time value follows '{want}' directly"
            elif text == HOLE:
                problems[Problem.RUNTIME_SEGMENT] = f"the segment where '{want}' belongs is chosen at run time"
            else:
                problems[Problem.HALF_VISIBLE] = f"the segment '{want}' is split around a run-time value"
        else:
            return None
        i, j = i - 1, j - 1
    visible_from = j + 1
    if template.legacy_v1 and j >= 0:
        return None  # a legacy template only differs from the v2 one in its prefix: it must be seen
    if j < 0:
        anchor = "api"
    elif base_hole or visible_from <= template.prefix_len:
        anchor = "groups"
    else:
        # Neither the API prefix nor groups/{id} is visible: only a URL whose beginning is a value
        # we cannot see can still be the retired path; literal text before it makes it another route.
        lead = flat[spans[first][0] : spans[first][1]] if spans else ""
        if not (lead.startswith(HOLE) or "relative-join" in sk.notes):
            return None
        anchor = "tail"
        unseen = [segs[k] for k in sorted(template.changed_indexes) if k < visible_from]
        if unseen:
            problems[Problem.HALF_VISIBLE] = (
                f"'{'/'.join(unseen)}' must change too but is inside a value that cannot be seen"
            )
        else:
            problems[Problem.UNSEEN_GROUPS] = "the groups/{id} part of the URL is inside a value that cannot be seen"
    if "relative-join" in sk.notes:
        problems[Problem.RELATIVE_JOIN] = "a relative path is joined to a base URL that cannot be seen"
    if "appended-later" in sk.notes:
        problems[Problem.APPENDED_LATER] = "the URL's segment list is extended by later statements"
    return Match(template, sk, exact, path_end, anchor, problems)


def _hole_strings(sk: Skeleton) -> str:
    """The text of every string literal inside the skeleton's holes (evidence of what they hold)."""
    import libcst as cst

    found: list[str] = []

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            found.append(node.value)

        def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
            found.append(node.value)

    for hole in sk.holes():
        if hole.node is not None:
            hole.node.visit(_Strings())
    return "\n".join(found)


def _has_evidence(m: Match, flat: str) -> bool:
    """Is a half-visible match still recognisably the retired family (not some other route)?"""
    evidence = set(m.template.evidence)
    change = m.template.changes[-1] if m.template.changes else None
    if change is not None and any(k in m.exact for k in range(change.start, change.end)):
        return True
    strings = _hole_strings(m.skeleton)
    return any(seg in strings for seg in evidence)


def best_match(sk: Skeleton, templates: tuple[Template, ...]) -> list[Match]:
    """Every credible match of ``sk``, best first (empty when it is no retired path)."""
    flat = sk.flat
    found: list[Match] = []
    for t in templates:
        m = match_template(sk, t, flat)
        if m is None:
            continue
        if m.problems and not _has_evidence(m, flat):
            continue
        found.append(m)
    found.sort(key=Match.rank)
    return found


@dataclass(frozen=True)
class PlannedEdit:
    """An edit and the module constant whose definition it touches (``None``: the expression's own text)."""

    edit: Edit
    constant: str | None


def plan_edits(m: Match) -> tuple[list[PlannedEdit], str | None]:
    """The source edits that apply ``m``'s changes, or ``([], reason)`` when they cannot be made."""
    flat = m.skeleton.flat
    where = m.skeleton.locate()
    seen: dict[int, int] = {}
    for p in m.skeleton.pieces:
        if isinstance(p, Lit):
            for start in p.starts:
                seen[start] = seen.get(start, 0) + 1
    planned: list[PlannedEdit] = []
    for change in m.template.changes:
        span = _change_span(m, change, flat)
        if span is None:
            return [], f"'{change.old_text}' is not fully visible"
        a, b = span
        if not set(change.new_text) <= safe_replacement_chars():
            return [], f"the replacement '{change.new_text}' would need escaping"
        elements = _whole_elements(m, change, where)
        if elements is not None:
            for n, lit in enumerate(elements):
                if n == 0 and change.new:
                    planned.append(PlannedEdit(Edit(lit.starts[0], lit.ends[-1], change.new_text), lit.constant))
                else:
                    assert lit.element is not None
                    planned.append(PlannedEdit(Edit(*lit.element, ""), lit.constant))
            continue
        runs = _runs(where[a:b])
        if runs is not None and any(seen[lit.starts[k]] > 1 for lit, k0, k1 in runs for k in range(k0, k1 + 1)):
            return [], f"'{change.old_text}' is text that the expression uses more than once"
        if runs is None:
            return [], f"'{change.old_text}' is written with escapes or computed text"
        constants = {lit.constant for lit, _, _ in runs}
        if len(runs) > 1 and constants != {None}:
            return [], f"'{change.old_text}' is split across {', '.join(sorted(c for c in constants if c))}"
        for n, (lit, k0, k1) in enumerate(runs):
            text = change.new_text if n == 0 else ""
            planned.append(PlannedEdit(Edit(lit.starts[k0], lit.ends[k1], text), lit.constant))
    return planned, None


def _whole_elements(m: Match, change: Change, where: list[tuple[Lit, int] | None]) -> list[Lit] | None:
    """The ``join`` list elements that are exactly the changed segments, one each, if that is what they are."""
    out: list[Lit] = []
    for k in range(change.start, change.end):
        span = m.exact.get(k)
        if span is None:
            return None
        chars = where[span[0] : span[1]]
        first = chars[0] if chars else None
        if first is None or first[0].element is None or first[1] != 0 or len(chars) != len(first[0].text):
            return None
        lit = first[0]
        if any(c is None or c[0] is not lit for c in chars) or not all(lit.exact(i) for i in range(len(lit.text))):
            return None
        out.append(lit)
    if not change.new and len(out) == 0:
        return None
    return out


def _change_span(m: Match, change: Change, flat: str) -> tuple[int, int] | None:
    if any(k not in m.exact for k in range(change.start, change.end)):
        return None
    a, b = m.exact[change.start][0], m.exact[change.end - 1][1]
    if not change.new:  # a deletion takes one neighbouring slash with it
        if b < m.path_end and flat[b : b + 1] == "/":
            b += 1
        elif a > 0 and flat[a - 1] == "/":
            a -= 1
    return a, b


def _runs(chars: list[tuple[Lit, int] | None]) -> list[tuple[Lit, int, int]] | None:
    """Group flat characters into ``(run, first index, last index)``; ``None`` if any is not editable."""
    runs: list[tuple[Lit, int, int]] = []
    for item in chars:
        if item is None:
            return None
        lit, k = item
        if not lit.exact(k):
            return None
        if runs and runs[-1][0] is lit and runs[-1][2] == k - 1 and lit.starts[k] == lit.ends[k - 1]:
            runs[-1] = (lit, runs[-1][1], k)
        else:
            runs.append((lit, k, k))
    return runs
