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
    seen_files: dict[tuple[str | None, str], str] = {}
    shards: dict[tuple[str | None, int], set[int]] = {}
    for name in paths:
        try:
            part = from_document(json.loads(Path(name).read_text("utf-8")))
        except OSError as exc:
            problems.append(f"{name}: cannot read: {exc.strerror or exc}")
            continue
        except (ValueError, KeyError, TypeError) as exc:
            detail = str(exc).strip().strip("'\"") or type(exc).__name__
            problems.append(f"{name}: not a flexmigrate JSON scan report ({detail})")
            continue
        if part.shard is not None:
            shards.setdefault((part.repository, part.shard[1]), set()).add(part.shard[0])
        # A report lists the files with findings or errors; the others only count (placeholders).
        listed = [r for r in part.files if r.findings or r.error]
        overlap = [r for r in listed if (r.repository, str(r.path)) in seen_files]
        if overlap:
            first = seen_files[(overlap[0].repository, str(overlap[0].path))]
            problems.append(
                f"{name}: covers {len(overlap)} file(s) that {first} covers too (the same report twice, "
                "or overlapping scans): left out, so nothing is counted twice"
            )
            continue
        for r in listed:
            seen_files[(r.repository, str(r.path))] = name
        merged.files.extend(part.files)
        merged.dry_run = merged.dry_run or part.dry_run
    for (repository, count), indexes in sorted(
        shards.items(), key=lambda item: (item[0][0] or "", item[0][1])
    ):
        missing = sorted(set(range(1, count + 1)) - indexes)
        if missing:
            where = f" of {repository}" if repository else ""
            problems.append(
                f"shard(s) {', '.join(f'{i}/{count}' for i in missing)}{where} missing: the merged report covers "
                "only part of the tree"
            )
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
