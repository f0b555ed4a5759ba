"""``python -m libcst.tool codemod migrate_to_flex.MigrateToFlex PATH``: flexmigrate as a libcst command.

The command is a thin shell around ``codemods.engine.analyze``: the engine decides every change as
offset edits into the original text; this command applies the edits it is allowed to (safe ones,
plus unsafe ones with ``--unsafe-fixes``), refuses overlapping edits, and reports every finding
that is left for a human through libcst's warnings.  Splicing edits into the original text (rather
than printing a transformed tree) keeps every other byte as it was.
"""

from __future__ import annotations

import argparse
from typing import Sequence

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, SkipFile

from codemods.engine import AnalyzeOptions, analyze
from flexmigrate.report.findings import Finding, FixKind
from flexmigrate.scan.edits import apply_edits, select_fixes


def allowed_fixes(unsafe_fixes: bool) -> frozenset[str]:
    """The fix kinds applied under the ``--unsafe-fixes`` switch."""
    kinds = {FixKind.SAFE.value} | ({FixKind.UNSAFE.value} if unsafe_fixes else set())
    return frozenset(kinds)


def fix_text(
    source: str, findings: Sequence[Finding], *, unsafe_fixes: bool = False
) -> tuple[str, list[Finding]]:
    """``source`` with the allowed fixes applied, and the findings whose fixes went in.

    Findings are taken in source order and applied whole or not at all; one whose edits clash with
    an earlier pick is left out (a second run picks it up), so a half-applied fix never reaches
    the file.
    """
    picked, edits = select_fixes(sorted(findings, key=Finding.sort_key), allowed_fixes(unsafe_fixes))
    return apply_edits(source, edits), picked


class MigrateToFlex(Codemod):
    """Move code off the retired Atlas M2/M5 tenant backup endpoints onto the Flex endpoints."""

    DESCRIPTION: str = (
        "Rewrite calls to the retired MongoDB Atlas M2/M5 tenant backup endpoints to the Flex "
        "endpoints (URLs, version headers, response fields, request bodies); report what needs a human."
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--unsafe-fixes",
            dest="unsafe_fixes",
            action="store_true",
            default=False,
            help="also apply fixes marked unsafe (they may change behaviour; review the diff)",
        )
        arg_parser.add_argument(
            "--report-comments",
            dest="report_comments",
            action="store_true",
            default=False,
            help="also warn about retired paths and operation IDs in comments and docstrings (never edited)",
        )

    def __init__(
        self, context: CodemodContext, unsafe_fixes: bool = False, report_comments: bool = False
    ) -> None:
        super().__init__(context)
        self.unsafe_fixes = unsafe_fixes
        self.options = AnalyzeOptions(report_comments=report_comments)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        source = tree.code
        path = self.context.filename or "<string>"
        findings = analyze(source, path=path, options=self.options)
        text, picked = fix_text(source, findings, unsafe_fixes=self.unsafe_fixes)
        allowed = allowed_fixes(self.unsafe_fixes)
        for finding in findings:
            if finding.fixable and finding.fix.value in allowed and finding not in picked:
                self.warn(
                    f"{_where(finding)} {finding.rule}: fix left for the next run (overlaps another fix)"
                )
            elif finding.fix is FixKind.MANUAL:
                self.warn(f"{_where(finding)} {finding.rule} [manual]: {finding.message}")
            elif finding.fix is FixKind.UNSAFE and not self.unsafe_fixes:
                self.warn(f"{_where(finding)} {finding.rule} [unsafe, use --unsafe-fixes]: {finding.message}")
        if text == source:
            raise SkipFile("no retired Atlas tenant backup endpoint to rewrite")
        return cst.parse_module(text)


def _where(finding: Finding) -> str:
    return f"{finding.line}:{finding.column}"
