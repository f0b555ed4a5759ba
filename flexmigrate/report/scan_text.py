"""Human output of ``scan`` and ``fix``: one line per finding, as compilers and ruff print them."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path
from typing import TextIO

from flexmigrate.models.findings import Finding
from flexmigrate.models.scan_results import ScanResult


def finding_line(f: Finding) -> str:
    op = f" ({f.operation} -> {f.replacement})" if f.operation and f.replacement else ""
    return f"{f.path}:{f.line}:{f.column}: {f.rule} [{f.fix_label}] {f.message}{op}"


def render_text(result: ScanResult, out: TextIO, *, show_applied: bool = True) -> None:
    for r in result.files:
        for f in r.findings:
            if f.applied and not show_applied:
                continue
            out.write(finding_line(f) + "\n")
    for path, error in result.errors:
        out.write(f"{path}: FM000 [error] {error}\n")
    out.write(summary_line(result) + "\n")


def summary_line(result: ScanResult) -> str:
    remaining = Counter(f.fix.value for f in result.remaining)
    applied = sum(len(r.applied) for r in result.files)
    parts = []
    if applied:
        parts.append(f"fixed {applied} in {len(result.changed)} file(s)")
    total = sum(remaining.values())
    if total:
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(remaining.items()))
        parts.append(f"{total} finding(s) remaining ({detail})")
    if remaining.get("unsafe"):
        parts.append("unsafe fixes are applied with --unsafe-fixes")
    if result.errors:
        parts.append(f"{len(result.errors)} file(s) could not be analysed")
    scanned = sum(1 for r in result.files if r.parsed)
    parts.append(f"{len(result.files)} file(s) looked at, {scanned} parsed")
    return (
        "; ".join(parts)
        if total or applied or result.errors
        else "no retired endpoint calls found; " + parts[-1]
    )


def _diff_name(path: Path) -> str:
    """The path as ``git diff`` would show it: relative to the current folder where possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


def render_diff(result: ScanResult, out: TextIO) -> None:
    for r in result.files:
        if not r.changed:
            continue
        name = _diff_name(r.path)
        out.writelines(
            difflib.unified_diff(
                r.original.splitlines(keepends=True),
                r.fixed.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )
