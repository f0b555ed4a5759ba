"""``flexmigrate check``: the command line of the live parity checker (docs/checker.md).

This module only turns arguments into :class:`~flexmigrate.check.config.Settings`, builds the
pipeline's parts and maps the run's outcome to an exit code (0 parity, 1 differences, 2 could not
check).  Every identifier is validated against the spec's patterns before the first request.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from flexmigrate.catalog import load_catalog

FORMATS = ("text", "json", "jsonl", "junit", "markdown")


def register(subparsers: Any) -> None:
    # Only the help texts read the defaults here; the section is validated when a check runs.
    defaults = load_catalog().extra["check"]["defaults"]
    p = subparsers.add_parser(
        "check",
        help="prove live that the Flex endpoints return what the retired tenant endpoints returned",
        description="Fetch each restore job (and, with --snapshots, each snapshot) from the retired "
        "tenant endpoint and from its Flex replacement, compare them field by field through the "
        "catalog's field map, and report a verdict per ID. Credentials come only from the "
        "environment (MONGODB_ATLAS_PUBLIC_API_KEY/MONGODB_ATLAS_PRIVATE_API_KEY or "
        "MONGODB_ATLAS_CLIENT_ID/MONGODB_ATLAS_CLIENT_SECRET) or an Atlas CLI profile (--profile).",
    )
    what = p.add_argument_group("what to check")
    what.add_argument("--group-id", required=True, metavar="G", help="the Atlas project (group) ID")
    what.add_argument(
        "--cluster",
        action="append",
        default=[],
        metavar="NAME",
        help="a cluster to check (repeatable); default: every Flex cluster of the project",
    )
    what.add_argument(
        "--restore-id",
        action="append",
        default=[],
        metavar="[CLUSTER/]ID",
        help="a restore job ID to check (repeatable); default: discovered through the list endpoints",
    )
    what.add_argument(
        "--snapshot-id",
        action="append",
        default=[],
        metavar="[CLUSTER/]ID",
        help="a snapshot ID to check (repeatable; implies --snapshots)",
    )
    what.add_argument(
        "--ids-file",
        type=Path,
        metavar="FILE",
        help="IDs to check, one per line: [snapshots:][CLUSTER/]ID; '#' starts a comment",
    )
    what.add_argument("--snapshots", action="store_true", help="check snapshots as well as restore jobs")
    what.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help=f"check N discovered IDs drawn uniformly (default {defaults['sample']}; 0 = all)",
    )
    what.add_argument(
        "--seed", type=int, metavar="S", help="seed of the sample (default: a fresh one, reported)"
    )
    how = p.add_argument_group("how to compare")
    how.add_argument(
        "--noise-fetch",
        action="store_true",
        default=None,
        help="fetch the retired representation twice; fields that change on their own are volatile",
    )
    how.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="GLOB",
        help="do not compare fields matching GLOB (generic path, e.g. 'links[].href'; repeatable)",
    )
    how.add_argument(
        "--normalise",
        action="append",
        default=[],
        metavar="NAME=GLOB",
        help="apply normaliser NAME (timestamp, url, catalog_path) to fields matching GLOB",
    )
    how.add_argument(
        "--max-mismatch-rate",
        type=float,
        metavar="R",
        help="tolerate per-field mismatch rates up to R (0..1); default: any mismatch fails",
    )
    how.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="read [tool.flexmigrate.check] from FILE instead of the nearest pyproject.toml",
    )
    after = p.add_argument_group("after the sunset")
    after.add_argument(
        "--record", type=Path, metavar="FILE", help="save the raw responses (redacted) as JSON Lines"
    )
    after.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="compare the replacement against a --record file instead of the retired endpoint",
    )
    conn = p.add_argument_group("connection")
    conn.add_argument("--profile", metavar="NAME", help="Atlas CLI profile to take credentials from")
    conn.add_argument("--base-url", metavar="URL", help="API host (Atlas for Government, or a sandbox)")
    conn.add_argument(
        "--ca-bundle", metavar="FILE", help="trust these certificate authorities (TLS is always verified)"
    )
    conn.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help=f"requests in flight at once (default {defaults['concurrency']})",
    )
    conn.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help=f"per-request timeout (default {defaults['timeout_seconds']})",
    )
    conn.add_argument(
        "--max-attempts",
        type=int,
        metavar="N",
        help=f"attempts per request before giving up (default {defaults['max_attempts']})",
    )
    conn.add_argument(
        "--rate-limit-scale",
        type=float,
        metavar="F",
        help="multiply the rate limits in force (the catalog's, then the server's RateLimit-Limit) by F; "
        "0 disables client-side limiting",
    )
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
    out.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE")
    out.add_argument(
        "--json-report",
        type=Path,
        metavar="FILE",
        help="also write the JSON report to FILE (for 'flexmigrate report'), whatever --format shows",
    )
    out.add_argument("--show-ids", action="store_true", help="one row per ID in text and markdown reports")
    out.add_argument("--no-progress", action="store_true", help="no live progress display")
    out.add_argument("-v", "--verbose", action="count", default=0, help="log requests and retries to stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """The check itself; its pipeline (httpx, asyncio, the renderers) is imported only now."""
    from flexmigrate.commands.check_run import run as run_check

    return run_check(args)
