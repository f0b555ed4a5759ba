"""Half-migrated requests (FM70x) are findings, and no fix leaves one unreported.

Every fixture with a member that needs a human (or is unsafe) is fixed with ``--unsafe-fixes`` and
scanned again: whatever was left must still be reported, so that a CI step cannot go green on a
request that now sends the Flex path with the tenant version.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flexmigrate.codemods.fixer import check_source, fix_source
from flexmigrate.models.findings import FixKind
from flexmigrate.models.fix_policy import FixPolicy
from tests.codemods.fixture_runner import Case, cases, check_noop, check_pair

FIXTURES = Path(__file__).parent / "fixtures"
UNSAFE = FixPolicy(unsafe_fixes=True)
BEFORES = sorted(p for p in FIXTURES.rglob("*.py") if not p.name.endswith(".after.py"))

FLEX = 'f"{BASE}/groups/{g}/flexClusters/{c}/backup/restoreJobs/{r}"'
CASES = {
    "tenant version in a literal": (
        f'import requests\nBASE = "https://cloud.mongodb.com/api/atlas/v2"\n\n\ndef f(g, c, r):\n'
        f'    return requests.get({FLEX}, headers={{"Accept": "application/vnd.atlas.2023-01-01+json"}})\n',
        ["FM701:safe"],
    ),
    "tenant version in dict()": (
        f'import requests\nBASE = "https://cloud.mongodb.com/api/atlas/v2"\n\n\ndef f(g, c, r):\n'
        f'    return requests.get({FLEX}, headers=dict(Accept="application/vnd.atlas.2023-01-01+json"))\n',
        ["FM701:manual"],
    ),
    "no Accept at all": (
        f'import requests\nBASE = "https://cloud.mongodb.com/api/atlas/v2"\n\n\ndef f(g, c, r):\n'
        f"    return requests.get({FLEX})\n",
        ["FM702:safe"],
    ),
    "retired field read on the Flex response": (
        f'import requests\nBASE = "https://cloud.mongodb.com/api/atlas/v2"\n\n\ndef f(g, c, r):\n'
        f'    resp = requests.get({FLEX}, headers={{"Accept": "application/vnd.atlas.2024-11-13+json"}})\n'
        f'    return resp.json()["clusterName"]\n',
        ["FM703:safe"],
    ),
    "complete": (
        f'import requests\nBASE = "https://cloud.mongodb.com/api/atlas/v2"\n\n\ndef f(g, c, r):\n'
        f'    resp = requests.get({FLEX}, headers={{"Accept": "application/vnd.atlas.2024-11-13+json"}})\n'
        f'    return resp.json()["instanceName"]\n',
        [],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_half_migrated_request_has_its_code(name: str) -> None:
    source, expected = CASES[name]
    found = check_source(source)
    assert sorted(f"{f.rule}:{f.fix.value}" for f in found) == expected
    fixed = fix_source(source, policy=UNSAFE).text
    compile(fixed, name, "exec")
    left = check_source(fixed, policy=UNSAFE)
    assert all(f.fix is FixKind.MANUAL for f in left), "after a fix only what needs a human is left"
    if "manual" not in " ".join(expected):
        assert left == [] and "2023-01-01" not in fixed and '"clusterName"' not in fixed


@pytest.mark.parametrize("path", BEFORES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_no_fix_leaves_a_request_unreported(path: Path) -> None:
    source = path.read_text("utf-8")
    before = check_source(source, path=path.name, policy=UNSAFE)
    if not any(f.fix is not FixKind.SAFE for f in before):
        pytest.skip("every member is safe: nothing can be left behind")
    outcome = fix_source(source, path=path.name, policy=UNSAFE)
    after = check_source(outcome.text, path=path.name, policy=UNSAFE)
    if any(f.fix is FixKind.MANUAL for f in before):
        assert after, "a request that needed a human was fixed around and is no longer reported"
    assert not [f for f in after if f.fix is not FixKind.MANUAL], "a fix left something it could apply"


HALF = FIXTURES / "half_migrated"


@pytest.mark.parametrize("case", cases(HALF, "pair"))
def test_half_migrated_pair(case: Case) -> None:
    check_pair(case, only="FM7")


@pytest.mark.parametrize("case", cases(HALF, "noop"))
def test_half_migrated_noop(case: Case) -> None:
    check_noop(case, only="FM7")
