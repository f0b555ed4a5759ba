"""The FM2xx-FM5xx rules on before/after fixture pairs, with the endpoint calls found in the test.

``tests/codemods/fixtures/rules/<rule>/`` holds ``name.before.py`` + ``name.after.py`` pairs and
``noop_*.py`` near misses, in the format of ``tests/codemods/fixture_runner.py``: the first line
says which FM2xx-FM5xx findings must be reported (``# expect: FM201:safe FM203:manual``, or
``# expect: -``); ``unsafe_*`` pairs also apply unsafe fixes.  The after files show the rules' own
edits only (URLs are the FM1xx fixtures' business).

Every case runs twice: once with the retired calls located by a deliberately small matcher here
(string skeleton of the call's URL argument against the catalog's old path templates), so the rules
are tested on their own (expected findings, the exact after text of their own edits, output parses,
a second run changes nothing); and once through ``flexmigrate.codemods.fixer``, the fix loop
``flexmigrate fix`` runs, where ``flexmigrate.codemods.urls`` finds the calls: the findings are the
expected ones as ``scan`` reports them, and fixing the before file and fixing the after file end in
the same text (the rule's edits are part of the whole migration), which a second fix leaves alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.codemods import rules
from flexmigrate.codemods.engine import AnalyzeOptions, EndpointCall, ModuleContext, number_units
from flexmigrate.codemods.fixer import check_source, fix_source, settle
from flexmigrate.codemods.rules import flow
from flexmigrate.codemods.suppress import parse_suppressions
from flexmigrate.models.edits import select_fixes
from flexmigrate.models.findings import Finding, FixKind
from flexmigrate.models.fix_policy import FixPolicy
from tests.codemods.fixture_runner import Case, cases, expected_codes, splice, summary

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
HOLE = "\x00"
OWN_CODES = re.compile(r"FM[2-5]\d\d")


def _skeleton(ctx: ModuleContext, node: cst.CSTNode, depth: int = 0) -> str:
    """The literal text of a URL expression with a hole where a value is interpolated."""
    if isinstance(node, cst.SimpleString):
        return str(node.evaluated_value)
    if isinstance(node, cst.FormattedString):
        return "".join(
            p.value if isinstance(p, cst.FormattedStringText) else _skeleton(ctx, p.expression, depth + 1)
            for p in node.parts
        )
    if isinstance(node, cst.ConcatenatedString):
        return _skeleton(ctx, node.left, depth) + _skeleton(ctx, node.right, depth)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _skeleton(ctx, node.left, depth) + _skeleton(ctx, node.right, depth)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        return _skeleton(ctx, node.left, depth).replace("%s", HOLE)
    if isinstance(node, cst.Name) and depth < 3:
        bound = flow.binding(ctx, node)
        if bound is not None and bound.kind == "assign" and bound.value is not None:
            return _skeleton(ctx, bound.value, depth + 1)
    return HOLE


def _method_and_url(call: cst.Call) -> tuple[str, cst.BaseExpression] | None:
    if not isinstance(call.func, cst.Attribute):
        return None
    verb = call.func.attr.value
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    url = flow.keyword_arg(call, "url")
    if verb == "request":
        method = flow.keyword_arg(call, "method")
        method_node = method.value if method else (positional[0] if positional else None)
        if not isinstance(method_node, cst.SimpleString):
            return None
        url_node = url.value if url else (positional[1] if len(positional) > 1 else None)
        return (str(method_node.evaluated_value).upper(), url_node) if url_node is not None else None
    url_node = url.value if url else (positional[0] if positional else None)
    return (verb.upper(), url_node) if url_node is not None else None


def _patterns(catalog: Catalog):
    v2 = catalog.legacy_v1["v2_prefix"]
    legacy = catalog.legacy_v1["prefix"]
    for ep in catalog:
        rest = ep.old.path[len(v2) :]
        body = re.escape(rest)
        for param in ep.old.path_params:
            body = body.replace(re.escape("{" + param + "}"), "[^/?]+")
        yield ep, re.compile("(" + re.escape(v2) + "|" + re.escape(legacy) + ")" + body + r"(?:$|\?)")


def find_calls(ctx: ModuleContext) -> list[EndpointCall]:
    """Calls whose URL argument's skeleton matches an old path template with the call's method."""
    found: list[EndpointCall] = []
    patterns = list(_patterns(ctx.catalog))
    for node in ctx.wrapper.resolve(ParentNodeProvider):
        if not isinstance(node, cst.Call):
            continue
        parts = _method_and_url(node)
        if parts is None:
            continue
        method, url_node = parts
        text = _skeleton(ctx, url_node)
        for ep, pattern in patterns:
            match = pattern.search(text)
            if match and ep.old.method == method:
                legacy = match.group(1) == ctx.catalog.legacy_v1["prefix"]
                found.append(EndpointCall(ep, url_node, node, legacy_v1=legacy, rewritten=True))
                break
    return found


def context(source: str, *, catalog: Catalog | None = None, report_comments: bool = False) -> ModuleContext:
    """A module context like the engine's, with the endpoint calls found by :func:`find_calls`."""
    ctx = ModuleContext(
        source=source,
        path="fixture.py",
        wrapper=MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True),
        catalog=catalog or load_catalog(),
        options=AnalyzeOptions(report_comments=report_comments),
    )
    ctx.endpoint_calls = find_calls(ctx)
    return ctx


def rules_on(ctx: ModuleContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules.ALL:
        findings.extend(rule(ctx))
    return settle(number_units(ctx.endpoint_calls, findings), FixPolicy(), parse_suppressions(ctx.source))


def run_rules(source: str, *, report_comments: bool = False) -> list[Finding]:
    """Every finding of the rules for ``source`` with the endpoint calls found by :func:`find_calls`."""
    return rules_on(context(source, report_comments=report_comments))


def _cases(kind: str) -> list:
    return [c for c in cases(FIXTURES, kind) if "e2e" not in c.values[0].before.relative_to(FIXTURES).parts]


def _options(case: Case) -> dict:
    return {"report_comments": case.before.parent.name == "comments"}


def _policy(case: Case) -> FixPolicy:
    return FixPolicy(unsafe_fixes=case.unsafe, **_options(case))


def _mine(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if OWN_CODES.fullmatch(f.rule)]


def _describe(findings: list[Finding]) -> list[str]:
    return [f"{f.line}:{f.column} {f.rule} {f.fix.value}: {f.message}" for f in findings]


def _apply(source: str, findings: list[Finding], unsafe: bool) -> str:
    """One pass of the rules' own fixes (the rule under test, without the URL engine)."""
    kinds = frozenset({FixKind.SAFE} | ({FixKind.UNSAFE} if unsafe else set()))
    return splice(source, select_fixes(findings, kinds)[1])


@pytest.mark.parametrize("case", _cases("pair"))
def test_fixture_pair(case: Case) -> None:
    """The rules alone (calls found by this module's matcher): findings, after text, idempotence."""
    before = case.before.read_text("utf-8")
    assert case.after is not None
    after = case.after.read_text("utf-8")
    findings = _mine(run_rules(before, **_options(case)))
    assert summary(findings) == expected_codes(before), _describe(findings)
    fixed = _apply(before, findings, case.unsafe)
    assert fixed == after
    cst.parse_module(fixed)
    again = _mine(run_rules(fixed, **_options(case)))
    assert _apply(fixed, again, case.unsafe) == fixed, "second run changed the output: " + str(
        _describe(again)
    )
    assert not [f for f in again if f.fixable], _describe(again)


@pytest.mark.parametrize("case", _cases("pair"))
def test_fixture_pair_through_engine(case: Case) -> None:
    """The same pairs through the fix loop (calls found by ``flexmigrate.codemods.urls``)."""
    before = case.before.read_text("utf-8")
    assert case.after is not None
    after = case.after.read_text("utf-8")
    findings = check_source(before, path=case.before.name, policy=_policy(case))
    assert summary(_mine(findings)) == expected_codes(before), _describe(findings)
    fixed = fix_source(before, path=case.before.name, policy=_policy(case))
    assert fixed.error is None, fixed.error
    assert {f.rule for f in fixed.applied} >= {
        f.rule for f in _mine(findings) if f.fixable and _policy(case).allows(f.fix)
    }
    from_after = fix_source(after, path=case.before.name, policy=_policy(case))
    assert fixed.text == from_after.text, "fixing the before and the after file must end in the same text"
    cst.parse_module(fixed.text)
    again = fix_source(fixed.text, path=case.before.name, policy=_policy(case))
    assert again.text == fixed.text and not again.applied, _describe(again.findings)


@pytest.mark.parametrize("case", _cases("noop"))
def test_fixture_noop(case: Case) -> None:
    source = case.before.read_text("utf-8")
    findings = _mine(run_rules(source, **_options(case)))
    assert summary(findings) == expected_codes(source), _describe(findings)
    assert not [f for f in findings if f.edits], _describe(findings)


@pytest.mark.parametrize("case", _cases("noop"))
def test_fixture_noop_through_engine(case: Case) -> None:
    source = case.before.read_text("utf-8")
    findings = _mine(check_source(source, path=case.before.name, policy=_policy(case)))
    assert summary(findings) == expected_codes(source), _describe(findings)
    assert not [f for f in findings if f.edits], _describe(findings)


def test_every_pair_is_complete() -> None:
    befores = {p.with_name(p.name.removesuffix(".before.py")) for p in FIXTURES.rglob("*.before.py")}
    afters = {p.with_name(p.name.removesuffix(".after.py")) for p in FIXTURES.rglob("*.after.py")}
    assert befores == afters
    assert len(_cases("pair")) >= 10 and len(_cases("noop")) >= 8


def test_safe_only_leaves_unsafe_fixes_out() -> None:
    """The ``unsafe_*`` pairs really depend on an unsafe fix: safe fixes alone do not reach the after text."""
    unsafe_cases = [c.values[0] for c in _cases("pair") if c.values[0].unsafe]
    assert unsafe_cases
    for case in unsafe_cases:
        before = case.before.read_text("utf-8")
        findings = _mine(run_rules(before, **_options(case)))
        assert any(f.fix is FixKind.UNSAFE for f in findings)
        assert _apply(before, findings, unsafe=False) != case.after.read_text("utf-8")
