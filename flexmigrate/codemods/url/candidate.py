"""A matched URL expression and the verdict on it: rule code, fix kind, reason and planned edits.

The verdict starts from the match (``judge``) and can only get stricter afterwards: a constant shared
with other uses, a fallback branch, or a group member that is unproven turns it manual or unsafe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from flexmigrate.codemods.url.match import Match, PlannedEdit, Problem, plan_edits
from flexmigrate.codemods.url.templates import Template
from flexmigrate.models.findings import Edit, FixKind

__all__ = ["Candidate", "judge"]

# The order in which reasons are reported when several apply: the most structural first.
_MANUAL_ORDER = (Problem.APPENDED_LATER, Problem.RUNTIME_SEGMENT, Problem.HALF_VISIBLE, Problem.NOT_EDITABLE)
_UNSAFE_ORDER = (Problem.RELATIVE_JOIN, Problem.UNSEEN_GROUPS, Problem.RUNTIME_SUFFIX)


@dataclass(eq=False)
class Candidate:
    """One URL expression that matched a retired template, and what is decided about it."""

    node: cst.CSTNode
    match: Match
    defines: str | None = None  # the constant (or local) whose assigned value this expression is
    planned: list[PlannedEdit] = field(default_factory=list)
    rule: str = "FM101"
    fix: FixKind = FixKind.SAFE
    reason: str = ""

    @property
    def template(self) -> Template:
        return self.match.template

    @property
    def manual(self) -> bool:
        return self.fix is FixKind.MANUAL

    def make_manual(self, rule: str, reason: str) -> None:
        self.rule, self.fix, self.reason, self.planned = rule, FixKind.MANUAL, reason, []

    def make_unsafe(self, reason: str) -> None:
        if self.fix is FixKind.SAFE:
            self.fix, self.reason = FixKind.UNSAFE, reason

    def constant_edits(self, name: str) -> frozenset[Edit]:
        """Edits inside the definition of constant (or local) ``name``."""
        return frozenset(p.edit for p in self.planned if p.constant == name)

    @property
    def constants(self) -> set[str]:
        return {p.constant for p in self.planned if p.constant is not None}

    @property
    def own_edits(self) -> frozenset[Edit]:
        """Edits in this expression's own text (not inside a constant it reads)."""
        return frozenset(p.edit for p in self.planned if p.constant is None)


def judge(cand: Candidate) -> Candidate:
    """The verdict the match alone supports (later steps may only make it stricter)."""
    m = cand.match
    manual = [p for p in _MANUAL_ORDER if p in m.problems]
    if manual:
        cand.make_manual(manual[0].value, m.problems[manual[0]])
        return cand
    planned, why = plan_edits(m)
    if why is not None:
        cand.make_manual(Problem.NOT_EDITABLE.value, why)
        return cand
    cand.planned = planned
    unsafe = [p for p in _UNSAFE_ORDER if p in m.problems]
    if unsafe:
        cand.rule, cand.fix, cand.reason = unsafe[0].value, FixKind.UNSAFE, m.problems[unsafe[0]]
    else:
        cand.rule = "FM102" if m.template.legacy_v1 else "FM101"
    return cand
