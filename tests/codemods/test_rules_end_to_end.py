"""The whole analysis (URLs and the FM2xx-FM5xx rules together) on realistic modules.

``fixtures/rules/e2e`` holds before/after pairs whose after text is what ``flexmigrate fix``
writes: URLs, headers, fields and bodies rewritten in one run, the rest byte for byte.  They run
through the shared fixture runner (expected findings of every rule, exact after text, output
parses, second run offers nothing).  The after files were reviewed by hand, change by change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.codemods.fixture_runner import Case, cases, check_noop, check_pair

E2E = Path(__file__).parent / "fixtures" / "rules" / "e2e"


@pytest.mark.parametrize("case", cases(E2E, "pair"))
def test_full_migration(case: Case) -> None:
    check_pair(case)


@pytest.mark.parametrize("case", cases(E2E, "noop"))
def test_full_noop(case: Case) -> None:
    check_noop(case)


def test_there_are_end_to_end_cases() -> None:
    assert len(cases(E2E, "pair")) >= 2 and cases(E2E, "noop")
