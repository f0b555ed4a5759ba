"""``python -m libcst.tool codemod migrate_to_flex.MigrateToFlex PATH``: flexmigrate as a libcst command.

A thin shell around ``flexmigrate.codemods.fixer.fix_source``, the same fix loop ``flexmigrate fix``
runs: suppression comments, whole-request settling and the fix kinds are honoured exactly as
there.  Every finding that is left for a human is reported through libcst's warnings.  The edits
are spliced into the original text (rather than printing a transformed tree), so every other byte
stays as it was.
"""

from __future__ import annotations

import argparse

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, SkipFile

from flexmigrate.codemods.fixer import fix_source
from flexmigrate.models.findings import Finding, FixKind
from flexmigrate.models.fix_policy import FixPolicy


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
        self.policy = FixPolicy(unsafe_fixes=unsafe_fixes, report_comments=report_comments)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        source = tree.code
        outcome = fix_source(source, path=self.context.filename or "<string>", policy=self.policy)
        if outcome.error:
            self.warn(f"{outcome.error}")
        for finding in outcome.remaining:
            if finding.fix is FixKind.MANUAL:
                self.warn(f"{_where(finding)} {finding.rule} [manual]: {finding.message}")
            elif not self.policy.allows(finding.fix):
                self.warn(
                    f"{_where(finding)} {finding.rule} [{finding.fix}, use --unsafe-fixes]: {finding.message}"
                )
            else:
                self.warn(
                    f"{_where(finding)} {finding.rule}: fix left for the next run (overlaps another fix)"
                )
        if outcome.text == source:
            raise SkipFile("no retired Atlas tenant backup endpoint to rewrite")
        return cst.parse_module(outcome.text)


def _where(finding: Finding) -> str:
    return f"{finding.line}:{finding.column}"
