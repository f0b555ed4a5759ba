"""FM3xx: reads of response fields the Flex operation renamed (catalog ``response_field_renames``).

A read is rewritten only when it sits on a straight local chain from the migrated call (names bound
exactly once, in the same function): then the code certainly reads the Flex response after the URL
rewrite and the old key would silently return nothing.  A read of a renamed field name whose
container cannot be traced (a parameter, an attribute, another function's result) is reported: it
may or may not hold a migrated response, and guessing wrong in a backup path is worse than asking.
Reads on values traced to something unrelated (a literal, a request the URL rule did not flag)
are left alone.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from flexmigrate.codemods.context import EndpointCall, ModuleContext
from flexmigrate.codemods.rules import flow, literals
from flexmigrate.codemods.rules.response_flow import Path, all_reads, candidate_reads, field_path, origin
from flexmigrate.codemods.rules.targets import capped, migrated_calls, unlinked_calls
from flexmigrate.models.findings import Finding, FixKind

RULES = {
    "FM301": "renamed response field read on a migrated call's response (local chain): the key is renamed",
    "FM302": "renamed response field read on a value the rule cannot trace to its origin: manual",
}


def renames(ec: EndpointCall) -> dict[Path, Path]:
    """The endpoint's renamed fields as response paths (old -> new)."""
    return {field_path(old): field_path(new) for old, new in ec.endpoint.response_field_renames.items()}


def check_response_fields(ctx: ModuleContext) -> Iterator[Finding]:
    reached: set[int] = set()
    for read in all_reads(ctx):
        reached.add(id(read.node))
        new = renames(read.ec).get(read.path)
        if new is None:
            continue
        op = read.ec.endpoint.new.operation_id
        edit = literals.replace_value(ctx, read.node, new[-1]) if new[:-1] == read.path[:-1] else None
        if edit is None:
            yield ctx.finding(
                read.node,
                "FM302",
                f"{read.key!r} is {new[-1]!r} in the {op} response; this literal cannot be edited in place",
                FixKind.MANUAL,
                read.ec.endpoint,
            )
            continue
        yield ctx.finding(
            read.node,
            "FM301",
            f"response field {read.key!r} is {new[-1]!r} in the {op} response",
            capped(FixKind.SAFE, read.ec),
            read.ec.endpoint,
            [edit],
            of_call=read.ec,
        )
    watched: dict[str, list[tuple[EndpointCall, str]]] = {}
    for ec in [ec for ec, _ in migrated_calls(ctx)] + list(unlinked_calls(ctx)):
        for old, new in renames(ec).items():
            watched.setdefault(old[-1], []).append((ec, new[-1]))
    if not watched:
        return
    for candidate in candidate_reads(ctx, frozenset(watched), reached):
        found = origin(ctx, candidate.container)
        if found.kind == "unrelated":
            continue
        ec, new_name = _nearest(ctx, candidate.node, watched[candidate.key])
        ec = found.ec or ec
        op = ec.endpoint.new.operation_id
        if found.kind == "migrated":
            why = f"it reads the {ec.endpoint.old.operation_id} response along a path this rule does not rewrite"
        else:
            why = f"this rule cannot tell where the value comes from ({found.why})"
        yield ctx.finding(
            candidate.node,
            "FM302",
            f"{candidate.key!r} may be read from a migrated response: {why}; "
            f"in the {op} response the field is {new_name!r}",
            FixKind.MANUAL,
            ec.endpoint,
        )


def _nearest(
    ctx: ModuleContext, node: cst.CSTNode, options: list[tuple[EndpointCall, str]]
) -> tuple[EndpointCall, str]:
    """The migrated call in the same function as ``node`` if there is one (the likeliest source)."""
    function = flow.enclosing_function(ctx, node)
    for ec, new_name in options:
        if flow.enclosing_function(ctx, ec.url_node) is function:
            return ec, new_name
    return options[0]
