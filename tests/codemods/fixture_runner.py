"""A generic runner for codemod fixtures: before/after pairs and no-op files on disk.

A fixture directory holds ``name.before.py`` + ``name.after.py`` pairs and ``noop_*.py`` files.  The
first line of a before or noop file may say which findings the analysis must report, as
``# expect: FM101:safe FM110:manual`` (``# expect: -`` for none); without that line only the text is
checked.  ``only`` restricts everything (expected codes and the fixes applied) to rule codes with a
given prefix, so one rule family's fixtures do not depend on the others.

For a pair the runner applies every safe fix of :func:`codemods.engine.analyze` (and the unsafe ones
for pairs named ``unsafe_*``) by splicing their edits into the original text, sorted by start, and
refuses overlapping edits; the result must equal the after file, parse, and a second analysis of it
must offer no further edit (idempotence).  A noop file must yield no edit at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from codemods import urls
from codemods.engine import AnalyzeOptions, ModuleContext, analyze
from flexmigrate.catalog import load_catalog
from flexmigrate.report.findings import Edit, Finding, FixKind
from flexmigrate.scan.edits import apply_edits

__all__ = [
    "OverlappingEdits",
    "Case",
    "cases",
    "splice",
    "fix",
    "check_pair",
    "check_noop",
    "check_texts",
    "expected_codes",
    "summary",
    "Analyzer",
    "url_engine_only",
]

# What produces the findings: ``codemods.engine.analyze`` by default.
Analyzer = Callable[..., "list[Finding]"]


def url_engine_only(source: str, *, path: str = "fixture.py") -> list[Finding]:
    """The findings of ``codemods.urls`` alone, on the same module context ``analyze`` builds.

    The rules that run after it may make a URL fix stricter (a request whose headers cannot be
    rewritten with it); URL fixtures pass this to test the URL engine on its own terms.
    """
    ctx = ModuleContext(
        source=source,
        path=path,
        wrapper=MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True),
        catalog=load_catalog(),
        options=AnalyzeOptions(),
    )
    return sorted(urls.find_endpoint_calls(ctx), key=Finding.sort_key)


class OverlappingEdits(AssertionError):
    """Two edits chosen for one run touch the same text: the fixes are not independent."""


@dataclass(frozen=True)
class Case:
    """One fixture: a before/after pair (``after`` set) or a noop file."""

    before: Path
    after: Path | None

    @property
    def name(self) -> str:
        if self.after is None:
            return self.before.stem
        return self.before.name.removesuffix(".before.py")

    @property
    def unsafe(self) -> bool:
        return self.name.startswith("unsafe_")


def cases(directory: Path, kind: str) -> list:
    """``pytest.param`` s for every ``"pair"`` or ``"noop"`` fixture below ``directory``."""
    out = []
    for path in sorted(directory.rglob("*.py")):
        rel = path.relative_to(directory).parent.as_posix()
        label = "" if rel == "." else rel + "/"
        if kind == "pair" and path.name.endswith(".before.py"):
            after = path.with_name(path.name.replace(".before.py", ".after.py"))
            case = Case(path, after)
            out.append(pytest.param(case, id=label + case.name))
        elif kind == "noop" and path.name.startswith("noop_"):
            case = Case(path, None)
            out.append(pytest.param(case, id=label + case.name))
    return out


def splice(source: str, edits: Iterable[Edit]) -> str:
    """``source`` with ``edits`` applied (sorted by start); overlapping edits are refused.

    Identical edits proposed twice (one constant rewritten for two URLs) count once.
    """
    try:
        return apply_edits(source, edits)
    except ValueError as exc:
        raise OverlappingEdits(str(exc)) from None


def _selected(findings: Sequence[Finding], only: str | None) -> list[Finding]:
    return [f for f in findings if only is None or f.rule.startswith(only)]


def fix(
    source: str,
    *,
    unsafe: bool = False,
    only: str | None = None,
    path: str = "fixture.py",
    analyzer: Analyzer = analyze,
) -> tuple[str, list[Finding]]:
    """``source`` with every safe (and, if asked, unsafe) fix applied, and the findings of the run."""
    findings = _selected(analyzer(source, path=path), only)
    kinds = {FixKind.SAFE} | ({FixKind.UNSAFE} if unsafe else set())
    edits = [e for f in findings if f.fixable and f.fix in kinds for e in f.edits]
    return splice(source, edits), findings


def expected_codes(source: str) -> list[str] | None:
    """The ``# expect:`` line's ``CODE:kind`` tokens, sorted, or ``None`` without such a line."""
    first = source.splitlines()[0] if source else ""
    if not first.startswith("# expect:"):
        return None
    return sorted(t for t in first.removeprefix("# expect:").split() if t != "-")


def summary(findings: Sequence[Finding]) -> list[str]:
    return sorted(f"{f.rule}:{f.fix.value}" for f in findings)


def _describe(findings: Sequence[Finding]) -> list[str]:
    return [f"{f.line}:{f.column} {f.rule} {f.fix.value}: {f.message}" for f in findings]


def check_pair(case: Case, *, only: str | None = None, analyzer: Analyzer = analyze) -> None:
    """Before -> after by the fixes; parses; a second run offers nothing more."""
    assert case.after is not None and case.after.is_file(), f"{case.before} has no after file"
    check_texts(
        case.before.read_text("utf-8"),
        case.after.read_text("utf-8"),
        unsafe=case.unsafe,
        only=only,
        path=case.before.name,
        analyzer=analyzer,
    )


def check_texts(
    before: str,
    after: str,
    *,
    unsafe: bool = False,
    only: str | None = None,
    path: str = "fixture.py",
    analyzer: Analyzer = analyze,
) -> list[Finding]:
    """:func:`check_pair` on texts (for generated cases); returns the first run's findings."""
    fixed, findings = fix(before, unsafe=unsafe, only=only, path=path, analyzer=analyzer)
    want = expected_codes(before)
    if want is not None:
        assert summary(findings) == want, _describe(findings)
    assert fixed == after, "\n".join(_describe(findings))
    cst.parse_module(fixed)
    compile(fixed, path, "exec")
    again, later = fix(fixed, unsafe=unsafe, only=only, path=path, analyzer=analyzer)
    assert again == fixed, "a second run changed the output: " + "\n".join(_describe(later))
    kinds = {FixKind.SAFE} | ({FixKind.UNSAFE} if unsafe else set())
    assert not [f for f in later if f.fixable and f.fix in kinds], _describe(later)
    return findings


def check_noop(case: Case, *, only: str | None = None, analyzer: Analyzer = analyze) -> None:
    """No edit at all (safe, unsafe or otherwise), and the expected findings if the file names them."""
    source = case.before.read_text("utf-8")
    findings = _selected(analyzer(source, path=case.before.name), only)
    want = expected_codes(source)
    assert summary(findings) == (want or []), _describe(findings)
    assert not [f for f in findings if f.edits], _describe(findings)
