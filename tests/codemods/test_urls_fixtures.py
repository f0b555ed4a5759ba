"""The URL engine (FM1xx) on the before/after pairs and no-op files in ``fixtures/urls``.

Every case goes through the URL engine (``flexmigrate.codemods.urls`` on the module context ``analyze`` builds)
and the generic fixture runner: the expected findings, the exact after text, the output parses, and
a second run changes nothing.  The rules that run later (headers, fields, bodies) are left out, so
these fixtures test the URL engine on its own; ``test_urls_through_engine`` checks it still holds
inside the whole analysis.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from flexmigrate.codemods.engine import analyze

from tests.codemods.fixture_runner import Case, cases, check_noop, check_pair, fix, url_engine_only

FIXTURES = Path(__file__).parent / "fixtures" / "urls"


@pytest.mark.parametrize("case", cases(FIXTURES, "pair"))
def test_url_pair(case: Case) -> None:
    check_pair(case, only="FM1", url_only=True)


@pytest.mark.parametrize("case", cases(FIXTURES, "noop"))
def test_url_noop(case: Case) -> None:
    check_noop(case, only="FM1", url_only=True)


def test_every_before_has_an_after() -> None:
    befores = {p.name.removesuffix(".before.py") for p in FIXTURES.rglob("*.before.py")}
    afters = {p.name.removesuffix(".after.py") for p in FIXTURES.rglob("*.after.py")}
    assert befores == afters
    assert befores, "no fixture pairs found"


@pytest.mark.parametrize("case", [c for c in cases(FIXTURES, "pair") if c.values[0].unsafe])
def test_unsafe_pairs_are_left_alone_without_unsafe_fixes(case: Case) -> None:
    """An unproven rewrite is all-or-nothing: a safe-only run does not apply any part of it."""
    before = case.before.read_text("utf-8")
    fixed, findings = fix(before, only="FM1", url_only=True)
    assert fixed == before, [f.rule for f in findings if f.fixable and f.fix.value == "safe"]


@pytest.mark.parametrize("case", cases(FIXTURES, "noop"))
def test_urls_through_engine_noop(case: Case) -> None:
    """Inside the whole analysis the near misses still yield no edit of any rule."""
    source = case.before.read_text("utf-8")
    assert not [f for f in analyze(source, path=case.before.name) if f.edits]


@pytest.mark.parametrize("case", cases(FIXTURES, "pair"))
def test_urls_through_engine(case: Case) -> None:
    """Inside the whole analysis every URL finding is reported with the same rule and edits.

    Later rules may only make a URL fix stricter (never looser), and the full fix of the file must
    parse and leave nothing for a second run.
    """
    before = case.before.read_text("utf-8")
    alone = url_engine_only(before, path=case.before.name)
    inside = [f for f in analyze(before, path=case.before.name) if f.rule.startswith("FM1")]
    rank = {"safe": 0, "unsafe": 1, "manual": 2}
    assert [(f.line, f.rule, f.edits) for f in inside] == [(f.line, f.rule, f.edits) for f in alone]
    assert all(rank[b.fix.value] >= rank[a.fix.value] for a, b in zip(alone, inside))
    fixed, _ = fix(before, unsafe=True)
    cst.parse_module(fixed)
    again, later = fix(fixed, unsafe=True)
    assert again == fixed, [f"{f.line} {f.rule} {f.message}" for f in later if f.fixable]
