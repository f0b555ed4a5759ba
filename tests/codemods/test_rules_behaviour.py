"""How the FM2xx-FM5xx rules behave around the fixtures: dependence on the URL fix, calls whose
request was not found, the comment switch, the catalog as the only source of names, rule docs."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from flexmigrate.codemods import rules
from flexmigrate.codemods.registry import rule_summaries
from flexmigrate.catalog import catalog_from_data, load_catalog
from flexmigrate.models.findings import FixKind
from tests.codemods.fixture_runner import splice
from tests.codemods.test_rules_fixtures import FIXTURES, context, rules_on

ROOT = Path(__file__).resolve().parents[2]
WRAPPER_FIXTURES = Path(__file__).parent / "fixtures" / "wrappers"
HALF_FIXTURES = Path(__file__).parent / "fixtures" / "half_migrated"

RESTORE = """\
import requests


def restore_source(group, cluster, restore_id):
    url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{group}/clusters/{cluster}/backup/tenant/restores/{restore_id}"
    resp = requests.get(url, headers={"Accept": "application/vnd.atlas.2023-01-01+json"})
    return resp.json()["clusterName"]
"""

DOWNLOAD = """\
import requests


def download(group, cluster, snapshot_id):
    url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{group}/clusters/{cluster}/backup/tenant/download"
    return requests.post(url, json={"snapshotId": snapshot_id, "targetProjectId": group})
"""


def _codes(findings) -> list[str]:
    return sorted(f"{f.rule}:{f.fix.value}" for f in findings)


def test_a_dependent_fix_is_never_surer_than_the_url_fix() -> None:
    ctx = context(RESTORE)
    assert _codes(rules_on(ctx)) == ["FM201:safe", "FM301:safe"]
    ctx = context(RESTORE)
    for ec in ctx.endpoint_calls:
        ec.fix = FixKind.UNSAFE
    assert _codes(rules_on(ctx)) == ["FM201:unsafe", "FM301:unsafe"]


def test_one_request_is_acted_on_once() -> None:
    ctx = context(RESTORE)
    ctx.endpoint_calls = ctx.endpoint_calls * 2  # the same request matched twice
    assert _codes(rules_on(ctx)) == ["FM201:safe", "FM301:safe"]


def test_calls_whose_url_is_not_rewritten_are_left_to_the_url_rule() -> None:
    ctx = context(RESTORE)
    for ec in ctx.endpoint_calls:
        ec.rewritten = False
    assert rules_on(ctx) == []


def test_a_url_whose_request_was_not_found_is_reported_not_guessed() -> None:
    ctx = context(DOWNLOAD)
    for ec in ctx.endpoint_calls:
        ec.call = None
    findings = rules_on(ctx)
    assert _codes(findings) == ["FM203:manual", "FM402:manual"]
    url_line = ctx.line_col(ctx.span(ctx.endpoint_calls[0].url_node)[0])[0]
    assert all(f.line == url_line for f in findings), "reported at the URL"
    ctx = context(RESTORE)
    for ec in ctx.endpoint_calls:
        ec.call = None
    assert _codes(rules_on(ctx)) == ["FM203:manual", "FM302:manual"]


def test_comments_are_only_reported_when_asked() -> None:
    source = (FIXTURES / "comments" / "noop_mentions.py").read_text("utf-8")
    assert not [f for f in rules_on(context(source)) if f.rule.startswith("FM5")]
    reported = [f for f in rules_on(context(source, report_comments=True)) if f.rule.startswith("FM5")]
    assert reported and all(f.fix is FixKind.MANUAL and not f.edits for f in reported)
    first = reported[0]
    assert source.splitlines()[first.line - 1][first.column - 1 :].startswith("/api/atlas/v2/groups/")


def _renamed_catalog():
    """The shipped catalog with a different Flex version and field name: the rules must follow it."""
    data = json.loads(
        resources.files("flexmigrate.catalog").joinpath("data", "endpoints.json").read_text("utf-8")
    )
    data = copy.deepcopy(data)
    for ep in data["endpoints"]:
        ep["new"]["accept_version"] = "2031-02-03"
        if "clusterName" in ep["response_field_renames"]:
            ep["response_field_renames"]["clusterName"] = "sourceName"
        dropped = ep.get("request_fields_dropped", [])
        if "targetProjectId" in dropped:
            dropped.remove("targetProjectId")
    return catalog_from_data(data)


def test_names_and_versions_come_from_the_catalog_only() -> None:
    catalog = _renamed_catalog()
    fixed = splice(RESTORE, [e for f in rules_on(context(RESTORE, catalog=catalog)) for e in f.edits])
    assert "application/vnd.atlas.2031-02-03+json" in fixed
    assert 'resp.json()["sourceName"]' in fixed
    findings = rules_on(context(DOWNLOAD, catalog=catalog))
    assert not [f for f in findings if f.rule.startswith("FM4")], "targetProjectId is kept by this catalog"


def test_every_rule_code_is_documented_and_exercised() -> None:
    documented: dict[str, str] = {}
    for rule in rules.ALL:
        module = __import__(rule.__module__, fromlist=["RULES"])
        for code, summary in module.RULES.items():
            assert re.fullmatch(r"FM[2-7]\d\d", code), code
            assert code not in documented, f"{code} documented twice"
            assert summary and "\n" not in summary
            documented[code] = summary
    assert {c for c in rule_summaries() if re.fullmatch(r"FM[2-5]\d\d|FM6[2-5]\d|FM70\d", c)} == set(
        documented
    )
    expected = set()
    for path in [*FIXTURES.rglob("*.py"), *WRAPPER_FIXTURES.rglob("*.py"), *HALF_FIXTURES.rglob("*.py")]:
        first = path.read_text("utf-8").splitlines()[0]
        expected |= {t.split(":")[0] for t in first.removeprefix("# expect:").split() if t != "-"}
    own = {c for c in expected if re.fullmatch(r"FM[2-7]\d\d", c)}
    assert own <= set(documented), own - set(documented)
    assert set(documented) <= own, f"codes without a fixture: {set(documented) - own}"
    docs = (ROOT / "docs" / "libcst-codemod.md").read_text("utf-8")
    for code in documented:
        assert code in docs, f"{code} missing from docs/libcst-codemod.md"


@pytest.mark.parametrize("field", load_catalog().legacy_v1["response_fields_without_flex_twin"])
def test_v1_only_fields_have_no_flex_twin_in_the_catalog(field: str) -> None:
    """The catalog's v1.0-only fields must not be a field (old or new) of any Flex mapping."""
    for ep in load_catalog():
        names = {
            part
            for spec in (*ep.response_field_map, *ep.response_field_map.values())
            for part in spec.replace("[]", "").split(".")
        }
        assert field not in names, (field, ep.key)
