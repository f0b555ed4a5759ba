"""``flexmigrate merge REPORT...``: the JSON reports of shards or repositories as one report.

A CI matrix scans one shard (``--shard I/N``) or one repository (``--repository NAME``) per job and
keeps the JSON report; ``merge`` reads them all and renders one report in any output format, each
finding keeping its repository.  A report that cannot be read is named in one line and the others
are merged (exit 2).  Exit codes as ``scan``: 0 nothing found, 1 findings, 2 a report or a file
could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flexmigrate.models.exits import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from flexmigrate.models.scan_results import ScanResult


def register(sub: argparse._SubParsersAction) -> None:
    from flexmigrate.commands.scan import FORMATS

    p = sub.add_parser(
        "merge",
        help="combine JSON scan reports (shards, repositories) into one report",
        description="Combine the JSON reports of 'flexmigrate scan --format json' (one per shard or "
        "repository) into one report. Exit 0: no findings; 1: findings; 2: a report could not be read.",
    )
    p.add_argument("reports", nargs="+", metavar="REPORT", help="JSON reports written by scan --format json")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    p.set_defaults(func=run_merge)


def merge_reports(paths: list[str]) -> tuple[ScanResult, list[str]]:
    """The reports at ``paths`` as one result, and a one-line problem for each that could not be read."""
    from flexmigrate.report.scan_json import from_document

    merged = ScanResult(files=[])
    problems = []
    for name in paths:
        try:
            part = from_document(json.loads(Path(name).read_text("utf-8")))
        except OSError as exc:
            problems.append(f"{name}: cannot read: {exc.strerror or exc}")
            continue
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(
                f"{name}: not a flexmigrate JSON scan report ({str(exc).strip() or type(exc).__name__})"
            )
            continue
        merged.files.extend(part.files)
    return merged, problems


def run_merge(args: argparse.Namespace) -> int:
    from flexmigrate.commands.scan import emit

    result, problems = merge_reports(args.reports)
    for problem in problems:
        sys.stderr.write(f"flexmigrate merge: {problem}\n")
    emit(result, args)
    if problems or result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings and not args.exit_zero else EXIT_OK
