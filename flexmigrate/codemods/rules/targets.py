"""The endpoint calls the rules act on, and how sure a dependent fix may be.

A header, field or body edit only makes sense together with the URL rewrite of the same call: the
Flex version header on the retired URL (or a Flex field name on a tenant response) breaks working
code.  So a rule's fix is never surer than the URL's fix: with ``--unsafe-fixes`` off, an unsafe
URL rewrite is not applied and neither may its dependants be.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from flexmigrate.codemods.context import EndpointCall, ModuleContext
from flexmigrate.models.findings import FixKind

_ORDER = {FixKind.SAFE: 0, FixKind.UNSAFE: 1, FixKind.MANUAL: 2}


def migrated_calls(ctx: ModuleContext) -> Iterator[tuple[EndpointCall, cst.Call]]:
    """Endpoint calls whose URL is being rewritten and whose sending call is known.

    One request is acted on once, even if two URL pieces of it were matched.
    """
    seen: set[int] = set()
    for ec in ctx.endpoint_calls:
        if ec.rewritten and ec.call is not None and ec.fix is not FixKind.MANUAL and id(ec.call) not in seen:
            seen.add(id(ec.call))
            yield ec, ec.call


def unlinked_calls(ctx: ModuleContext) -> Iterator[EndpointCall]:
    """Endpoint calls whose URL is being rewritten but whose sending call was not found.

    Nothing about such a request (its headers, its body) can be checked, so the rules report them:
    a URL moved to Flex while the request still sends the tenant version or body would fail.
    """
    for ec in ctx.endpoint_calls:
        if ec.rewritten and ec.call is None and ec.fix is not FixKind.MANUAL:
            yield ec


def capped(fix: FixKind, ec: EndpointCall) -> FixKind:
    """``fix``, downgraded to the URL fix's kind when that one is less sure."""
    return fix if _ORDER[fix] >= _ORDER[ec.fix] else ec.fix
