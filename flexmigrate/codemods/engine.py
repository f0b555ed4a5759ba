"""Parse once, find the retired endpoint calls, run every rule, return findings grouped by request.

Data flows one way: source text -> libcst tree + metadata -> endpoint calls (``codemods.urls``) ->
rules (headers, response fields, bodies, ...) -> findings with edits, each numbered with the
request it belongs to (``Finding.unit``).  What is kept, settled and applied is decided by
``codemods.fixer``, the one fix loop every caller uses.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Callable, Iterable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper

from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.codemods import rules as all_rules
from flexmigrate.codemods import urls
from flexmigrate.codemods.rules import half_migrated
from flexmigrate.codemods.focus import focus
from flexmigrate.codemods.candidates import candidate_test
from flexmigrate.codemods.context import AnalyzeOptions, EndpointCall, ModuleContext
from flexmigrate.models.findings import Finding

__all__ = ["AnalyzeOptions", "EndpointCall", "ModuleContext", "Rule", "analyze", "number_units"]

# A rule takes the context (with ``endpoint_calls`` already found) and yields findings.
Rule = Callable[[ModuleContext], Iterable[Finding]]


@functools.cache
def _watched_keys(catalog: Catalog) -> frozenset[str]:
    """The response keys a rule looks for in the whole module, once per catalog (not per file)."""
    return catalog.renamed_response_keys()


def number_units(
    calls: Iterable[EndpointCall], findings: list[Finding], groups: Iterable[list[Finding]] = ()
) -> list[Finding]:
    """Give every finding of one request the same ``unit`` number.

    A request is an endpoint call's URL finding together with its dependents (headers, body,
    response-field reads).  A URL finding shared by several calls (a constant every use of which
    is rewritten together) joins those calls into one unit: fixing the constant moves all of them.
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    member_lists = [[f for f in [call.url_finding, *call.dependents] if f is not None] for call in calls]
    for members in [*member_lists, *groups]:
        for other in members[1:]:
            parent[find(id(other))] = find(id(members[0]))
    roots: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for f in findings:
        sizes[find(id(f))] = sizes.get(find(id(f)), 0) + 1
    out = []
    for f in findings:
        root = find(id(f))
        if sizes[root] < 2:
            out.append(f)
            continue
        out.append(replace(f, unit=roots.setdefault(root, len(roots) + 1)))
    return out


def analyze(
    source: str,
    *,
    path: str = "<string>",
    catalog: Catalog | None = None,
    options: AnalyzeOptions | None = None,
    rules: Sequence[Rule] | None = None,
) -> list[Finding]:
    """All findings for one module's source text, in source order, numbered by request.

    ``rules`` replaces the rules that run after the URL finder (``()``: the URL finder alone, for
    its own tests).  Nothing is filtered or settled here (see ``codemods.fixer``).  Raises
    ``libcst.ParserSyntaxError`` when the text is not valid Python; the caller reports it.
    """
    catalog = catalog or load_catalog()
    options = options or AnalyzeOptions()
    # Statements that cannot matter are masked (same length, same lines): libcst parses and
    # resolves metadata over what is left.  Prose is reported only when the whole module is read.
    focused = (
        None
        if options.report_comments or not options.focus
        else focus(source, candidate_test(catalog), _watched_keys(catalog))
    )
    text = source if focused is None else focused
    module = cst.parse_module(text)
    ctx = ModuleContext(
        source=text,
        path=path,
        wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
        catalog=catalog,
        options=options,
    )
    findings: list[Finding] = list(urls.find_endpoint_calls(ctx))
    for rule in all_rules.ALL if rules is None else rules:
        findings.extend(rule(ctx))
    findings = half_migrated.recode(ctx, findings)
    return sorted(number_units(ctx.endpoint_calls, findings, ctx.groups), key=Finding.sort_key)
