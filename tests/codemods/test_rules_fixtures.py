"""The FM2xx-FM5xx rules on before/after fixture pairs, with the endpoint calls found in the test.

``tests/codemods/fixtures/rules/<rule>/`` holds ``name.before.py`` + ``name.after.py`` pairs and
``noop_*.py`` near misses.  The first line of every before/noop file says which findings the rules
must report (``# expect: FM201:safe FM203:manual``, or ``# expect: -`` for none).

The retired calls are located here by a deliberately small matcher (string skeleton of the call's
URL argument against the catalog's old path templates), so that these tests exercise the rules
alone, independent of ``codemods.urls``; ``test_rules_end_to_end`` runs the same fixtures through
``codemods.engine.analyze``.  Each case checks: the expected findings, the exact after text, that
the output parses, and that a second run over the output changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from codemods import rules
from codemods.engine import AnalyzeOptions, EndpointCall, ModuleContext
from codemods.migrate_to_flex import fix_text
from codemods.rules import flow
from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.report.findings import Finding, FixKind

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
        rest = ep.old.path[len(v2):]
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


def run_rules(source: str, *, report_comments: bool = False) -> list[Finding]:
    """Every FM2xx-FM5xx finding for ``source`` with the endpoint calls found by :func:`find_calls`."""
    ctx = ModuleContext(
        source=source,
        path="fixture.py",
        wrapper=MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True),
        catalog=load_catalog(),
        options=AnalyzeOptions(report_comments=report_comments),
    )
    ctx.endpoint_calls = find_calls(ctx)
    findings: list[Finding] = []
    for rule in rules.ALL:
        findings.extend(rule(ctx))
    return sorted(findings, key=Finding.sort_key)


def expected(source: str) -> list[str]:
    first = source.splitlines()[0]
    assert first.startswith("# expect:"), "fixture must start with '# expect: ...'"
    tokens = first.removeprefix("# expect:").split()
    return sorted(t for t in tokens if t != "-")


def summary(findings: list[Finding]) -> list[str]:
    return sorted(f"{f.rule}:{f.fix.value}" for f in findings if OWN_CODES.fullmatch(f.rule))


def _cases(kind: str):
    for path in sorted(FIXTURES.rglob("*.py")):
        if kind == "pair" and path.name.endswith(".before.py"):
            yield pytest.param(path, id=f"{path.parent.name}/{path.name.removesuffix('.before.py')}")
        elif kind == "noop" and path.name.startswith("noop_"):
            yield pytest.param(path, id=f"{path.parent.name}/{path.stem}")


def _options(path: Path) -> dict:
    return {"report_comments": path.parent.name == "comments"}


@pytest.mark.parametrize("before_path", list(_cases("pair")))
def test_fixture_pair(before_path: Path) -> None:
    before = before_path.read_text("utf-8")
    after = before_path.with_name(before_path.name.replace(".before.py", ".after.py")).read_text("utf-8")
    findings = run_rules(before, **_options(before_path))
    assert summary(findings) == expected(before), [f"{f.line}: {f.rule} {f.message}" for f in findings]
    fixed, _ = fix_text(before, findings, unsafe_fixes=True)
    assert fixed == after
    cst.parse_module(fixed)
    again = run_rules(fixed, **_options(before_path))
    assert fix_text(fixed, again, unsafe_fixes=True)[0] == fixed, "second run changed the output"
    assert all(not f.fixable for f in again), [f"{f.line}: {f.rule} {f.message}" for f in again if f.fixable]


@pytest.mark.parametrize("path", list(_cases("noop")))
def test_fixture_noop(path: Path) -> None:
    source = path.read_text("utf-8")
    findings = run_rules(source, **_options(path))
    assert summary(findings) == expected(source), [f"{f.line}: {f.rule} {f.message}" for f in findings]
    assert all(not f.fixable for f in findings)
    fixed, _ = fix_text(source, findings, unsafe_fixes=True)
    assert fixed == source
    cst.parse_module(fixed)


def test_every_pair_is_complete() -> None:
    for before in FIXTURES.rglob("*.before.py"):
        assert before.with_name(before.name.replace(".before.py", ".after.py")).is_file(), before
    for after in FIXTURES.rglob("*.after.py"):
        assert after.with_name(after.name.replace(".after.py", ".before.py")).is_file(), after


def test_safe_only_leaves_unsafe_fixes_out() -> None:
    """The unsafe fixes of the pairs are not applied without ``--unsafe-fixes``."""
    checked = 0
    for path in sorted(FIXTURES.rglob("*.before.py")):
        before = path.read_text("utf-8")
        findings = run_rules(before, **_options(path))
        unsafe = [f for f in findings if f.fix is FixKind.UNSAFE and f.fixable]
        if not unsafe:
            continue
        checked += 1
        safe_text, picked = fix_text(before, findings, unsafe_fixes=False)
        assert all(f.fix is FixKind.SAFE for f in picked)
        assert safe_text != fix_text(before, findings, unsafe_fixes=True)[0], path
    assert checked, "no fixture exercises an unsafe fix"
