"""The settle step of every fix loop, and what a loop returns; free of any parser.

``codemods.fixer`` (Python) and ``languages.base.fix_text`` (every other file type) share these, so a
request is settled the same way whatever file it is in: a member that is filtered out, or needs a
human, holds the whole request back; an unsafe member makes it unsafe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from flexmigrate.codemods.suppress import Suppressions
from flexmigrate.models.edits import units
from flexmigrate.models.findings import Finding, FixKind
from flexmigrate.models.fix_policy import FixPolicy

__all__ = ["DEFAULT_POLICY", "MAX_FIX_PASSES", "FixOutcome", "settle"]

# Fixes are applied in passes (a unit whose edits clash with another waits for the next pass); a
# text that still has fixes to apply after this many passes is reported instead of being looped on.
MAX_FIX_PASSES = 4
# Safe fixes only, every rule, suppression comments honoured: ``flexmigrate fix`` with no flags.
DEFAULT_POLICY = FixPolicy()


@dataclass
class FixOutcome:
    """What the fix loop made of one text."""

    text: str  # the fixed text (the original when nothing was applied or on error)
    findings: list[Finding] = field(default_factory=list)  # applied ones first (``applied``), then the rest
    error: str | None = None  # why the text was left alone, in one line

    @property
    def applied(self) -> list[Finding]:
        return [f for f in self.findings if f.applied]

    @property
    def remaining(self) -> list[Finding]:
        return [f for f in self.findings if not f.applied]


def _filtered_out(finding: Finding, policy: FixPolicy, suppressions: Suppressions) -> str | None:
    """Why the policy or a comment drops ``finding``, or ``None`` when it is kept."""
    if not policy.keeps(finding.rule):
        return "left out by the rule selection (--select/--ignore or configuration)"
    if policy.honour_suppressions and suppressions.silences(finding):
        return "silenced by a '# flexmigrate: ignore' comment"
    return None


def settle(findings: Iterable[Finding], policy: FixPolicy, suppressions: Suppressions) -> list[Finding]:
    """The findings a run reports, each request settled whole at its least sure member."""
    out: list[Finding] = []
    for unit in units(findings):
        dropped = [(f, why) for f in unit if (why := _filtered_out(f, policy, suppressions))]
        kept = [f for f in unit if all(f is not d for d, _ in dropped)]
        if not kept:
            continue
        if dropped:
            holder, why = dropped[0]
            reason = f"held back: {holder.rule} of this request (line {holder.line}) is {why}, and a request is fixed whole"
            out.extend(f.with_fix(FixKind.MANUAL, reason) if f.fix is not FixKind.MANUAL else f for f in kept)
            continue
        worst = max(kept, key=lambda f: f.fix.rank)
        if worst.fix is FixKind.SAFE or len(kept) == 1:
            out.extend(kept)
            continue
        if worst.fix is FixKind.MANUAL:
            reason = f"held back: {worst.rule} of this request (line {worst.line}) needs a human, and a request is fixed whole"
        else:
            reason = f"unsafe: {worst.rule} of this request (line {worst.line}) is unsafe, and a request is fixed whole"
        # Every other member names the one that decides: a lower one is raised to it, and an unsafe one
        # (often capped by the engine because of its URL) says why it goes only with --unsafe-fixes.
        out.extend(
            f.with_fix(worst.fix, reason)
            if f is not worst and (f.fix.rank < worst.fix.rank or f.fix is FixKind.UNSAFE)
            else f
            for f in kept
        )
    return sorted(out, key=Finding.sort_key)
