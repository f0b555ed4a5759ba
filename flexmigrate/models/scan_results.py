"""What a scan found: one :class:`FileResult` per file looked at, gathered in a :class:`ScanResult`.

The scanner produces these; every renderer (text, diff, JSON, SARIF) reads them and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flexmigrate.models.findings import Finding


@dataclass
class FileResult:
    path: Path
    findings: list[Finding] = field(default_factory=list)  # applied fixes first, then what remains
    error: str | None = None
    original: str | None = None  # text before fixing (only when it changed)
    fixed: str | None = None  # text after fixing (only when it changed)
    original_bytes: bytes | None = None  # the file's bytes before fixing (only when it changed)
    fixed_bytes: bytes | None = None  # the bytes that are (or would be) written
    parsed: bool = False  # False when the prefilter ruled the file out
    written: bool = False
    note: str | None = None  # something the user should know that is not an error (one line)
    repository: str | None = None  # set in reports merged from many repositories

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
    # Paths given that turned out to hold nothing to look at, each with the reason: a run that looks
    # at nothing fails (exit 2) rather than passing.
    problems: tuple[tuple[Path, str], ...] = ()
    repository: str | None = None  # ``--repository NAME``: stamped on the JSON report for ``merge``
    shard: tuple[int, int] | None = None  # ``--shard I/N``: stamped on the JSON report for ``merge``
    dry_run: bool = False  # ``fix --diff``/``--check``: the fixes were computed, nothing was written

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
        errs.extend(self.problems)
        return errs

    @property
    def changed(self) -> list[FileResult]:
        return [r for r in self.files if r.changed]
