"""``flexmigrate report REPORT...``: one readiness report from scan reports and check reports.

For a pre-sunset audit: the JSON reports of ``scan`` (one per shard or repository) and of ``check``
(``--format json``/``jsonl`` or ``--json-report``), in any order; each is recognised by its content.
The page says what is left in the code, what the data check proved and with what sample, how long
ago the endpoints were retired, and what to do next, as Markdown or as a self-contained HTML page.

Exit codes: 0 ready (at least one scan report and one check report were read, nothing is left in
the code, and every data check matched); 1 not ready; 2 a report could not be read (it is named in
one line and the others are still reported).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flexmigrate.models.exits import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

if TYPE_CHECKING:
    from flexmigrate.report.check_digest import CheckDigest


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="one readiness report (Markdown or HTML) from scan and check reports",
        description="Combine JSON reports of 'flexmigrate scan --format json' and 'flexmigrate check "
        "--json-report' into one readiness report. Exit 0: ready; 1: not ready (code left, or the "
        "data differs); 2: a report could not be read.",
    )
    p.add_argument("reports", nargs="+", metavar="REPORT", help="JSON scan or check reports, in any order")
    p.add_argument(
        "--format", choices=("markdown", "html"), default="markdown", help="output format (default: markdown)"
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.set_defaults(func=run_report)


def _sort(paths: list[str]) -> tuple[list[str], list[CheckDigest], list[str]]:
    """The scan reports, the check digests and a one-line problem for each report not read."""
    from flexmigrate.report.check_digest import digest_check
    from flexmigrate.report.check_json import read_report

    scans: list[str] = []
    checks: list[CheckDigest] = []
    problems: list[str] = []
    for name in paths:
        try:
            text = Path(name).read_text("utf-8")
        except OSError as exc:
            problems.append(f"{name}: cannot read: {exc.strerror or exc}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{name}: not a flexmigrate JSON report (not UTF-8 text)")
            continue
        if '"flexmigrate-check"' in text.split("\n", 1)[0]:  # the header of a json or jsonl check report
            try:
                checks.append(digest_check(read_report(Path(name)), name))
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(f"{name}: a check report that cannot be read ({exc})")
            continue
        try:
            json.loads(text)
        except ValueError as exc:
            problems.append(f"{name}: not a flexmigrate JSON report ({exc})")
            continue
        scans.append(name)
    return scans, checks, problems


def run_report(args: argparse.Namespace) -> int:
    from flexmigrate.commands.merge import merge_reports
    from flexmigrate.models.scan_results import ScanResult
    from flexmigrate.report.readiness import render_html, render_markdown
    from flexmigrate.report.check_output import Output

    scans, checks, problems = _sort(list(args.reports))
    result, scan_problems = merge_reports(scans) if scans else (ScanResult(files=[]), [])
    problems += scan_problems
    for problem in problems:
        sys.stderr.write(f"flexmigrate report: {problem}\n")
    if not scans and not checks:
        return EXIT_ERROR
    if not scans:
        sys.stderr.write("flexmigrate report: no scan report given: the page says nothing about the code\n")
    if not checks:
        sys.stderr.write("flexmigrate report: no check report given: the page says nothing about the data\n")
    render = render_html if args.format == "html" else render_markdown
    page = io.StringIO()
    render(result, page, checks=checks)
    if args.output:
        try:
            out = Output(Path(args.output), atomic=True)  # a reader never sees half a page
            try:
                out.stream.write(page.getvalue())
                out.close()
            except OSError:
                out.discard()  # no .partial file is left behind
                raise
        except OSError as exc:
            sys.stderr.write(f"flexmigrate report: cannot write {args.output}: {exc.strerror or exc}\n")
            return EXIT_ERROR
    else:
        sys.stdout.write(page.getvalue())
    if problems or result.errors:
        return EXIT_ERROR
    # Ready takes evidence of both kinds: the code (a scan) and the data (a check), with nothing
    # left in the one and no difference in the other.  Applied fixes are not "left".
    # A dry run (fix --check/--diff) wrote nothing: its "applied" fixes are still in the code.
    ready = (
        bool(scans)
        and bool(checks)
        and not result.dry_run
        and not result.remaining
        and all(c.parity for c in checks)
    )
    return EXIT_OK if ready else EXIT_FINDINGS
