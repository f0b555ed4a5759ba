"""FM4xx: request-body keys the Flex operation rejects (catalog ``dropped_request_fields``).

The Flex download takes only the snapshot ID; the tenant one also took the restore target.  When
the body is a dict literal this call owns (``json={...}``, ``data=json.dumps({...})``, or a dict
bound once in the same function and sent only by migrated calls) the rejected ``key: value`` pairs
are removed with their separators and nothing else moves.  A body built anywhere else is reported
with the keys to drop: removing a key from a dict that other code also uses could break that code.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from flexmigrate.codemods.context import EndpointCall, ModuleContext
from flexmigrate.codemods.rules import flow, literals
from flexmigrate.codemods.rules.targets import capped, migrated_calls, unlinked_calls
from flexmigrate.models.findings import Finding, FixKind

RULES = {
    "FM401": "request body literal owned by a migrated call has keys the Flex operation rejects: they are removed",
    "FM402": "request body with keys the Flex operation rejects is built where the rule may not edit it: manual",
}

BODY_KEYWORDS = ("json", "data", "content")


def check_request_body(ctx: ModuleContext) -> Iterator[Finding]:
    for ec, call in migrated_calls(ctx):
        dropped = ec.endpoint.dropped_request_fields
        if dropped:
            yield from _check(ctx, ec, call, frozenset(dropped))
    for ec in unlinked_calls(ctx):
        if ec.endpoint.dropped_request_fields:
            yield ctx.finding(
                ec.url_node,
                "FM402",
                f"{ec.endpoint.new.operation_id} rejects the body keys "
                f"{', '.join(sorted(ec.endpoint.dropped_request_fields))}; the request that sends this URL was "
                "not found: make sure its body has none of them",
                FixKind.MANUAL,
                ec.endpoint,
                of_call=ec,
            )


def _body_expression(ctx: ModuleContext, call: cst.Call) -> cst.BaseExpression | None:
    """The value that becomes the JSON body: ``json=`` or the argument of ``json.dumps`` in ``data=``."""
    for keyword in BODY_KEYWORDS:
        arg = flow.keyword_arg(call, keyword)
        if arg is None:
            continue
        if keyword == "json":
            return arg.value
        value = arg.value
        if isinstance(value, cst.Call) and _is_json_dumps(ctx, value.func) and value.args:
            return value.args[0].value
        return value
    return None


def _is_json_dumps(ctx: ModuleContext, func: cst.BaseExpression) -> bool:
    if isinstance(func, cst.Attribute) and func.attr.value == "dumps" and isinstance(func.value, cst.Name):
        return flow.imported_module(ctx, func.value) == "json"
    if isinstance(func, cst.Name) and func.value == "dumps":
        bound = flow.binding(ctx, func)
        return (
            bound is not None
            and isinstance(bound.target, cst.ImportFrom)
            and bound.target.module is not None
            and flow.dotted_name(bound.target.module) == "json"
        )
    return False


def _check(
    ctx: ModuleContext, ec: EndpointCall, call: cst.Call, dropped: frozenset[str]
) -> Iterator[Finding]:
    body = _body_expression(ctx, call)
    op = ec.endpoint.new.operation_id
    names = ", ".join(sorted(dropped))
    if body is None:
        return
    if isinstance(body, cst.Dict):
        yield from _edit_dict(ctx, ec, body, dropped, f"the body at line {flow.line_of(ctx, body)}")
        return
    if isinstance(body, cst.Name):
        bound = flow.binding(ctx, body)
        if (
            bound is not None
            and bound.kind == "assign"
            and isinstance(bound.value, cst.Dict)
            and flow.same_function(ctx, bound.target, call)
            and flow.enclosing_function(ctx, call) is not None
        ):
            problem = _not_owned(ctx, bound, dropped)
            if problem is None:
                yield from _edit_dict(ctx, ec, bound.value, dropped, f"the body {body.value!r}")
                return
            where = problem
        elif bound is not None:
            where = f"{body.value!r} is bound at line {flow.line_of(ctx, bound.target)}"
            if bound.kind == "param":
                where = f"{body.value!r} is a parameter (line {flow.line_of(ctx, bound.target)})"
        else:
            where = f"{body.value!r} is assigned more than once"
    else:
        where = f"the body is built by {ctx.module.code_for_node(body)} at line {flow.line_of(ctx, body)}"
    yield ctx.finding(
        body,
        "FM402",
        f"{op} rejects the body keys {names}; {where}: make sure the body sent here has none of them",
        FixKind.MANUAL,
        ec.endpoint,
        of_call=ec,
    )


def _not_owned(ctx: ModuleContext, bound: flow.Binding, dropped: frozenset[str]) -> str | None:
    """Why a local body dict may not be edited (``None`` when only migrated calls send it)."""
    migrated = {id(c) for _, c in migrated_calls(ctx)}
    for use in bound.uses(ctx):
        parent = ctx.parent(use)
        if isinstance(parent, cst.Subscript) and parent.value is use:
            index = parent.slice[0].slice if len(parent.slice) == 1 else None
            key = literals.string_value(index.value) if isinstance(index, cst.Index) else None
            if flow.is_store(ctx, parent) and (key is None or key in dropped):
                return f"{bound.name!r} gets a key set at line {flow.line_of(ctx, parent)}"
            continue
        if isinstance(parent, cst.Arg):
            owner = ctx.parent(parent)
            if isinstance(owner, cst.Call) and _is_json_dumps(ctx, owner.func):
                owner = ctx.parent(ctx.parent(owner))
            if isinstance(owner, cst.Call) and id(owner) in migrated:
                continue
        return f"{bound.name!r} is also used at line {flow.line_of(ctx, use)}"
    return None


def _edit_dict(
    ctx: ModuleContext, ec: EndpointCall, node: cst.Dict, dropped: frozenset[str], what: str
) -> Iterator[Finding]:
    op = ec.endpoint.new.operation_id
    entries = list(literals.dict_entries(node))
    if any(key is None for key, _ in entries):
        yield ctx.finding(
            node,
            "FM402",
            f"{op} rejects the body keys {', '.join(sorted(dropped))}; {what} has entries this rule cannot "
            "read (a **spread or a computed key): make sure none of them is sent",
            FixKind.MANUAL,
            ec.endpoint,
            of_call=ec,
        )
        return
    remove = {i for i, (key, _) in enumerate(entries) if key in dropped}
    if not remove:
        return
    keys = ", ".join(entries[i][0] for i in sorted(remove))
    kept = ", ".join(k for k, v in (ec.endpoint.request_field_map or {}).items() if v is not None)
    yield ctx.finding(
        node,
        "FM401",
        f"{op} rejects {keys} in the request body (it takes {kept}); the fix removes them",
        capped(FixKind.SAFE, ec),
        ec.endpoint,
        literals.removal_edits(ctx, node, remove),
        of_call=ec,
    )
