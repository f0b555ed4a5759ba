"""What every file type provides, and the fix loop for the file types that are not Python.

A :class:`Language` is a name, the file names it claims, a byte test that rules a file out cheaply,
and an ``analyse`` function (text in, findings with edits out).  Python keeps its own loop
(``codemods.fixer``); every other file type goes through :func:`fix_text`, which filters, settles
and applies findings exactly as that loop does (whole requests, allowed fix kinds only), and refuses
an output that does not parse in its own language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from flexmigrate.codemods.settle import MAX_FIX_PASSES, FixOutcome, settle
from flexmigrate.codemods.suppress import Suppressions, record
from flexmigrate.models.edits import apply_edits, select_fixes
from flexmigrate.models.findings import Finding
from flexmigrate.models.fix_policy import FixPolicy

__all__ = ["Analyse", "Language", "NotParsable", "fix_text", "line_suppressions"]


class NotParsable(Exception):
    """The file is not valid in its own language; the message says where, in one line."""


# text, path -> every finding of the file (unfiltered, unsettled), with edits where a fix is exact.
Analyse = Callable[[str, str], list[Finding]]
# text -> why it does not parse (one line), or None.
Validate = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Language:
    name: str  # "python", "terraform", "shell", ... (the ``language`` of its findings)
    suffixes: tuple[str, ...] = ()  # ".tf", ".tf.json" (matched at the end of the file name)
    filenames: tuple[str, ...] = ()  # exact names: ".env", "Jenkinsfile"
    patterns: tuple[str, ...] = ()  # regexes over the file name: r"\.env(\..+)?$"
    may_hold: Callable[[bytes], bool] = field(default=lambda raw: True, repr=False)
    # A second, exact test on the decoded text (Python: the ``ast`` candidate test); None: none.
    may_hold_text: Callable[[str], bool] | None = field(default=None, repr=False)
    # ``(text, path, policy, fix) -> FixOutcome``; raises NotParsable.
    run: Callable[[str, str, FixPolicy, bool], FixOutcome] | None = field(default=None, repr=False)

    def claims(self, name: str) -> bool:
        lowered = name.lower()
        if lowered in self.filenames or lowered.endswith(self.suffixes):
            return True
        return any(re.search(p, lowered) for p in self.patterns)


_DIRECTIVE = re.compile(r"\bflexmigrate:\s*(ignore-file|ignore)(?:\[([A-Za-z0-9_,\s]*)\])?")


def line_suppressions(text: str) -> Suppressions:
    """``flexmigrate: ignore[...]`` in a comment of any syntax (``#``, ``//``, ``<!-- -->``, ``--``):
    the whole line it stands on is silenced, as in Python files."""
    result = Suppressions()
    if "flexmigrate:" not in text:
        return result
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DIRECTIVE.search(line)
        if match is not None:
            record(result, match, number)
    return result


def fix_text(
    text: str,
    *,
    path: str,
    policy: FixPolicy,
    analyse: Analyse,
    fix: bool,
    validate: Validate | None = None,
) -> FixOutcome:
    """The fix loop of a file type other than Python (see ``codemods.fixer``).

    ``validate`` is asked about every text a pass produces; a fix that breaks the file leaves the
    file alone and says so, as a Python fix that does not parse does.
    """

    def check(current: str) -> list[Finding]:
        return settle(analyse(current, path), policy, line_suppressions(current))

    findings = check(text)
    if not fix:
        return FixOutcome(text, findings)
    current, applied = text, []
    for _ in range(MAX_FIX_PASSES):
        chosen, edits = select_fixes(findings, policy.fix_kinds)
        if not chosen:
            break
        new_text = apply_edits(current, edits)
        problem = validate(new_text) if validate is not None else None
        if problem is not None:
            return FixOutcome(
                text, check(text), f"a fix produced text that does not parse; file left alone ({problem})"
            )
        applied.extend(f.mark_applied() for f in chosen)
        current = new_text
        findings = check(current)
    else:
        if select_fixes(findings, policy.fix_kinds)[0]:
            return FixOutcome(
                text, check(text), f"fixes did not settle after {MAX_FIX_PASSES} passes; file left alone"
            )
    return FixOutcome(current, applied + sorted(findings, key=Finding.sort_key))


def with_language(findings: Sequence[Finding], language: str) -> list[Finding]:
    return [f if f.language == language else replace(f, language=language) for f in findings]
