"""``find_endpoint_calls`` as the rules that follow see it, and the catalog-driven rewrite derivation."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from flexmigrate.codemods import urls
from flexmigrate.codemods.engine import AnalyzeOptions, ModuleContext, analyze
from flexmigrate.codemods.url.templates import TemplateError, align, templates_for
from flexmigrate.catalog import catalog_from_data, load_catalog
from flexmigrate.models.findings import FixKind
from tests.codemods.fixture_runner import fix, splice, url_engine_only

FIXTURES = Path(__file__).parent / "fixtures" / "urls"
CATALOG = load_catalog()


def context(source: str, catalog=CATALOG) -> ModuleContext:
    return ModuleContext(
        source=source,
        path="t.py",
        wrapper=MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True),
        catalog=catalog,
        options=AnalyzeOptions(),
    )


def code(ctx: ModuleContext, node: cst.CSTNode | None) -> str | None:
    return None if node is None else ctx.module.code_for_node(node)


# -- endpoint calls ------------------------------------------------------------------------------


def test_calls_are_traced_directly_and_through_a_local_name() -> None:
    source = (
        'BASE = "https://cloud.mongodb.com/api/atlas/v2"\n'
        "def f(s, g, c, r):\n"
        '    s.get(f"{BASE}/groups/{g}/clusters/{c}/backup/tenant/restores/{r}", timeout=5)\n'
        '    url = f"{BASE}/groups/{g}/clusters/{c}/backup/tenant/snapshots"\n'
        "    log(url)\n"
        "    return s.get(url=url)\n"
    )
    ctx = context(source)
    findings = list(urls.find_endpoint_calls(ctx))
    assert [f.rule for f in findings] == ["FM101", "FM101"]
    first, second = ctx.endpoint_calls
    assert first.endpoint.key == "get_restore_job"
    assert code(ctx, first.call).startswith('s.get(f"{BASE}')  # type: ignore[union-attr]
    assert second.endpoint.key == "list_snapshots"
    assert code(ctx, second.call) == "log(url)"  # the first call the URL is passed to
    assert all(c.rewritten and c.fix is FixKind.SAFE and not c.legacy_v1 for c in ctx.endpoint_calls)
    assert [c.url_finding for c in ctx.endpoint_calls] == findings


def test_legacy_and_manual_calls_are_recorded_with_their_state() -> None:
    source = (
        "def f(s, g, c, seg):\n"
        '    s.get("/api/atlas/v1.0/groups/%s/clusters/%s/backup/tenant/download" % (g, c))\n'
        "    s.get(f\"/api/atlas/v2/groups/{g}/clusters/{c}/backup/{'tenant/snapshots' if seg else 'snapshots'}\")\n"
    )
    ctx = context(source)
    findings = list(urls.find_endpoint_calls(ctx))
    assert [(f.rule, f.fix) for f in findings] == [("FM102", FixKind.SAFE), ("FM110", FixKind.MANUAL)]
    legacy, manual = ctx.endpoint_calls
    assert legacy.legacy_v1 and legacy.rewritten and legacy.endpoint.key == "download_snapshot"
    assert not manual.rewritten and manual.fix is FixKind.MANUAL and manual.endpoint.key == "list_snapshots"
    assert manual.url_finding is findings[1] and not findings[1].edits


def test_a_constant_url_used_by_several_calls_is_rewritten_once() -> None:
    source = (
        'SNAPSHOTS = "https://cloud.mongodb.com/api/atlas/v2/groups/{}/clusters/{}/backup/tenant/snapshots"\n'
        "def f(s, g, c):\n"
        "    s.get(SNAPSHOTS.format(g, c))\n"
        "    s.get(SNAPSHOTS.format(g, c) + '/' + 'x' * 24)\n"
    )
    ctx = context(source)
    findings = list(urls.find_endpoint_calls(ctx))
    assert len(findings) == 1 and findings[0].line == 1
    assert {c.endpoint.key for c in ctx.endpoint_calls} == {"list_snapshots", "get_snapshot"}
    assert all(c.url_finding is findings[0] for c in ctx.endpoint_calls)
    assert sum(1 for c in ctx.endpoint_calls if c.call is not None) == 2
    fixed, _ = fix(source, only="FM1", url_only=True)
    assert fixed.count("flexClusters") == 1 and "tenant" not in fixed


def test_the_http_method_breaks_ties_between_manual_matches() -> None:
    source = 'def f(s, g, c, tail):\n    s.post(f"/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restore{tail}")\n'
    ctx = context(source)
    (finding,) = urls.find_endpoint_calls(ctx)
    assert (
        finding.rule == "FM111"
        and finding.operation == CATALOG.endpoint("create_restore_job").old.operation_id
    )


def test_files_without_any_changed_segment_are_not_parsed_further() -> None:
    ctx = context('x = "/api/atlas/v2/groups/{}/flexClusters/{}/backup/snapshots"\n')
    assert list(urls.find_endpoint_calls(ctx)) == [] and ctx.endpoint_calls == []


# -- rule codes -------------------------------------------------------------------------------------


def test_every_reported_code_is_documented() -> None:
    seen: set[str] = set()
    for path in FIXTURES.glob("*.py"):
        seen.update(
            f.rule for f in analyze(path.read_text("utf-8"), path=path.name) if f.rule.startswith("FM1")
        )
    assert seen, "the fixtures report nothing"
    assert seen <= set(urls.RULES), seen - set(urls.RULES)
    assert all(code.startswith("FM1") and len(code) == 5 and text for code, text in urls.RULES.items())


# -- the rewrite comes from the catalog ---------------------------------------------------------


def test_changes_turn_every_old_path_into_its_new_path() -> None:
    for t in templates_for(CATALOG):
        if t.legacy_v1:
            continue
        segs = list(t.segments)
        for change in reversed(t.changes):
            segs[change.start : change.end] = change.new
        new = t.endpoint.new.segments()
        assert len(segs) == len(new)
        for got, want in zip(segs, new):
            assert got == want or (got.startswith("{") and want.startswith("{")), (t.endpoint.key, segs)


def test_placeholders_that_do_not_line_up_are_a_catalog_error() -> None:
    with pytest.raises(TemplateError):
        align(("a", "{x}", "b"), ("a", "b"))


def _catalog_with_extra_endpoint():
    data = json.loads(
        resources.files("flexmigrate.catalog").joinpath("data", "endpoints.json").read_text("utf-8")
    )
    extra = copy.deepcopy(next(e for e in data["endpoints"] if e["key"] == "get_restore_job"))
    extra["key"] = "get_export_job"
    extra["old"]["operationId"] = "getTenantExportJob"
    extra["old"]["aliases"] = []
    extra["old"]["path"] = (
        "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/exports/{exportId}"
    )
    extra["new"]["operationId"] = "getFlexExportJob"
    extra["new"]["aliases"] = []
    extra["new"]["path"] = (
        "/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup/exportJobs/{exportJobId}"
    )
    extra["path_param_renames"] = {"clusterName": "name", "exportId": "exportJobId"}
    data["path_patterns"]["exportId"] = data["path_patterns"]["exportJobId"] = data["path_patterns"][
        "restoreId"
    ]
    data["endpoints"].append(extra)
    return catalog_from_data(data, CATALOG.extra)


def test_a_new_catalog_entry_needs_no_code() -> None:
    catalog = _catalog_with_extra_endpoint()
    source = (
        'def f(s, g, c, e):\n    s.get(f"/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/exports/{e}")\n'
    )
    findings = [f for f in analyze(source, catalog=catalog) if f.rule.startswith("FM1")]
    assert [(f.rule, f.operation, f.replacement) for f in findings] == [
        ("FM101", "getTenantExportJob", "getFlexExportJob")
    ]
    fixed = splice(source, [e for f in findings for e in f.edits])
    assert 'f"/api/atlas/v2/groups/{g}/flexClusters/{c}/backup/exportJobs/{e}"' in fixed
    # The shipped catalog does not know the path: nothing to rewrite.
    assert not [f for f in analyze(source) if f.rule.startswith("FM1")]


def test_offsets_hold_with_crlf_and_non_ascii_text() -> None:
    source = (
        "x = 1\r\n# é\r\n"
        'name = "é"; u = f"/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/snapshots"  # ü\r\n'
        'v = """a\r\nb""" + "/api/atlas/v2/groups/x/clusters/y/backup/tenant/download"\r\n'
    )
    fixed, findings = fix(source, only="FM1", url_only=True)
    assert [f.rule for f in findings] == ["FM101", "FM101"]
    assert fixed == source.replace("/clusters/", "/flexClusters/").replace("/tenant/", "/")


@pytest.mark.parametrize(
    ("call", "method"),
    [
        ('s.post(f"/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restore{t}")', "POST"),
        ('s.request("POST", f"/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restore{t}")', "POST"),
        ('s.get(f"/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restore{t}")', "GET"),
    ],
)
def test_the_sending_method_picks_among_equal_reports(call: str, method: str) -> None:
    ctx = context(f"def f(s, g, c, t):\n    {call}\n")
    (finding,) = urls.find_endpoint_calls(ctx)
    (endpoint_call,) = ctx.endpoint_calls
    assert endpoint_call.endpoint.old.method == method
    assert finding.operation == endpoint_call.endpoint.old.operation_id


@pytest.mark.timeout(120)
def test_many_holes_do_not_explode() -> None:
    """Multi-segment holes are tried within a fixed budget: any number of holes stays cheap."""
    holes = "/".join(f"{{v{i}}}" for i in range(200))
    source = f'x = f"/api/atlas/v1.0/x/{holes}/backup/tenant/snapshots"\n'
    findings = url_engine_only(source)
    assert len(findings) <= 1 and not any(f.edits for f in findings)
