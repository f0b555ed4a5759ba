"""The scanner's loop: for each file, read -> prefilter -> decode -> analyse -> select -> fix -> write.

Each file is handled on its own (a bad file gets an error message and the run goes on), so files
can be spread over worker processes.  Nothing is written unless ``ScanOptions.write`` is set, and a
file is written only when its text changed, re-parses, and re-encodes losslessly.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterable, Sequence

import libcst as cst

from flexmigrate.catalog import load_catalog
from flexmigrate.report.findings import Finding, FixKind
from flexmigrate.scan.discover import discover
from flexmigrate.scan.edits import apply_edits, select_fixes
from flexmigrate.scan.prefilter import Prefilter
from flexmigrate.scan.source import SourceError, decode
from flexmigrate.scan.suppress import parse_suppressions
from flexmigrate.scan.writer import write_atomic

# Fixes are applied in passes (an edit that clashed with another waits for the next pass); a file
# that still has fixes to apply after this many passes is reported instead of being looped on.
MAX_FIX_PASSES = 4
# Below this many files that pass the prefilter, worker processes cost more than they save.
PARALLEL_THRESHOLD = 24


@dataclass(frozen=True)
class ScanOptions:
    fix: bool = False  # compute fixed text
    write: bool = False  # write fixed files back (needs ``fix``)
    unsafe_fixes: bool = False
    select: tuple[str, ...] = ()  # rule codes or prefixes to keep (empty: all)
    ignore: tuple[str, ...] = ()  # rule codes or prefixes to drop
    report_comments: bool = False
    exclude: tuple[str, ...] = ()
    jobs: int | None = None  # worker processes; None: decide from the file count

    @property
    def allowed_fixes(self) -> frozenset[str]:
        kinds = {FixKind.SAFE.value}
        if self.unsafe_fixes:
            kinds.add(FixKind.UNSAFE.value)
        return frozenset(kinds)

    def keeps(self, rule: str) -> bool:
        if self.select and not any(rule.startswith(s) for s in self.select):
            return False
        return not any(rule.startswith(i) for i in self.ignore)


@dataclass
class FileResult:
    path: Path
    findings: list[Finding] = field(default_factory=list)  # applied fixes first, then what remains
    error: str | None = None
    original: str | None = None  # text before fixing (only when it changed)
    fixed: str | None = None  # text after fixing (only when it changed)
    parsed: bool = False  # False when the prefilter ruled the file out
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original

    @property
    def remaining(self) -> list[Finding]:
        return [f for f in self.findings if not f.applied]

    @property
    def applied(self) -> list[Finding]:
        return [f for f in self.findings if f.applied]


@dataclass
class ScanResult:
    files: list[FileResult]
    missing: tuple[Path, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def remaining(self) -> list[Finding]:
        return [f for r in self.files for f in r.remaining]

    @property
    def errors(self) -> list[tuple[Path, str]]:
        errs = [(r.path, r.error) for r in self.files if r.error]
        errs.extend((p, "no such file or folder") for p in self.missing)
        return errs

    @property
    def changed(self) -> list[FileResult]:
        return [r for r in self.files if r.changed]


@cache
def _prefilter() -> Prefilter:
    return Prefilter(load_catalog().prefilter_tokens())


def _analyze(text: str, path: str, options: ScanOptions) -> list[Finding]:
    from codemods.engine import AnalyzeOptions, analyze

    findings = analyze(text, path=path, options=AnalyzeOptions(report_comments=options.report_comments))
    suppressions = parse_suppressions(text)
    return [f for f in findings if options.keeps(f.rule) and not suppressions.silences(f)]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def process_file(path: Path, options: ScanOptions, raw: bytes | None = None) -> FileResult:
    """Everything the scanner does to one file; never raises for a problem with the file.

    ``raw`` is the file's content when the caller has already read and prefiltered it; without it
    the file is read and prefiltered here.
    """
    result = FileResult(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            result.error = f"cannot read: {exc.strerror or exc}"
            return result
        if not _prefilter().may_match(raw):
            return result
    result.parsed = True
    try:
        source = decode(raw)
        findings = _analyze(source.text, str(path), options)
    except SourceError as exc:
        result.error = str(exc)
        return result
    except cst.ParserSyntaxError as exc:
        result.error = f"not valid Python at line {exc.raw_line}, column {exc.raw_column}: {exc.message}"
        return result
    except RecursionError:
        result.error = "too deeply nested to analyse"
        return result
    except Exception as exc:  # a bug in one rule must not stop the run; it is reported as an error
        result.error = f"internal error while analysing ({type(exc).__name__}: {_one_line(exc)})"
        return result

    if not options.fix:
        result.findings = findings
        return result

    text, applied = source.text, []
    for _ in range(MAX_FIX_PASSES):
        chosen, edits = select_fixes(findings, options.allowed_fixes)
        if not chosen:
            break
        new_text = apply_edits(text, edits)
        try:
            cst.parse_module(new_text)
            findings = _analyze(new_text, str(path), options)
        except Exception as exc:
            result.error = f"a fix produced code that does not parse; file left alone ({_one_line(exc)})"
            result.findings = findings
            return result
        applied.extend(f.mark_applied() for f in chosen)
        text = new_text
    else:
        if select_fixes(findings, options.allowed_fixes)[0]:
            result.error = f"fixes did not settle after {MAX_FIX_PASSES} passes; file left alone"
            result.findings = findings
            return result

    result.findings = applied + findings
    if text == source.text:
        return result
    if not source.round_trips:
        result.error = f"cannot rewrite without changing other bytes (encoding {source.encoding}); file left alone"
        result.findings = findings_with_unapplied(applied) + findings
        return result
    result.original, result.fixed = source.text, text
    if options.write:
        try:
            write_atomic(path, source.encode(text))
            result.written = True
        except OSError as exc:
            result.error = f"cannot write: {exc.strerror or exc}"
    return result


def findings_with_unapplied(applied: Iterable[Finding]) -> list[Finding]:
    from dataclasses import replace

    return [replace(f, applied=False) for f in applied]


def _jobs(options: ScanOptions, count: int) -> int:
    if options.jobs is not None:
        return max(1, options.jobs)
    if count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def scan(paths: Sequence[str | Path], options: ScanOptions = ScanOptions()) -> ScanResult:
    found = discover(paths, exclude=options.exclude)
    # The prefilter runs here, in the parent, so only files worth parsing are shipped to workers.
    candidates: list[tuple[Path, bytes | None]] = []
    results: dict[Path, FileResult] = {}
    for path in found.files:
        try:
            raw: bytes | None = path.read_bytes()
        except OSError:
            raw = None  # process_file reads again and reports the error
        if raw is None or _prefilter().may_match(raw):
            candidates.append((path, raw))
        else:
            results[path] = FileResult(path)
    jobs = _jobs(options, len(candidates))
    paths = [p for p, _ in candidates]
    contents = [r for _, r in candidates]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for res in pool.map(process_file, paths, [options] * len(paths), contents, chunksize=4):
                results[res.path] = res
    else:
        for path, raw in candidates:
            results[path] = process_file(path, options, raw)
    return ScanResult(files=[results[p] for p in found.files], missing=found.missing)
