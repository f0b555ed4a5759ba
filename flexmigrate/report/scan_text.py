"""Human output of ``scan`` and ``fix``: ``text`` shows each finding with its source line, a caret
under the span and a one-line hint of the fix, as ruff's default output does; ``concise`` is one line
per finding, as compilers print them."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path
from typing import BinaryIO, TextIO

from flexmigrate.models.findings import Finding
from flexmigrate.models.scan_results import ScanResult


def finding_line(f: Finding, *, dry_run: bool = False) -> str:
    """One finding on one line; in a dry run a fix that would be applied shows its kind, not "applied"."""
    label = _label(f, dry_run)
    op = f" ({f.operation} -> {f.replacement})" if f.operation and f.replacement else ""
    # The file type is named where it is not Python (the scanner's first language).
    kind = f" ({f.language})" if f.language and f.language != "python" else ""
    where = f"{f.repository}/{f.path}" if f.repository else f.path
    return f"{where}:{f.line}:{f.column}: {f.rule} [{label}]{kind} {f.message}{op}"


def _label(f: Finding, dry_run: bool) -> str:
    return f.fix.value if dry_run and f.applied else f.fix_label


def render_concise(result: ScanResult, out: TextIO, *, show_applied: bool = True) -> None:
    for r in result.files:
        for f in r.findings:
            if f.applied and not show_applied:
                continue
            out.write(finding_line(f, dry_run=result.dry_run) + "\n")
    for path, error in result.errors:
        out.write(f"{path}: FM000 [error] {error}\n")
    out.write(summary_line(result) + "\n")


_HINTS = {
    "safe": "help: `flexmigrate fix` applies this",
    "unsafe": "help: `flexmigrate fix --unsafe-fixes` applies this; look at it first",
    "manual": "help: needs a human; nothing is applied",
    "applied": "fixed",
}


def _source_lines(r) -> list[str] | None:
    """The lines the findings of ``r`` point into: the fixed text after a fix, else the file."""
    text = r.fixed if r.fixed is not None else None
    if text is None:
        try:
            text = r.path.read_text("utf-8", errors="replace")
        except (OSError, ValueError):
            return None
    return text.splitlines()


def _snippet(f: Finding, lines: list[str] | None) -> list[str]:
    if lines is None or not 1 <= f.line <= len(lines):
        return []
    source = lines[f.line - 1].expandtabs(1)
    gutter = str(f.line)
    start = max(f.column - 1, 0)
    end = (f.end_column - 1) if f.end_line == f.line and f.end_column else len(source)
    width = max(1, min(end, len(source)) - start)
    pad = " " * len(gutter)
    return [f"{pad} |", f"{gutter} | {source}", f"{pad} | {' ' * start}{'^' * width}"]


def render_text(result: ScanResult, out: TextIO, *, show_applied: bool = True) -> None:
    """Each finding with the offending source line, a caret under it and a hint of the fix."""
    for r in result.files:
        shown = [f for f in r.findings if show_applied or not f.applied]
        if not shown:
            continue
        lines = _source_lines(r)
        for f in shown:
            out.write(finding_line(f, dry_run=result.dry_run) + "\n")
            for line in _snippet(f, lines):
                out.write(line.rstrip() + "\n")
            hint = "would be fixed" if result.dry_run and f.applied else _HINTS[f.fix_label]
            out.write(f"{' ' * len(str(f.line))} = {hint}\n\n")
    for path, error in result.errors:
        out.write(f"{path}: FM000 [error] {error}\n")
    out.write(summary_line(result) + "\n")


def render_statistics(result: ScanResult, out: TextIO) -> None:
    """``--statistics``: one line per rule, most frequent first: count, code, fix kinds, summary."""
    from flexmigrate.languages import rule_summaries

    summaries = rule_summaries()
    counts = Counter(f.rule for f in result.findings)
    kinds: dict[str, Counter[str]] = {}
    for f in result.findings:
        kinds.setdefault(f.rule, Counter())[f.fix_label] += 1
    width = max((len(str(n)) for n in counts.values()), default=1)
    for rule, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        labels = ",".join(sorted(kinds[rule]))
        out.write(f"{n:>{width}}\t{rule}\t[{labels}]\t{summaries.get(rule, '')}\n")
    for path, error in result.errors:
        out.write(f"{path}: FM000 [error] {error}\n")
    out.write(summary_line(result) + "\n")


def summary_line(result: ScanResult) -> str:
    """The run in one line (a dry run says what it *would* fix)."""
    remaining = Counter(f.fix.value for f in result.remaining)
    applied = sum(len(r.applied) for r in result.files)
    parts = []
    if applied:
        verb = "would fix" if result.dry_run else "fixed"
        parts.append(f"{verb} {applied} in {len(result.changed)} file(s)")
    total = sum(remaining.values())
    if total:
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(remaining.items()))
        parts.append(f"{total} finding(s) remaining ({detail})")
    if remaining.get("unsafe"):
        parts.append("unsafe fixes are applied with --unsafe-fixes")
    failed = len(result.errors) - len(result.problems)
    if failed:
        parts.append(f"{failed} path(s) could not be analysed")
    if result.problems:
        parts.append(
            "nothing was looked at: the path(s) given hold no file flexmigrate reads outside the excludes"
        )
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


def _patch_lines(data: bytes) -> list[bytes]:
    """``data`` split as ``git apply`` and ``patch`` split it: after each ``\\n``, nothing else."""
    parts = data.split(b"\n")
    lines = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


NO_NEWLINE = b"\\ No newline at end of file\n"


def file_patch(name: str, before: bytes, after: bytes) -> bytes:
    """A unified diff of one file's bytes that ``git apply`` and ``patch -p1`` accept as it is.

    It is made of the file's own bytes (its encoding, BOM and line endings untouched), and a last
    line without a newline is followed by ``\\ No newline at end of file``, as git writes it.
    Raises ``ValueError`` when the change cannot be shown faithfully as a text patch.
    """
    if b"\0" in before or b"\0" in after:
        raise ValueError("the file holds NUL bytes, which a text patch cannot carry")
    if any(c in name for c in "\n\r\t"):
        raise ValueError("its name holds a tab or newline, which a patch header cannot carry")
    encoded = name.encode("utf-8", "surrogateescape")
    out = []
    for line in difflib.diff_bytes(
        difflib.unified_diff,
        _patch_lines(before),
        _patch_lines(after),
        fromfile=b"a/" + encoded,
        tofile=b"b/" + encoded,
        lineterm=b"\n",
    ):
        if line.endswith(b"\n"):
            out.append(line)
        else:
            out.extend((line, b"\n", NO_NEWLINE))
    return b"".join(out)


def render_diff(result: ScanResult, out: BinaryIO, err: TextIO) -> None:
    """Every changed file's patch to ``out`` (bytes); a change no patch can carry is said on ``err``."""
    for r in result.files:
        if not r.changed or r.original_bytes is None or r.fixed_bytes is None:
            continue
        try:
            out.write(file_patch(_diff_name(r.path), r.original_bytes, r.fixed_bytes))
        except ValueError as exc:
            err.write(f"{r.path}: fix not shown as a patch: {exc}; 'flexmigrate fix' applies it\n")
