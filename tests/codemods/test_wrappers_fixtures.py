"""Pulumi, CDKTF, Atlas CLI and generated-client callers (FM62x-FM65x) on before/after fixtures.

``tests/codemods/fixtures/wrappers/<wrapper>/`` holds pairs and no-op files in the format of
``tests/codemods/fixture_runner.py``: the ``# expect:`` line, the exact after text, the output
parses, and a second fix changes nothing.  Only the wrapper rules' codes are selected, so the URL
engine's findings do not mix in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.codemods.fixture_runner import Case, cases, check_noop, check_pair

FIXTURES = Path(__file__).parent / "fixtures" / "wrappers"


@pytest.mark.parametrize("case", cases(FIXTURES, "pair"))
def test_wrapper_pair(case: Case) -> None:
    check_pair(case, only="FM6")


@pytest.mark.parametrize("case", cases(FIXTURES, "noop"))
def test_wrapper_noop(case: Case) -> None:
    check_noop(case, only="FM6")


def test_every_before_has_an_after() -> None:
    befores = {p.name.removesuffix(".before.py") for p in FIXTURES.rglob("*.before.py")}
    afters = {p.name.removesuffix(".after.py") for p in FIXTURES.rglob("*.after.py")}
    assert befores == afters and befores
