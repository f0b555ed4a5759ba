"""Follow a migrated call's response through the code: which JSON fields does the code read from it?

Forward: from the call, through ``.json()``, subscripts, ``.get()``, ``for`` loops and
comprehensions, and names bound exactly once in the same function, to every read of a field.  Each
read knows its *path* in the response (``("results", "[]", "clusterName")``), so the catalog's field
map (``results[].clusterName``) applies directly.

Backward: from a read the forward pass did not reach, back to where its container comes from,
to tell an unrelated value (a literal, another endpoint's response) from one whose origin cannot be
known here (a parameter, an attribute, another function's result).  Only the latter is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from flexmigrate.codemods.context import EndpointCall, ModuleContext
from flexmigrate.codemods.rules import flow, literals
from flexmigrate.codemods.rules.targets import migrated_calls, unlinked_calls

ITEM = "[]"
Path = tuple[str, ...]
# Methods that send a request on requests/httpx-like clients: their result is *a* response.
HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "send"})


def field_path(spec: str) -> Path:
    """``"results[].clusterName"`` -> ``("results", "[]", "clusterName")`` (the catalog's notation)."""
    path: list[str] = []
    for part in spec.split("."):
        if part.endswith(ITEM):
            path.extend((part[: -len(ITEM)], ITEM))
        else:
            path.append(part)
    return tuple(p for p in path if p)


@dataclass(frozen=True)
class Read:
    """One read of a field: ``key`` is read from a value at ``container`` in the response of ``ec``."""

    key: str
    node: cst.CSTNode  # the key's string literal
    container: Path
    ec: EndpointCall

    @property
    def path(self) -> Path:
        return (*self.container, self.key)


def reads_of(ctx: ModuleContext, ec: EndpointCall, call: cst.Call) -> list[Read]:
    """Every field read reachable from ``call``'s response along a straight local chain."""
    tracer = _Forward(ctx, ec)
    tracer.follow(call, None)
    return tracer.reads


def all_reads(ctx: ModuleContext) -> list[Read]:
    reads: list[Read] = []
    for ec, call in migrated_calls(ctx):
        reads.extend(reads_of(ctx, ec, call))
    return reads


class _Forward:
    def __init__(self, ctx: ModuleContext, ec: EndpointCall) -> None:
        self.ctx = ctx
        self.ec = ec
        self.reads: list[Read] = []
        self._seen: set[tuple[int, Path | None]] = set()

    def _read(self, key_node: cst.CSTNode, container: Path) -> str | None:
        key = literals.string_value(key_node)
        if key is not None:
            self.reads.append(Read(key, key_node, container, self.ec))
        return key

    def follow(self, expr: cst.CSTNode, path: Path | None) -> None:
        """``expr`` evaluates to the response (``path is None``) or to the JSON value at ``path``."""
        marker = (id(expr), path)
        if marker in self._seen:
            return
        self._seen.add(marker)
        ctx = self.ctx
        parent = ctx.parent(expr)
        if isinstance(parent, cst.Await):
            self.follow(parent, path)
        elif isinstance(parent, cst.Attribute) and parent.value is expr:
            self._method(parent, path)
        elif isinstance(parent, cst.Subscript) and parent.value is expr and path is not None:
            if flow.is_store(ctx, parent):
                return
            index = _index(parent)
            if isinstance(index, cst.Integer):
                self.follow(parent, (*path, ITEM))
            elif index is not None:
                key = self._read(index, path)
                if key is not None:
                    self.follow(parent, (*path, key))
        elif isinstance(parent, cst.ComparisonTarget) and parent.comparator is expr and path is not None:
            comparison = ctx.parent(parent)
            if (
                isinstance(comparison, cst.Comparison)
                and len(comparison.comparisons) == 1
                and isinstance(parent.operator, (cst.In, cst.NotIn))
            ):
                self._read(comparison.left, path)
        elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is expr:
            target = parent.targets[0].target if isinstance(parent, cst.Assign) else parent.target
            if isinstance(target, cst.Name):
                self._through(target, path)
        elif isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is expr and path is not None:
            if isinstance(parent.target, cst.Name):
                self._through(parent.target, (*path, ITEM))
        elif isinstance(parent, cst.Arg) and path is not None:
            self._enumerated(parent, path)
        elif isinstance(parent, cst.WithItem) and parent.item is expr and parent.asname is not None:
            if isinstance(parent.asname.name, cst.Name):
                self._through(parent.asname.name, path)

    def _method(self, attribute: cst.Attribute, path: Path | None) -> None:
        call = self.ctx.parent(attribute)
        if not (isinstance(call, cst.Call) and call.func is attribute):
            return
        name = attribute.attr.value
        if path is None and name == "json" and not call.args:
            self.follow(call, ())
        elif path is not None and name == "get" and call.args and call.args[0].keyword is None:
            key = self._read(call.args[0].value, path)
            if key is not None:
                self.follow(call, (*path, key))

    def _enumerated(self, arg: cst.Arg, path: Path) -> None:
        """``for i, item in enumerate(value)``: ``item`` is an element of ``value``."""
        call = self.ctx.parent(arg)
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Name)
            and call.func.value == "enumerate"
            and call.args
            and call.args[0] is arg
            and arg.keyword is None
            and not arg.star
        ):
            return
        loop = self.ctx.parent(call)
        if not (isinstance(loop, (cst.For, cst.CompFor)) and loop.iter is call):
            return
        target = loop.target
        if (
            isinstance(target, cst.Tuple)
            and len(target.elements) == 2
            and isinstance(target.elements[1].value, cst.Name)
        ):
            self._through(target.elements[1].value, (*path, ITEM))

    def _through(self, target: cst.Name, path: Path | None) -> None:
        """Continue at every use of a name bound once, in the same function, to the value at ``path``."""
        bound = flow.binding_of_target(self.ctx, target)
        if bound is None:
            return
        for use in bound.uses(self.ctx):
            if flow.same_function(self.ctx, use, target):
                self.follow(use, path)


def item_path(endpoint) -> Path:
    """Where one item sits in the endpoint's response: ``()`` for a single object, else the list's
    item path taken from the catalog's field map (``results[].x`` -> ``("results", "[]")``)."""
    if not endpoint.is_list:
        return ()
    for spec in endpoint.response_field_map:
        path = field_path(spec)
        if ITEM in path:
            return path[: path.index(ITEM) + 1]
    return ()


def _index(subscript: cst.Subscript) -> cst.BaseExpression | None:
    if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
        return None
    return subscript.slice[0].slice.value


@dataclass(frozen=True)
class Candidate:
    """A read of a watched field name that the forward pass did not reach."""

    key: str
    node: cst.CSTNode  # the key literal
    container: cst.BaseExpression  # what it is read from


def candidate_reads(ctx: ModuleContext, keys: frozenset[str], reached: set[int]) -> Iterator[Candidate]:
    """Reads (``x["k"]``, ``x.get("k")``, ``"k" in x``) of any of ``keys`` not in ``reached``."""
    for node in flow.all_nodes(ctx):
        if isinstance(node, cst.Subscript):
            index = _index(node)
            key = literals.string_value(index) if index is not None else None
            if key in keys and id(index) not in reached and not flow.is_store(ctx, node):
                yield Candidate(key, index, node.value)
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "get"
            and node.args
            and node.args[0].keyword is None
        ):
            key = literals.string_value(node.args[0].value)
            if key in keys and id(node.args[0].value) not in reached:
                yield Candidate(key, node.args[0].value, node.func.value)
        elif isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            target = node.comparisons[0]
            key = literals.string_value(node.left)
            if (
                key in keys
                and isinstance(target.operator, (cst.In, cst.NotIn))
                and id(node.left) not in reached
            ):
                yield Candidate(key, node.left, target.comparator)


def _request_origin(ctx: ModuleContext, request: cst.Call) -> Origin:
    """A request the URL rule did not link to a migrated URL: unrelated, unless a migrated URL in
    the same function could not be linked to its request (then this may well be that request)."""
    function = flow.enclosing_function(ctx, request)
    for ec in unlinked_calls(ctx):
        if flow.enclosing_function(ctx, ec.url_node) is function:
            line = flow.line_of(ctx, ec.url_node)
            return Origin(
                "unknown", f"this request may send the migrated URL at line {line}, whose call was not found"
            )
    return Origin("unrelated")


@dataclass(frozen=True)
class Origin:
    """Where a value comes from: ``migrated`` (a migrated call's response), ``unrelated``, ``unknown``."""

    kind: str
    why: str = ""
    ec: EndpointCall | None = None


def origin(ctx: ModuleContext, expr: cst.CSTNode, depth: int = 0) -> Origin:
    """Trace ``expr`` back to where its value comes from, without guessing."""
    if depth > 12:
        return Origin("unknown", "the value passes through too many steps to follow")
    migrated = {id(call): ec for ec, call in migrated_calls(ctx)}
    if id(expr) in migrated:
        return Origin("migrated", "", migrated[id(expr)])
    if isinstance(
        expr,
        (
            cst.Dict,
            cst.List,
            cst.Tuple,
            cst.Set,
            cst.SimpleString,
            cst.ConcatenatedString,
            cst.FormattedString,
            cst.Integer,
            cst.Float,
            cst.DictComp,
            cst.ListComp,
        ),
    ):
        return Origin("unrelated")
    if isinstance(expr, cst.Subscript):
        return origin(ctx, expr.value, depth + 1)
    if isinstance(expr, cst.Await):
        return origin(ctx, expr.expression, depth + 1)
    if isinstance(expr, cst.Call):
        func = expr.func
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            on_module = isinstance(func.value, cst.Name) and flow.imported_module(ctx, func.value) is not None
            if name == "json" and not expr.args:
                return origin(ctx, func.value, depth + 1)
            if name == "get" and not on_module and expr.args and literals.string_value(expr.args[0].value):
                return origin(ctx, func.value, depth + 1)  # dict.get("key")
            if name in HTTP_VERBS:
                return _request_origin(ctx, expr)
        code = ctx.module.code_for_node(func)
        return Origin("unknown", f"it is the result of {code}() at line {flow.line_of(ctx, expr)}")
    if isinstance(expr, cst.Name):
        bound = flow.binding(ctx, expr)
        if bound is None:
            return Origin("unknown", f"{expr.value!r} is assigned more than once or not in this module")
        if bound.kind == "param":
            function = flow.enclosing_function(ctx, bound.target)
            owner = f" of {function.name.value}()" if function is not None else ""
            return Origin("unknown", f"{expr.value!r} is a parameter{owner}")
        if bound.kind == "import":
            return Origin("unrelated")
        if bound.kind == "unpack":
            return Origin(
                "unknown",
                f"{expr.value!r} is unpacked from a tuple or list at line {flow.line_of(ctx, bound.target)}",
            )
        result = origin(ctx, bound.value, depth + 1) if bound.value is not None else Origin("unknown")
        if result.kind == "migrated" and not flow.same_function(ctx, bound.target, expr):
            return Origin(
                "unknown", f"{expr.value!r} holds a migrated response but is read in another function"
            )
        return result
    if isinstance(expr, cst.Attribute):
        return Origin("unknown", f"it is read from the attribute {ctx.module.code_for_node(expr)}")
    return Origin("unknown", f"it comes from {ctx.module.code_for_node(expr)}")
