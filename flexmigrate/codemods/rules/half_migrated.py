"""FM70x: requests already sent to a Flex path that are not fully migrated.

Teams that moved the URL by hand, with sed, or with ``fix --unsafe-fixes`` often left the rest of
the request behind: the Flex path with the tenant version (Atlas rejects it), a download body with
keys Flex rejects, a response read as ``clusterName``.  The URL engine records every request sent
to an exact Flex path (``EndpointCall.flex``); the header, body and response rules then look at it
as at any migrated call, and this module keeps only what they prove wrong, under codes of its own:

* FM701 the Flex path with a retired version in a header literal of the call (fixed: safe);
* FM702 the Flex path with no versioned Accept header where the call visibly sends none (fixed);
* FM703 the Flex response read by a retired field name (``clusterName``; fixed along a local chain);
* FM704 a Flex download body with keys Flex rejects (fixed in a literal the call owns);
* FM705 a Flex response read by a v1.0-only field that no Flex response has (``finishedDate``):
  left by a migration from v1.0; a human chooses what to read instead;
* FM706 a Flex path under the v1.0 prefix (found by the URL engine; the prefix becomes v2);
* FM707 the retired path sent with the Flex version: the header moved and the path did not (the
  URL fix, as FM101 would make it).

What the rules could only guess at (a header defined elsewhere, a response whose origin is not
traced) is not reported for a Flex call: a complete Flex call is never reported.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Sequence

import libcst as cst

from flexmigrate.codemods.context import ModuleContext
from flexmigrate.codemods.rules.legacy_fields import v1_only_reads
from flexmigrate.models.findings import Finding, FixKind

RULES = {
    "FM701": "half migrated: the Flex path is sent with a retired version header (the version is rewritten)",
    "FM702": "half migrated: the Flex path is sent with no versioned Accept header (the Flex Accept is added)",
    "FM703": "half migrated: the Flex response is read by a retired field name (the field is renamed)",
    "FM704": "half migrated: the Flex download body carries keys Flex rejects (the keys are removed)",
    "FM705": "half migrated: the Flex response is read by a v1.0-only field no Flex response has: manual",
    "FM706": "half migrated: a Flex path under the v1.0 prefix, which no server answers (the prefix becomes v2)",
    "FM707": "half migrated: the retired path is sent with the Flex version (the URL is rewritten)",
}

# The rule of a migrated call -> the code it has when the call is already on the Flex path.
_RECODE = {"FM201": "FM701", "FM204": "FM702", "FM301": "FM703", "FM401": "FM704"}


def recode(ctx: ModuleContext, findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` with those about Flex calls recoded (FM70x) or dropped when they only guess, and
    a retired URL whose request already asks for the Flex version recoded FM707."""
    findings = _retired_path_flex_version(ctx, findings)
    flex = {id(f): call for call in ctx.endpoint_calls if call.flex for f in call.dependents}
    if not flex:
        return list(findings)
    out = []
    for f in findings:
        call = flex.get(id(f))
        if call is None:
            out.append(f)
            continue
        code = _RECODE.get(f.rule)
        ep = call.endpoint
        if f.rule.startswith("FM2") and f.fix is FixKind.MANUAL and _names_retired_version(ctx, call):
            # A header the rule cannot edit (``dict(Accept=...)``, ``{**{...}}``), but the call
            # itself spells a retired version: that much is certain.
            code = "FM701"
        elif code is None or f.fix is FixKind.MANUAL or (code == "FM702" and f.fix is not FixKind.SAFE):
            continue  # a guess about a call that may well be complete: not reported
        message = f"half migrated: the URL is already {ep.new.operation_id}'s, but {f.message}"
        recoded = replace(
            f, rule=code, message=message, operation=ep.old.operation_id, replacement=ep.new.operation_id
        )
        call.dependents[call.dependents.index(f)] = recoded
        out.append(recoded)
    return out


def _retired_path_flex_version(ctx: ModuleContext, findings: Sequence[Finding]) -> list[Finding]:
    """FM707: the retired path sent with the Flex version (the header moved, the path did not)."""
    new_types = [ctx.catalog.media_type(v) for v in ctx.catalog.new_versions - ctx.catalog.old_versions]
    recoded: dict[int, Finding] = {}
    for call in ctx.endpoint_calls:
        f = call.url_finding
        if (
            call.flex
            or call.call is None
            or f is None
            or f.rule not in ("FM101", "FM102")
            or id(f) in recoded
        ):
            continue
        start, end = ctx.span(call.call)
        text = ctx.source[start:end]
        if any(t in text for t in new_types) and not _names_retired_version(ctx, call):
            new = replace(
                f,
                rule="FM707",
                message=f"half migrated: the request already asks for {call.endpoint.new.operation_id}'s version, "
                f"but its path is still the retired one: {f.message}",
            )
            recoded[id(f)] = new
            call.url_finding = new
    if not recoded:
        return list(findings)
    for call in ctx.endpoint_calls:
        call.dependents = [recoded.get(id(d), d) for d in call.dependents]
    return [recoded.get(id(f), f) for f in findings]


def _names_retired_version(ctx: ModuleContext, call) -> bool:
    """Whether the sending call's own text, or the body of a function of this module that the call's
    arguments call (``headers=helper()``), spells a media type of a retired version."""
    if call.call is None:
        return False
    start, end = ctx.span(call.call)
    texts = [ctx.source[start:end]]
    helpers = {
        arg.value.func.value
        for arg in call.call.args
        if isinstance(arg.value, cst.Call) and isinstance(arg.value.func, cst.Name)
    }
    for stmt in ctx.module.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value in helpers:
            a, b = ctx.span(stmt)
            texts.append(ctx.source[a:b])
    retired = [ctx.catalog.media_type(v) for v in ctx.catalog.old_versions - ctx.catalog.new_versions]
    return any(t in text for t in retired for text in texts)


def check_flex_reads(ctx: ModuleContext) -> Iterator[Finding]:
    """FM705: a read, on a Flex call's response, of a field only the v1.0 resource returned."""
    if not any(call.flex for call in ctx.endpoint_calls):
        return
    for read in v1_only_reads(ctx, lambda ec: ec.flex):
        endpoint = read.ec.endpoint
        yield ctx.finding(
            read.node,
            "FM705",
            f"half migrated: {read.key!r} is read on the {endpoint.new.operation_id} response, which has no such "
            "field (only the v1.0 resource returned it): choose what to read instead",
            FixKind.MANUAL,
            endpoint,
        )
