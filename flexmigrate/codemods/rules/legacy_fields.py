"""FM35x: reads of v1.0-only response fields that the Flex resource does not have.

The v1.0 restore-job resource returned fields (catalog ``legacy_v1.response_fields_without_flex_twin``)
that neither the v2 tenant resource nor the Flex one has.  After a v1.0 call moves to the Flex
endpoint such a read returns nothing; there is no field to rename it to, so a human must choose
what the code should read instead.  Never edited.
"""

from __future__ import annotations

from typing import Callable, Iterator

from flexmigrate.codemods.context import EndpointCall, ModuleContext
from flexmigrate.codemods.rules.response_flow import Read, all_reads, item_path
from flexmigrate.models.findings import Finding, FixKind

RULES = {
    "FM351": "read of a v1.0-only response field with no Flex twin on a migrated v1.0 call: manual",
}


def v1_only_reads(ctx: ModuleContext, calls: Callable[[EndpointCall], bool]) -> Iterator[Read]:
    """Reads of a v1.0-only response field (catalog ``legacy_v1``) on the responses of ``calls``."""
    legacy = ctx.catalog.legacy_v1
    fields = frozenset(legacy.get("response_fields_without_flex_twin", ()))
    applies_to = frozenset(legacy.get("fields_apply_to", ()))
    if not fields:
        return
    for read in all_reads(ctx):
        endpoint = read.ec.endpoint
        if not calls(read.ec) or read.key not in fields:
            continue
        if applies_to and endpoint.key not in applies_to:
            continue
        if read.container == item_path(endpoint):
            yield read


def check_legacy_fields(ctx: ModuleContext) -> Iterator[Finding]:
    for read in v1_only_reads(ctx, lambda ec: ec.legacy_v1):
        endpoint = read.ec.endpoint
        yield ctx.finding(
            read.node,
            "FM351",
            f"{read.key!r} was only returned by the v1.0 resource; the {endpoint.new.operation_id} response "
            "has no such field and nothing to rename it to: choose what to read instead",
            FixKind.MANUAL,
            endpoint,
        )
