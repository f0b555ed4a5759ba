"""The URL engine (FM1xx) on the before/after pairs and no-op files in ``fixtures/urls``.

Every case goes through ``codemods.engine.analyze`` and the generic fixture runner: the expected
findings, the exact after text, the output parses, and a second run changes nothing.  Only FM1xx
findings are looked at, so these fixtures do not depend on the header/field/body rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.codemods.fixture_runner import Case, cases, check_noop, check_pair, fix

FIXTURES = Path(__file__).parent / "fixtures" / "urls"


@pytest.mark.parametrize("case", cases(FIXTURES, "pair"))
def test_url_pair(case: Case) -> None:
    check_pair(case, only="FM1")


@pytest.mark.parametrize("case", cases(FIXTURES, "noop"))
def test_url_noop(case: Case) -> None:
    check_noop(case, only="FM1")


def test_every_before_has_an_after() -> None:
    befores = {p.name.removesuffix(".before.py") for p in FIXTURES.rglob("*.before.py")}
    afters = {p.name.removesuffix(".after.py") for p in FIXTURES.rglob("*.after.py")}
    assert befores == afters
    assert befores, "no fixture pairs found"


@pytest.mark.parametrize("case", [c for c in cases(FIXTURES, "pair") if c.values[0].unsafe])
def test_unsafe_pairs_are_left_alone_without_unsafe_fixes(case: Case) -> None:
    """An unproven rewrite is all-or-nothing: a safe-only run does not apply any part of it."""
    before = case.before.read_text("utf-8")
    fixed, findings = fix(before, only="FM1")
    assert fixed == before, [f.rule for f in findings if f.fixable and f.fix.value == "safe"]
