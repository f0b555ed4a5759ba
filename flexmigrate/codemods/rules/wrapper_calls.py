"""FM62x Pulumi, FM63x CDKTF: calls of the shared-tier wrappers become the Flex ones.

Both wrappers are the same shape: a callable imported from a package (a Pulumi function, a CDKTF
construct class), called with keyword arguments, whose result's attributes are read.  Every name
is resolved by qualified name (``import pulumi_mongodbatlas as mongodbatlas``, ``from
pulumi_mongodbatlas import get_shared_tier_restore_job as f``, ...), never by spelling; the maps
come from the catalog (``catalog/data/ecosystems.json``).  For one wrapper in one module the import,
every call and every traced read of a result are one unit: fixed together or not at all.  A
keyword or attribute with no Flex counterpart, positional arguments whose order changes, ``**``
arguments, or a result passed on whole (its attribute names change) hold the unit back, with the
reason.  Definitions (a vendored SDK's own ``def get_shared_tier_restore_job``) are not calls and
are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Iterator, Mapping

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from flexmigrate.catalog import Catalog, Endpoint
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.codemods.context import ModuleContext
from flexmigrate.codemods.rules.flow import binding_of_target, dotted_name
from flexmigrate.codemods.tree import descendants
from flexmigrate.models.findings import Edit, Finding, FixKind

RULES = {
    "FM621": "Pulumi shared-tier function call or import: becomes the Flex function, keywords renamed",
    "FM622": "attribute read on a Pulumi shared-tier result: follows the Flex result's name",
    "FM623": "Pulumi shared-tier use that cannot be migrated whole (no Flex counterpart): manual",
    "FM631": "CDKTF shared-tier construct or import: becomes the Flex construct, keywords renamed",
    "FM632": "attribute read on a CDKTF shared-tier construct: follows the Flex construct's name",
    "FM633": "CDKTF shared-tier use that cannot be migrated whole (no Flex counterpart): manual",
}


@dataclass(frozen=True)
class Wrapper:
    """One wrapped callable (or type) of a retired endpoint, with the maps of its Flex twin."""

    family: str  # "Pulumi" or "CDKTF"
    codes: tuple[str, str, str]  # call/import, attribute read, manual
    old: str  # qualified name
    new: str
    endpoint: str
    arguments: Mapping[str, str | None] | None  # None: not called (a result type)
    attributes: Mapping[str, str | None]
    results: Mapping[str, str | None] | None
    positional: int  # leading positional arguments that keep their place (CDKTF: scope, id)
    needs: str  # the first release with the Flex names
    group: str  # the unit key: one wrapper family member (a function with its _output variant)
    # An attribute the map does not name has no proven twin (Pulumi results); CDKTF constructs
    # also have the members of their base class (``node``, ``fqn``), which are the same on Flex.
    strict: bool = False


@cache
def _wrappers(catalog: Catalog) -> dict[str, Wrapper]:
    eco = ecosystems(catalog)
    out: dict[str, Wrapper] = {}
    for fn in eco.pulumi:
        pulumi = partial(
            Wrapper,
            family="Pulumi",
            codes=("FM621", "FM622", "FM623"),
            endpoint=fn.endpoint,
            attributes={**fn.attributes, **fn.equivalents},
            results=fn.results_attributes,
            positional=0,
            needs=f"pulumi-mongodbatlas >= {eco.pulumi_flex_since}",
            group=fn.old,
            strict=True,
        )
        for old, new in fn.names.items():
            if new is not None:
                qualified = f"{eco.pulumi_module}.{old}"
                called = old.startswith("get_")  # the functions; the others are result classes
                out[qualified] = pulumi(
                    old=qualified,
                    new=f"{eco.pulumi_module}.{new}",
                    arguments=fn.arguments if called else None,
                )
    for construct in eco.cdktf:
        old_module = f"{eco.cdktf_package}.{construct.old_module}"
        new_module = f"{eco.cdktf_package}.{construct.new_module}"
        cdktf = partial(
            Wrapper,
            family="CDKTF",
            codes=("FM631", "FM632", "FM633"),
            endpoint=construct.endpoint,
            results=construct.results_attributes,
            needs=f"cdktf-cdktf-provider-mongodbatlas >= {eco.cdktf_flex_since}",
            group=construct.old_module,
        )
        main = min(construct.classes, key=len)  # the construct; the others are its config and results
        for old, new in construct.classes.items():
            if new is not None:
                out[f"{old_module}.{old}"] = cdktf(
                    old=f"{old_module}.{old}",
                    new=f"{new_module}.{new}",
                    arguments=construct.arguments if old in (main, f"{main}Config") else None,
                    attributes={**construct.attributes, **construct.equivalents} if old == main else {},
                    positional=2 if old == main else 0,  # scope, id
                )
        out[old_module] = cdktf(old=old_module, new=new_module, arguments=None, attributes={}, positional=0)
    return out


def _short(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


@dataclass
class _Unit:
    wrapper: Wrapper
    endpoint: Endpoint
    findings: list[Finding] = field(default_factory=list)
    problems: list[tuple[cst.CSTNode, str]] = field(default_factory=list)


def check_wrapper_calls(ctx: ModuleContext) -> Iterator[Finding]:
    wrappers = _wrappers(ctx.catalog)
    shorts = {_short(q) for q in wrappers}
    if not any(name in ctx.source for name in shorts):
        return
    qualified = ctx.wrapper.resolve(QualifiedNameProvider)
    units: dict[str, _Unit] = {}

    def unit_of(w: Wrapper) -> _Unit:
        return units.setdefault(f"{w.family}:{w.group}", _Unit(w, ctx.catalog.endpoint(w.endpoint)))

    for node in ctx.nodes:
        if isinstance(node, cst.ImportFrom):
            _imports(ctx, node, wrappers, unit_of)
            continue
        if not isinstance(node, (cst.Name, cst.Attribute)):
            continue
        # The left part of a dotted name counts too: ``mod.Class`` where ``mod`` is a renamed module.
        parent = ctx.parent(node)
        if isinstance(parent, (cst.ImportAlias, cst.ImportFrom, cst.Import, cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            continue
        found = qualified.get(node, ())
        names = {q.name for q in (found() if callable(found) else found)}  # lazily computed in libcst >= 1.1
        hit = next((wrappers[n] for n in sorted(names) if n in wrappers), None)
        if hit is None:
            continue
        _use(ctx, node, hit, unit_of(hit))
    for unit in units.values():
        if not unit.findings:
            continue
        if unit.problems:
            node, reason = unit.problems[0]
            line = ctx.line_col(ctx.span(node)[0])[0]
            held = f"held back: {reason} (line {line}); a wrapper is migrated whole in a module or not at all"
            for f in unit.findings:
                yield (
                    replace(f.with_fix(FixKind.MANUAL, held), edits=()) if f.fix is not FixKind.MANUAL else f
                )
            for node, reason in unit.problems:
                yield ctx.finding(node, unit.wrapper.codes[2], reason, FixKind.MANUAL, unit.endpoint)
            continue
        ctx.groups.append(unit.findings)
        yield from unit.findings


def _imports(ctx: ModuleContext, node: cst.ImportFrom, wrappers: Mapping[str, Wrapper], unit_of) -> None:
    if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
        return
    module = dotted_name(node.module)
    if module is None:
        return
    for alias in node.names:
        name = dotted_name(alias.name)
        if name is None:
            continue
        hit = wrappers.get(f"{module}.{name}")
        if hit is None:
            continue
        unit = unit_of(hit)
        edits = [_rename(ctx, alias.name, _short(hit.new))]
        new_module = hit.new.rsplit(".", 1)[0]
        if new_module != module:
            edits.append(_rename(ctx, node.module, _short(new_module)))
        unit.findings.append(
            ctx.finding(
                alias,
                hit.codes[0],
                f"import of {hit.family} {name}, which wraps {unit.endpoint.old.operation_id} (retired on "
                f"{ctx.catalog.sunset}): import {_short(hit.new)} from {new_module}",
                FixKind.SAFE,
                unit.endpoint,
                edits,
            )
        )


def _rename(ctx: ModuleContext, node: cst.CSTNode, new: str) -> Edit:
    """Replace the last identifier of ``node`` (a Name, or an Attribute's attr) with ``new``."""
    target = node.attr if isinstance(node, cst.Attribute) else node
    start, end = ctx.span(target)
    return Edit(start, end, new)


def _use(ctx: ModuleContext, node: cst.CSTNode, w: Wrapper, unit: _Unit) -> None:
    """One use of a wrapper name: renamed where it is spelled with its own name (not an alias)."""
    spelled = node.attr.value if isinstance(node, cst.Attribute) else getattr(node, "value", None)
    edits = [_rename(ctx, node, _short(w.new))] if spelled == _short(w.old) else []
    parent = ctx.parent(node)
    if isinstance(parent, cst.Call) and parent.func is node and w.arguments is not None:
        edits.extend(_arguments(ctx, parent, w, unit))
        _result(ctx, parent, w, unit)
        anchor: cst.CSTNode = parent
        what = f"call of {w.family} {_short(w.old)}"
    else:
        anchor = node
        what = f"{w.family} {_short(w.old)}"
    args = ", ".join(f"{o} -> {n}" for o, n in (w.arguments or {}).items() if n and n != o)
    unit.findings.append(
        ctx.finding(
            anchor,
            w.codes[0],
            f"{what} wraps {unit.endpoint.old.operation_id}, retired on {ctx.catalog.sunset}: use "
            f"{_short(w.new)}"
            + (f" (arguments {args})" if args and anchor is not node else "")
            + f"; needs {w.needs}",
            FixKind.SAFE,
            unit.endpoint,
            edits,
        )
    )


def _arguments(ctx: ModuleContext, call: cst.Call, w: Wrapper, unit: _Unit) -> list[Edit]:
    assert w.arguments is not None
    edits = []
    for index, arg in enumerate(call.args):
        if arg.star:
            unit.problems.append((arg, f"{_short(w.old)}(**...): the keywords inside cannot be renamed"))
        elif arg.keyword is None:
            if index >= w.positional:
                unit.problems.append(
                    (
                        arg,
                        f"positional argument {index + 1} of {_short(w.old)}: the Flex parameters come in another order",
                    )
                )
                break  # one is enough to say why
        else:
            key = arg.keyword.value
            if key not in w.arguments:
                unit.problems.append((arg, f"keyword {key} is unknown to {_short(w.new)}"))
            elif w.arguments[key] is None:
                unit.problems.append((arg, f"keyword {key} has no counterpart on {_short(w.new)}"))
            elif w.arguments[key] != key:
                edits.append(Edit(*ctx.span(arg.keyword), w.arguments[key]))
    return edits


def _result(ctx: ModuleContext, call: cst.Call, w: Wrapper, unit: _Unit) -> None:
    """The reads of the call's result: directly, through one local name, or in ``.apply``."""
    parent = ctx.parent(call)
    if isinstance(parent, cst.Attribute) and parent.value is call:
        _read(ctx, parent, w, unit)
        return
    if isinstance(parent, cst.Expr):
        return  # the result is not used
    if (
        isinstance(parent, cst.Assign)
        and len(parent.targets) == 1
        and isinstance(parent.targets[0].target, cst.Name)
    ):
        bound = binding_of_target(ctx, parent.targets[0].target)
        if bound is not None:
            for use in bound.uses(ctx):
                holder = ctx.parent(use)
                if isinstance(holder, cst.Attribute) and holder.value is use:
                    _read(ctx, holder, w, unit)
                else:
                    _whole(ctx, use, w, unit)
            return
    _whole(ctx, call, w, unit)


def _whole(ctx: ModuleContext, node: cst.CSTNode, w: Wrapper, unit: _Unit) -> None:
    if all(new == old for old, new in w.attributes.items()):
        return
    unit.problems.append(
        (
            node,
            f"the result of {_short(w.old)} is passed on whole, and its attribute names change on {_short(w.new)}",
        )
    )


def _read(ctx: ModuleContext, attr: cst.Attribute, w: Wrapper, unit: _Unit, items: bool = False) -> None:
    """``result.attr``: renamed per the map (``results`` items and ``.apply`` lambdas followed)."""
    mapping = (w.results or {}) if items else w.attributes
    name = attr.attr.value
    if name == "apply" and not items:
        call = ctx.parent(attr)
        if isinstance(call, cst.Call) and call.args and isinstance(call.args[0].value, cst.Lambda):
            _lambda(ctx, call.args[0].value, w, unit)
            return
    if name == "results" and w.results is not None and not items:
        _results(ctx, attr, w, unit)
        return
    if (name in mapping and mapping[name] is None) or (w.strict and name not in mapping):
        unit.problems.append((attr, f".{name} has no counterpart on {_short(w.new)}"))
        return
    new = mapping.get(name, name)
    if new != name:
        unit.findings.append(
            ctx.finding(
                attr,
                w.codes[1],
                f".{name} of a {_short(w.old)} {'item' if items else 'result'} is .{new} on {_short(w.new)}",
                FixKind.SAFE,
                unit.endpoint,
                [Edit(*ctx.span(attr.attr), new)],
            )
        )


def _lambda(ctx: ModuleContext, fn: cst.Lambda, w: Wrapper, unit: _Unit) -> None:
    params = fn.params.params
    if len(params) != 1:
        unit.problems.append((fn, "an .apply callback of another shape than lambda r: ..."))
        return
    name = params[0].name.value
    for node in descendants(fn.body):
        if isinstance(node, cst.Name) and node.value == name:
            holder = ctx.parent(node)
            if isinstance(holder, cst.Attribute) and holder.value is node:
                _read(ctx, holder, w, unit)
            else:
                _whole(ctx, node, w, unit)


def _results(ctx: ModuleContext, attr: cst.Attribute, w: Wrapper, unit: _Unit) -> None:
    """``result.results``: items read by index, in a ``for`` loop, or in a comprehension."""
    identity = all(new == old for old, new in (w.results or {}).items())
    parent = ctx.parent(attr)
    if isinstance(parent, cst.Subscript) and parent.value is attr:
        outer = ctx.parent(parent)
        if isinstance(outer, cst.Attribute) and outer.value is parent:
            _read(ctx, outer, w, unit, items=True)
            return
    loop = parent
    if isinstance(loop, (cst.For, cst.CompFor)) and loop.iter is attr and isinstance(loop.target, cst.Name):
        bound = binding_of_target(ctx, loop.target)
        if bound is not None:
            for use in bound.uses(ctx):
                holder = ctx.parent(use)
                if isinstance(holder, cst.Attribute) and holder.value is use:
                    _read(ctx, holder, w, unit, items=True)
                elif not identity:
                    unit.problems.append((use, f"an item of {_short(w.old)}().results is passed on whole"))
            return
    if not identity:
        unit.problems.append(
            (attr, f"{_short(w.old)}().results is passed on whole, and its items' names change")
        )
