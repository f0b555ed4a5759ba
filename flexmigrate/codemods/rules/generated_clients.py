"""FM651: calls of an openapi-generator client's shared-tier API classes.

``SharedTierRestoreJobsApi`` and ``SharedTierSnapshotsApi`` are generated from the Atlas spec; their
method names follow the spec's operation IDs of the day (``get_shared_cluster_backup_restore_job``,
``get_group_cluster_backup_tenant_restore``, ``get_backup_tenant_restore``), and the Flex method of
the same generation takes its path parameters in another order (per method: ``download`` puts
``name`` first).  A client generated before the Flex API existed has no Flex class at all, so a
rewrite could call a method the client lacks.  Each call (and each construction of the API class)
is reported ``manual`` with the Flex class, method and argument order of the same generation:
regenerate or upgrade the client, then move the call.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Iterator

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from flexmigrate.catalog import Catalog
from flexmigrate.catalog.ecosystems import GeneratedApi, ecosystems
from flexmigrate.codemods.context import ModuleContext
from flexmigrate.codemods.rules.flow import binding
from flexmigrate.models.findings import Finding, FixKind

RULES = {
    "FM651": "call of a generated client's shared-tier API: regenerate the client, then call the Flex method (manual)",
}


def _signature(params) -> str:
    return ", ".join(p for p in params if p not in ("envelope", "pretty"))


def check_generated_clients(ctx: ModuleContext) -> Iterator[Finding]:
    apis = ecosystems(ctx.catalog).generated_apis
    classes = {a.old_class for a in apis}
    if not any(name in ctx.source for name in classes):
        return
    qualified = ctx.wrapper.resolve(QualifiedNameProvider)

    def class_of(node: cst.CSTNode) -> str | None:
        found = qualified.get(node, ())
        for q in found() if callable(found) else found:
            last = q.name.rsplit(".", 1)[-1]
            if last in classes:
                return last
        return None

    instances: set[cst.CSTNode] = set()
    for node in ctx.nodes:
        if isinstance(node, cst.Call) and class_of(node.func):
            instances.add(node)
            name = class_of(node.func)
            api = next(a for a in apis if a.old_class == name)
            yield ctx.finding(
                node,
                "FM651",
                f"{name} is the generated client of retired endpoints (gone since {ctx.catalog.sunset}): "
                f"regenerate the client against the Flex API and use {api.new_class}",
                FixKind.MANUAL,
            )
    for node in ctx.nodes:
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            continue
        method = node.func.attr.value
        api = _api_of(ctx, node.func.value, method, apis, instances, class_of)
        if api is None:
            continue
        endpoint = ctx.catalog.endpoint(api.endpoint)
        new = api.methods[method]
        yield ctx.finding(
            node,
            "FM651",
            f"{api.old_class}.{method}({_signature(api.old_params)}) calls {endpoint.old.operation_id}, retired on "
            f"{ctx.catalog.sunset}: regenerate or upgrade the client and call {api.new_class}.{new}"
            f"({_signature(api.new_params)}); the path parameters come in another order",
            FixKind.MANUAL,
            endpoint,
        )


def _api_of(ctx, receiver, method, apis, instances, class_of) -> GeneratedApi | None:
    """The generated API whose method ``method`` is called on ``receiver``, when it is traced."""
    candidates = [a for a in apis if method in a.methods]
    if not candidates:
        return None
    origin = receiver
    if isinstance(receiver, cst.Name):
        bound = binding(ctx, receiver)
        if bound is not None and bound.kind == "assign" and bound.value is not None:
            origin = bound.value
    if isinstance(origin, cst.Call) and origin in instances:
        name = class_of(origin.func)
        return next((a for a in candidates if a.old_class == name), None)
    # Not traced (``self.api.get_backup_tenant_restore(...)``): a method name that only the shared-tier
    # APIs have still says which one it is, in a module that uses those APIs.
    if len(candidates) == 1 and set(method.split("_")) & _retired_words(ctx.catalog):
        return candidates[0]
    return None


@cache
def _retired_words(catalog: Catalog) -> frozenset[str]:
    """Words of the retired operation names that no replacement name has (``tenant``, ``shared``):
    a generated method whose name holds one belongs to a retired API."""

    def words(names) -> set[str]:
        return {w.lower() for name in names for w in re.findall(r"[A-Z]?[a-z]+", name)}

    return frozenset(
        words(n for ep in catalog for n in ep.old.names) - words(n for ep in catalog for n in ep.new.names)
    )
