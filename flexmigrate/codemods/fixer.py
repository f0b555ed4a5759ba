"""The one fix loop: a module's text and a fix policy in, the fixed text and the findings out.

``flexmigrate scan``/``fix``, the libcst command and the fixture tests all call :func:`check_source`
or :func:`fix_source`; nothing else filters, settles or applies findings.  The steps:

1. **analyse** (``codemods.engine.analyze``): every finding, numbered by the request it belongs to;
2. **filter**: drop what the policy's rule selection leaves out and what a ``# flexmigrate:
   ignore`` comment silences;
3. **settle** (:func:`settle`): a request is migrated whole or not at all.  When a member of a
   request is filtered out, or needs a human, every other member of it becomes ``manual``; when a
   member is ``unsafe``, the safe ones become ``unsafe``.  The message names the member that held
   them back.  A request whose URL moved to Flex while its version header did not fails with 406:
   this step is what makes that impossible, whichever filter the user sets;
4. **apply** (``models.edits.select_fixes``): whole units of an allowed fix kind whose edits do not
   clash, spliced into the text; the result is analysed again until nothing is left to apply.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from flexmigrate.catalog import Catalog
from flexmigrate.codemods.context import AnalyzeOptions
from flexmigrate.codemods.engine import Rule, analyze
from flexmigrate.codemods.settle import DEFAULT_POLICY, MAX_FIX_PASSES, FixOutcome, settle
from flexmigrate.codemods.suppress import parse_suppressions
from flexmigrate.models.edits import apply_edits, select_fixes
from flexmigrate.models.findings import Edit, Finding, FixKind
from flexmigrate.models.fix_policy import FixPolicy
from flexmigrate.models.lines import LineIndex

__all__ = ["MAX_FIX_PASSES", "FixOutcome", "check_source", "fix_source", "settle"]


def check_source(
    text: str,
    *,
    path: str = "<string>",
    policy: FixPolicy = DEFAULT_POLICY,
    catalog: Catalog | None = None,
    rules: Sequence[Rule] | None = None,
) -> list[Finding]:
    """The findings of one module as this policy reports them (analysed, filtered, settled).

    Raises ``libcst.ParserSyntaxError`` when ``text`` is not valid Python.
    """
    options = AnalyzeOptions(report_comments=policy.report_comments)
    findings = analyze(text, path=path, catalog=catalog, options=options, rules=rules)
    return settle(findings, policy, parse_suppressions(text))


def fix_source(
    text: str,
    *,
    path: str = "<string>",
    policy: FixPolicy = DEFAULT_POLICY,
    catalog: Catalog | None = None,
    rules: Sequence[Rule] | None = None,
) -> FixOutcome:
    """``text`` with every fix the policy allows applied, whole requests at a time.

    Raises ``libcst.ParserSyntaxError`` when ``text`` itself is not valid Python.  A fix that
    would produce text that does not parse, or fixes that do not settle within
    ``MAX_FIX_PASSES``, leave the text alone and say so in ``error``.
    """
    findings = check_source(text, path=path, policy=policy, catalog=catalog, rules=rules)
    current, applied = text, []
    for _ in range(MAX_FIX_PASSES):
        chosen, edits = select_fixes(findings, policy.fix_kinds)
        if not chosen:
            break
        before = findings
        new_text = apply_edits(current, edits)
        try:
            findings = check_source(new_text, path=path, policy=policy, catalog=catalog, rules=rules)
        except Exception as exc:  # the fix itself broke the code: never let that reach a file
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            return FixOutcome(
                text,
                check_source(text, path=path, policy=policy, catalog=catalog, rules=rules),
                f"a fix produced code that does not parse; file left alone ({first})",
            )
        findings = findings + _carried(before, chosen, edits, current, new_text, findings)
        applied.extend(f.mark_applied() for f in chosen)
        current = new_text
    else:
        if select_fixes(findings, policy.fix_kinds)[0]:
            return FixOutcome(
                text,
                check_source(text, path=path, policy=policy, catalog=catalog, rules=rules),
                f"fixes did not settle after {MAX_FIX_PASSES} passes; file left alone",
            )
    return FixOutcome(current, applied + sorted(findings, key=Finding.sort_key))


def _carried(
    before: list[Finding], chosen: list[Finding], edits: list[Edit], old: str, new: str, after: list[Finding]
) -> list[Finding]:
    """Manual findings of the text before a pass that the analysis after it no longer makes.

    A manual finding can outlive its cause: ``job["clusterName"]`` is still worth a look once the
    call it may come from has moved to Flex, although no retired call is left to trigger the rule.
    Such findings are kept, moved to their place in the new text; one inside an edited span is gone.
    """
    picked = {id(f) for f in chosen}
    seen = {(f.rule, f.line, f.column) for f in after}
    old_lines, new_lines = LineIndex(old), LineIndex(new)
    ordered = sorted(set(edits))
    out = []
    for f in before:
        if id(f) in picked or f.fix is not FixKind.MANUAL or f.applied:
            continue
        start = old_lines.offset(f.line, f.column - 1)
        end = old_lines.offset(f.end_line or f.line, (f.end_column or f.column) - 1)
        if any(e.start < end and start < e.end for e in ordered):
            continue
        shift = sum(len(e.text) - (e.end - e.start) for e in ordered if e.end <= start)
        shift_end = sum(len(e.text) - (e.end - e.start) for e in ordered if e.end <= end)
        line, col = new_lines.line_col(start + shift)
        end_line, end_col = new_lines.line_col(end + shift_end)
        if (f.rule, line, col) in seen:
            continue
        out.append(
            replace(f, line=line, column=col, end_line=end_line, end_column=end_col, edits=(), unit=None)
        )
    return out
