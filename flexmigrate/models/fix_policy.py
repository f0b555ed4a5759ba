"""Which findings a run keeps and which fixes it may apply: the user's filters, in one value.

Every way of running the codemod (``flexmigrate scan``/``fix``, the libcst command, the tests)
builds one :class:`FixPolicy` and hands it to ``flexmigrate.codemods.fixer``; nothing else decides
what is filtered or applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from flexmigrate.models.findings import FixKind


@dataclass(frozen=True)
class FixPolicy:
    unsafe_fixes: bool = False  # also apply fixes marked unsafe
    select: tuple[str, ...] = ()  # rule codes or prefixes to keep (empty: all)
    ignore: tuple[str, ...] = ()  # rule codes or prefixes to drop
    report_comments: bool = False  # also report retired endpoints named in comments and docstrings
    honour_suppressions: bool = True  # ``# flexmigrate: ignore`` comments

    @property
    def fix_kinds(self) -> frozenset[FixKind]:
        """The fix kinds this run applies."""
        return frozenset({FixKind.SAFE, FixKind.UNSAFE} if self.unsafe_fixes else {FixKind.SAFE})

    def allows(self, kind: FixKind) -> bool:
        return kind in self.fix_kinds

    def keeps(self, rule: str) -> bool:
        """True unless ``--select`` leaves ``rule`` out or ``--ignore`` drops it."""
        if self.select and not any(rule.startswith(s) for s in self.select):
            return False
        return not any(rule.startswith(i) for i in self.ignore)
