"""A generic runner for codemod fixtures: before/after pairs and no-op files on disk.

A fixture directory holds ``name.before.py`` + ``name.after.py`` pairs and ``noop_*.py`` files.  The
first line of a before or noop file may say which findings the analysis must report, as
``# expect: FM101:safe FM110:manual`` (``# expect: -`` for none); without that line only the text is
checked.  ``only`` restricts everything (expected codes and the fixes applied) to rule codes with a
given prefix, so one rule family's fixtures do not depend on the others.

For a pair the runner fixes the before text with :func:`flexmigrate.codemods.fixer.fix_source`, the
one fix loop ``flexmigrate fix`` and the libcst command run (safe fixes, and unsafe ones for pairs
named ``unsafe_*``; ``only`` becomes the policy's rule selection); the result must equal the after
file, parse, and a second run must change nothing (idempotence).  A noop file must yield no edit at
all.  ``url_only`` runs the URL engine without the rules that follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import libcst as cst
import pytest

from flexmigrate.codemods.engine import analyze
from flexmigrate.codemods.fixer import check_source, fix_source
from flexmigrate.models.edits import apply_edits
from flexmigrate.models.findings import Edit, Finding, FixKind
from flexmigrate.models.fix_policy import FixPolicy

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
    "url_engine_only",
]


def url_engine_only(source: str, *, path: str = "fixture.py") -> list[Finding]:
    """The findings of ``flexmigrate.codemods.urls`` alone (no rule after it), unfiltered and unsettled.

    The rules that run after it may make a URL fix stricter (a request whose headers cannot be
    rewritten with it); URL fixtures use this to test the URL engine on its own terms.
    """
    return analyze(source, path=path, rules=())


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


def _policy(unsafe: bool, only: str | None) -> FixPolicy:
    return FixPolicy(unsafe_fixes=unsafe, select=(only,) if only else ())


def fix(
    source: str,
    *,
    unsafe: bool = False,
    only: str | None = None,
    path: str = "fixture.py",
    url_only: bool = False,
) -> tuple[str, list[Finding]]:
    """``source`` fixed by the one fix loop, and the findings as the first analysis reports them."""
    policy = _policy(unsafe, only)
    rules = () if url_only else None
    findings = check_source(source, path=path, policy=policy, rules=rules)
    outcome = fix_source(source, path=path, policy=policy, rules=rules)
    assert outcome.error is None, outcome.error
    return outcome.text, findings


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


def check_pair(case: Case, *, only: str | None = None, url_only: bool = False) -> None:
    """Before -> after by the fixes; parses; a second run offers nothing more."""
    assert case.after is not None and case.after.is_file(), f"{case.before} has no after file"
    check_texts(
        case.before.read_text("utf-8"),
        case.after.read_text("utf-8"),
        unsafe=case.unsafe,
        only=only,
        path=case.before.name,
        url_only=url_only,
    )


def check_texts(
    before: str,
    after: str,
    *,
    unsafe: bool = False,
    only: str | None = None,
    path: str = "fixture.py",
    url_only: bool = False,
) -> list[Finding]:
    """:func:`check_pair` on texts (for generated cases); returns the first run's findings."""
    fixed, findings = fix(before, unsafe=unsafe, only=only, path=path, url_only=url_only)
    want = expected_codes(before)
    if want is not None:
        assert summary(findings) == want, _describe(findings)
    assert fixed == after, "\n".join(_describe(findings))
    cst.parse_module(fixed)
    compile(fixed, path, "exec")
    again, later = fix(fixed, unsafe=unsafe, only=only, path=path, url_only=url_only)
    assert again == fixed, "a second run changed the output: " + "\n".join(_describe(later))
    kinds = {FixKind.SAFE} | ({FixKind.UNSAFE} if unsafe else set())
    assert not [f for f in later if f.fixable and f.fix in kinds], _describe(later)
    return findings


def check_noop(case: Case, *, only: str | None = None, url_only: bool = False) -> None:
    """No edit at all (safe, unsafe or otherwise), and the expected findings if the file names them."""
    source = case.before.read_text("utf-8")
    findings = check_source(
        source, path=case.before.name, policy=_policy(False, only), rules=() if url_only else None
    )
    want = expected_codes(source)
    assert summary(findings) == (want or []), _describe(findings)
    assert not [f for f in findings if f.edits], _describe(findings)
