"""``flexmigrate scan`` and ``flexmigrate fix``.

Exit codes (ruff's): ``scan`` 0 no findings, 1 findings, 2 error.  ``fix`` 0 nothing changed and
nothing remains, 1 a file changed (or would, with ``--diff``/``--check``) or findings remain, so a
pre-commit hook makes the user look; 2 error (a path that does not exist, a file that could not be
analysed or written).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys
from typing import Callable, Iterator
from pathlib import Path

from flexmigrate.models.exits import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, ConfigError, UsageError
from flexmigrate.scan.config import find_config, read_config
from flexmigrate.scan.pipeline import DEFAULT_MAX_FILE_SIZE, ScanOptions, ScanResult, scan, scan_stdin

# Output format -> (module of flexmigrate.report, function); imported only when chosen.
RENDERERS = {
    "text": ("scan_text", "render_text"),
    "concise": ("scan_text", "render_concise"),
    "json": ("scan_json", "render_json"),
    "jsonl": ("scan_json", "render_jsonl"),
    "sarif": ("scan_sarif", "render_sarif"),
    "github": ("scan_github", "render_github"),
    "gitlab": ("scan_gitlab", "render_gitlab"),
    "junit": ("scan_junit", "render_junit"),
    "markdown": ("readiness", "render_markdown"),
    "html": ("readiness", "render_html"),
    "statistics": ("scan_text", "render_statistics"),
}
FORMATS = tuple(f for f in RENDERERS if f != "statistics")


def _shard(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise argparse.ArgumentTypeError(f"not a shard: {value!r} (say 2/8: the second of eight)")
    return int(match.group(1)), int(match.group(2))


def _codes(value: str) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in value.split(",") if c.strip())


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or folders (default: .)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument(
        "--select",
        type=_codes,
        default=(),
        metavar="CODES",
        help="only these rule codes or prefixes, comma-separated (e.g. FM1,FM201)",
    )
    p.add_argument(
        "--ignore", type=_codes, default=(), metavar="CODES", help="drop these rule codes or prefixes"
    )
    p.add_argument(
        "--exclude",
        "--extend-exclude",
        dest="exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip paths matching GLOB (repeatable; added to the default excludes and to the "
        "configuration's; --extend-exclude is the same, under ruff's name)",
    )
    p.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="only files matching GLOB, by name or path (repeatable; e.g. '*.tf' or 'infra/**'); "
        "every file type flexmigrate reads is looked at by default",
    )
    p.add_argument(
        "--no-default-excludes",
        action="store_true",
        help="also look inside build/, dist/, site-packages/, .venv/ and the other default excludes",
    )
    p.add_argument(
        "--no-respect-gitignore",
        action="store_true",
        help="also look at files that .gitignore, .git/info/exclude or the global git excludes ignore",
    )
    p.add_argument(
        "--exclude-generated",
        action="store_true",
        help="leave generated files (openapi-generator, Pulumi, CDKTF, 'DO NOT EDIT' headers) out of the run; "
        "by default each that refers to a retired endpoint gets one finding: regenerate it",
    )
    p.add_argument(
        "--report-comments",
        action="store_true",
        help="also report retired endpoints named in comments and docstrings (never rewritten)",
    )
    p.add_argument(
        "--unsafe-fixes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also apply fixes marked unsafe (scan: show them as applicable)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="read [tool.flexmigrate] from FILE, not the nearest pyproject.toml",
    )
    where.add_argument("--isolated", action="store_true", help="read no configuration file")
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: one per core for large trees)",
    )
    p.add_argument(
        "--max-file-size",
        type=_size,
        default=None,
        metavar="SIZE",
        help="do not analyse larger files (e.g. 10MiB, 500KB; 0: no limit; default 10MiB); "
        "one that may call a retired endpoint is reported as skipped (exit 2)",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="look only at shard I of N (1-based; files split by a hash of their path, stable as files "
        "are added): one CI job per shard, then 'flexmigrate merge' their JSON reports",
    )
    p.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with '-' as the only PATH: the name of the file read from standard input, for the "
        "report and for choosing its file type (default: stdin.py); fix writes the fixed file to stdout",
    )
    p.add_argument(
        "--repository",
        metavar="NAME",
        help="name the repository in the report (JSON), so that 'flexmigrate merge' keeps it per finding",
    )
    p.add_argument(
        "--statistics",
        action="store_true",
        help="print the number of findings per rule instead of each finding (text format)",
    )
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings remain (a file that could not be looked at still exits 2)",
    )


_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}


def _size(value: str) -> int:
    """``"10MiB"`` -> 10485760; ``"500KB"`` -> 500000; a bare number is bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", str(value))
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (say 10MiB, 500KB or a number of bytes)")
    return int(float(match.group(1)) * _UNITS[unit])


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan",
        help="list calls of retired Atlas endpoints (writes nothing)",
        description="List every call of a retired Atlas tenant backup endpoint. "
        "Exit 0: none; 1: findings; 2: error.",
    )
    _common(p)
    p.set_defaults(func=run_scan)

    p = sub.add_parser(
        "fix",
        help="rewrite calls of retired Atlas endpoints to the Flex endpoints",
        description="Apply safe fixes (and unsafe ones with --unsafe-fixes). "
        "Exit 0: nothing to change; 1: changed a file or findings remain; 2: error.",
    )
    _common(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff of the fixes; write nothing")
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything would change")
    p.set_defaults(func=run_fix)

    p = sub.add_parser("rules", help="list the rule codes that scan and fix report")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_rules)


def _file_settings(args: argparse.Namespace) -> dict:
    """``[tool.flexmigrate]`` of ``--config`` or of the nearest pyproject.toml (none with ``--isolated``)."""
    if args.isolated:
        return {}
    path = args.config or find_config(Path.cwd())
    return read_config(path) if path is not None else {}


def _options(args: argparse.Namespace, *, fix: bool, write: bool) -> ScanOptions:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    conf = _file_settings(args)
    unsafe = args.unsafe_fixes if args.unsafe_fixes is not None else conf.get("unsafe_fixes", False)
    return ScanOptions(
        fix=fix,
        write=write,
        unsafe_fixes=unsafe,
        # As in ruff: --select replaces the file's selection, --ignore and --exclude add to the file's.
        select=args.select or _codes(",".join(conf.get("select", []))),
        ignore=_codes(",".join(conf.get("ignore", []))) + tuple(args.ignore),
        report_comments=args.report_comments or conf.get("report_comments", False),
        exclude=tuple(conf.get("exclude", [])) + tuple(args.exclude),
        include=tuple(args.include) or tuple(conf.get("include", [])),
        default_excludes=not args.no_default_excludes and conf.get("default_excludes", True),
        respect_gitignore=not args.no_respect_gitignore and conf.get("respect_gitignore", True),
        jobs=args.jobs if args.jobs is not None else conf.get("jobs"),
        max_file_size=_max_file_size(args, conf),
        shard=args.shard,
        exclude_generated=args.exclude_generated or conf.get("exclude_generated", False),
    )


def _max_file_size(args: argparse.Namespace, conf: dict) -> int:
    if args.max_file_size is not None:
        return args.max_file_size
    if "max_file_size" not in conf:
        return DEFAULT_MAX_FILE_SIZE
    try:
        return _size(conf["max_file_size"])
    except argparse.ArgumentTypeError as exc:
        raise ConfigError(f"[tool.flexmigrate]: max-file-size: {exc}") from None


def _open_output(name: str, mode: str):
    """``--output FILE`` opened for writing; a path that cannot be written is a usage error (exit 2),
    never a traceback that CI would read as "findings"."""
    try:
        return open(name, mode, encoding=None if "b" in mode else "utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the report to {name}: {exc.strerror or exc}") from None


def _emit_diff(result: ScanResult, args: argparse.Namespace) -> None:
    """The patch alone goes to the output, byte for byte, so that it can be piped to ``git apply``."""
    from flexmigrate.report import scan_text

    if args.output:
        with _open_output(args.output, "wb") as handle:
            scan_text.render_diff(result, handle, sys.stderr)
    else:
        sys.stdout.flush()
        scan_text.render_diff(result, sys.stdout.buffer, sys.stderr)
        sys.stdout.buffer.flush()
    for path, error in result.errors:
        sys.stderr.write(f"{path}: FM000 [error] {error}\n")
    sys.stderr.write(scan_text.summary_line(result) + "\n")


def emit(result: ScanResult, args: argparse.Namespace) -> None:
    """Render ``result`` in ``args.format`` to ``args.output`` (or standard output)."""
    _emit(result, args)


def _emit(result: ScanResult, args: argparse.Namespace) -> None:
    # ``--statistics`` replaces the per-finding lines of the text formats.
    fmt = "statistics" if args.statistics and args.format in ("text", "concise") else args.format
    module, function = RENDERERS[fmt]
    render = getattr(importlib.import_module(f"flexmigrate.report.{module}"), function)
    out = _open_output(args.output, "w") if args.output else sys.stdout
    try:
        render(result, out)
    finally:
        if args.output:
            out.close()


@contextlib.contextmanager
def _progress(args: argparse.Namespace) -> Iterator[Callable[[int, int, int], None] | None]:
    """A progress bar on standard error for long runs, only on a terminal and never in CI logs."""
    if not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("flexmigrate"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files, {task.fields[findings]} finding(s)"),
        TimeElapsedColumn(),
        transient=True,
        disable=False,
    )
    task = bar.add_task("scan", total=None, findings=0)
    shown = False

    def update(done: int, total: int, findings: int) -> None:
        nonlocal shown
        if not shown and total >= 500:  # short runs finish before a bar helps
            bar.start()
            shown = True
        bar.update(task, completed=done, total=total, findings=findings)

    try:
        yield update
    finally:
        if shown:
            bar.stop()


def _stdin(args: argparse.Namespace, *, fix: bool) -> ScanResult | None:
    """The result for ``-`` (standard input), or ``None`` when the paths are files and folders."""
    if "-" not in args.paths:
        if args.stdin_filename:
            raise UsageError("--stdin-filename names the file read from standard input: give '-' as the PATH")
        return None
    if args.paths != ["-"]:
        raise UsageError("'-' (standard input) cannot be combined with other paths")
    name = args.stdin_filename or "stdin.py"
    return scan_stdin(sys.stdin.buffer.read(), name, _options(args, fix=fix, write=False))


def run_scan(args: argparse.Namespace) -> int:
    # With --unsafe-fixes, scan still writes nothing; the flag only widens which fixes count.
    with _progress(args) as progress:
        result = _stdin(args, fix=False) or scan(args.paths, _options(args, fix=False, write=False), progress)
    result.repository = args.repository
    result.shard = args.shard
    _emit(result, args)
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings and not args.exit_zero else EXIT_OK


def run_fix(args: argparse.Namespace) -> int:
    if args.diff and args.format != "text":
        raise UsageError("--diff prints a unified diff; it cannot be combined with --format " + args.format)
    dry = args.diff or args.check
    piped = _stdin(args, fix=True)
    if piped is not None:
        # As ruff does: the fixed file goes to standard output, the report to standard error.
        (only,) = piped.files
        piped.dry_run = bool(args.diff)
        if args.diff:
            _emit_diff(piped, args)
            if piped.errors:
                return EXIT_ERROR
            return EXIT_FINDINGS if piped.changed and not args.exit_zero else EXIT_OK
        sys.stdout.buffer.write(
            only.fixed_bytes if only.fixed_bytes is not None else only.original_bytes or b""
        )
        sys.stdout.buffer.flush()
        args.output = args.output or "/dev/stderr"
        _emit(piped, args)
        if piped.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if (piped.changed or piped.remaining) and not args.exit_zero else EXIT_OK
    with _progress(args) as progress:
        result = scan(args.paths, _options(args, fix=True, write=not dry), progress)
    result.dry_run = dry
    if args.diff:
        _emit_diff(result, args)
    else:
        _emit(result, args)
    if result.errors:
        return EXIT_ERROR
    if (result.changed or result.remaining) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def run_rules(args: argparse.Namespace) -> int:
    from flexmigrate.languages import rule_summaries

    rules = rule_summaries()
    if args.format == "json":
        import json

        json.dump(rules, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for code, summary in rules.items():
            sys.stdout.write(f"{code}  {summary}\n")
    return EXIT_OK
