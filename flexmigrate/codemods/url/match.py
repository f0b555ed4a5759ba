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
from typing import Callable

import libcst as cst

from flexmigrate.codemods.url.skeleton import HOLE, Lit, Skeleton
from flexmigrate.codemods.url.templates import Change, Template, is_placeholder, safe_replacement_chars
from flexmigrate.models.findings import Edit

__all__ = ["Problem", "Match", "PlannedEdit", "match_template", "best_match", "plan_edits", "hole_strings"]


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
    start: int = 0  # the first template segment the skeleton reaches
    support: int = 0  # literal segments hidden in holes that the holes' strings do spell

    @property
    def hidden(self) -> list[str]:
        """Literal template segments the skeleton reaches but does not show (they are in holes)."""
        segs = self.template.segments
        return [
            segs[k]
            for k in range(max(self.start, self.template.prefix_len), len(segs))
            if k not in self.exact and not is_placeholder(segs[k])
        ]

    @property
    def strict(self) -> bool:
        return not self.problems

    @property
    def manual(self) -> bool:
        return any(p in MANUAL_PROBLEMS for p in self.problems)

    def rank(self) -> tuple[int, int, int]:
        tier = 0 if self.strict else (2 if self.manual else 1)
        return (tier, -self.support, -len(self.exact))


_PATH_END = re.compile(r"[?#]")


def _segments(flat: str) -> tuple[list[tuple[int, int]], int]:
    """Spans of the path segments of ``flat`` and where the path ends (at the first ``?`` or ``#``)."""
    m = _PATH_END.search(flat)
    end = m.start() if m else len(flat)
    spans: list[tuple[int, int]] = []
    pos = 0
    for part in flat[:end].split("/"):
        spans.append((pos, pos + len(part)))
        pos += len(part) + 1
    return spans, end


def _compatible(text: str, literal: str) -> bool:
    """Could ``text`` (literal with holes) be ``literal`` once its holes are filled?"""
    pattern = ".*".join(re.escape(part) for part in text.split(HOLE))
    return re.fullmatch(pattern, literal, re.S) is not None


_Walk = tuple[int, dict[int, tuple[int, int]], dict[Problem, str], bool]
_WALK_BUDGET = 256  # tries of multi-segment holes per template; real URLs need a handful


def _walk(
    flat: str,
    spans: list[tuple[int, int]],
    first: int,
    template: Template,
    i: int,
    j: int,
    exact: dict[int, tuple[int, int]],
    problems: dict[Problem, str],
    budget: list[int] | None = None,
) -> _Walk | None:
    """Compare skeleton segments ``spans[first..i]`` with template segments ``..j`` from the right.

    Returns the first template index left unmatched, the exactly matched segments, the problems
    found, and whether a hole stood where the API prefix is (a base URL); ``None`` on a mismatch.  A
    hole that stands alone in a segment may stand for several template segments (a run-time
    ``"tenant/restores"``), so it is tried over one, two, ... segments; ``budget`` bounds the number
    of such tries so that no expression, however many holes it has, costs more than a fixed amount.
    """
    budget = budget if budget is not None else [_WALK_BUDGET]
    segs = template.segments
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
                before = {flat[a0:b0] for a0, b0 in spans[first:i]}
                if before & set(segs[:j]):
                    # The API prefix is visible around it: the hole is its version, chosen at run time.
                    problems[Problem.RUNTIME_SEGMENT] = (
                        f"the API version segment where '{want}' belongs is chosen at run time"
                    )
                    return -1, exact, problems, False
                return j, exact, problems, True  # the API prefix comes from a base URL we cannot see
            if not _compatible(text, want):
                return None
            if text == HOLE:
                for extra in range(0, j - template.prefix_len + 1):
                    budget[0] -= 1
                    if budget[0] < 0:
                        return None
                    covered = "/".join(segs[j - extra : j + 1])
                    found = dict(problems)
                    found[Problem.RUNTIME_SEGMENT] = (
                        f"the segment where '{covered}' belongs is chosen at run time"
                    )
                    walked = _walk(
                        flat, spans, first, template, i - 1, j - extra - 1, dict(exact), found, budget
                    )
                    if walked is not None:
                        return walked
                return None
            lead = text.rstrip(HOLE)
            if i == len(spans) - 1 and HOLE not in lead and want.startswith(lead):
                if lead == want and j not in template.changed_indexes:
                    problems[Problem.RUNTIME_SUFFIX] = f"a run-time value follows '{want}' directly"
                else:
                    problems[Problem.HALF_VISIBLE] = (
                        f"the run-time value after '{lead}' decides what the segment is"
                    )
            else:
                problems[Problem.HALF_VISIBLE] = f"the segment '{want}' is split around a run-time value"
        else:
            return None
        i, j = i - 1, j - 1
    return j, exact, problems, False


def _path(flat: str) -> tuple[list[tuple[int, int]], int, int]:
    """Segment spans (without a trailing empty one), where the path ends, the first real segment."""
    spans, path_end = _segments(flat)
    if len(spans) > 1 and spans[-1][0] == spans[-1][1]:
        spans = spans[:-1]  # a trailing slash
    first = 1 if len(spans) > 1 and spans[0][0] == spans[0][1] else 0
    return spans, path_end, first


def match_template(
    sk: Skeleton,
    template: Template,
    flat: str | None = None,
    path: tuple[list[tuple[int, int]], int, int] | None = None,
) -> Match | None:
    """The match of ``sk`` against ``template``, or ``None`` when the skeleton is not that path."""
    flat = sk.flat if flat is None else flat
    spans, path_end, first = path if path is not None else _path(flat)
    walked = _walk(flat, spans, first, template, len(spans) - 1, len(template.segments) - 1, {}, {})
    if walked is None:
        return None
    j, exact, problems, base_hole = walked
    segs = template.segments
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
            problems[Problem.UNSEEN_GROUPS] = (
                "the groups/{id} part of the URL is inside a value that cannot be seen"
            )
    if "relative-join" in sk.notes:
        problems[Problem.RELATIVE_JOIN] = "a relative path is joined to a base URL that cannot be seen"
    if "appended-later" in sk.notes:
        problems[Problem.APPENDED_LATER] = "the URL's segment list is extended by later statements"
    return Match(template, sk, exact, path_end, anchor, problems, start=visible_from)


def hole_strings(sk: Skeleton) -> str:
    """The source text of every string literal inside the skeleton's holes (what they may hold)."""
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


HoleText = Callable[[Skeleton], str]


def _has_evidence(m: Match, words: set[str]) -> bool:
    """Is a half-visible match still recognisably the retired family (not some other route)?

    Yes when a segment of the family-specific change is visible in place, or every segment of it is
    spelled in the strings the holes are built from (``"tenant/restores" if small else ...``).
    """
    change = m.template.changes[-1] if m.template.changes else None
    if change is not None and any(k in m.exact for k in range(change.start, change.end)):
        return True
    return bool(m.template.evidence) and all(seg in words for seg in m.template.evidence)


def best_match(
    sk: Skeleton, templates: tuple[Template, ...], hole_text: HoleText = hole_strings
) -> list[Match]:
    """Every credible match of ``sk``, best first (empty when it is no retired path)."""
    flat = sk.flat
    if "/" not in flat:
        return []  # every template has several segments
    path = _path(flat)
    found: list[Match] = []
    words: set[str] | None = None
    for t in templates:
        m = match_template(sk, t, flat, path)
        if m is None:
            continue
        if m.problems:
            if words is None:
                words = set(re.findall(r"[A-Za-z0-9_.~-]+", hole_text(sk)))
            if not _has_evidence(m, words):
                continue
            m.support = sum(seg in words for seg in m.hidden)
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
                    planned.append(
                        PlannedEdit(Edit(lit.starts[0], lit.ends[-1], change.new_text), lit.constant)
                    )
                else:
                    assert lit.element is not None
                    planned.append(PlannedEdit(Edit(*lit.element, ""), lit.constant))
            continue
        runs = _runs(where[a:b])
        if runs is not None and any(
            seen[lit.starts[k]] > 1 for lit, k0, k1 in runs for k in range(k0, k1 + 1)
        ):
            return [], f"'{change.old_text}' is text that the expression uses more than once"
        if runs is None:
            return [], f"'{change.old_text}' is written with escapes or computed text"
        constants = {lit.constant for lit, _, _ in runs}
        if len(runs) > 1 and constants != {None}:
            return [], f"'{change.old_text}' is split across {', '.join(sorted(c for c in constants if c))}"
        for n, (lit, k0, k1) in enumerate(runs):
            if (n or not change.new) and lit.removal is not None and k0 == 0 and k1 == len(lit.text) - 1:
                # The whole string token goes: remove it, not just its text, so no "" is left behind.
                planned.append(PlannedEdit(Edit(*lit.removal, ""), lit.constant))
                continue
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
        if any(c is None or c[0] is not lit for c in chars) or not all(
            lit.exact(i) for i in range(len(lit.text))
        ):
            return None
        out.append(lit)
    if not change.new and len(out) == 0:
        return None
    return out


def _change_span(m: Match, change: Change, flat: str) -> tuple[int, int] | None:
    """The flat span of the text ``change`` replaces; a deletion takes one neighbouring slash along.

    The slash after the segment is preferred, unless it lives in another string than the segment
    and the one before does not (a constant ``".../backup/tenant"`` loses ``"/tenant"``).
    """
    if any(k not in m.exact for k in range(change.start, change.end)):
        return None
    a, b = m.exact[change.start][0], m.exact[change.end - 1][1]
    if change.new:
        return a, b
    where = m.skeleton.locate()
    options = []
    if b < m.path_end and flat[b : b + 1] == "/":
        options.append((a, b + 1))
    if a > 0 and flat[a - 1] == "/":
        options.append((a - 1, b))
    for lo, hi in options:
        runs = _runs(where[lo:hi])
        if runs is not None and len(runs) == 1:
            return lo, hi
    return options[0] if options else (a, b)


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
