"""Where a string's value can go: into URL text, into a name, or nowhere the URL engine looks.

The URL engine (``codemods.urls``) builds URL text from string-building expressions (f-strings,
``+``, ``%``, ``format``, ``join``, ``urljoin``, a segment list's ``append``) and reads a bare name
in them through its value: a constant, a local, a segment list, a function of no parameters that
returns one value.  The strings of such a value are read as evidence for the hole the name fills.
So a string that holds a retired segment but no ``/`` matters only when it stands inside a
string-building expression, or when a name carries it to one.

This module answers both halves with the standard library's ``ast``, by spelling and not by scope
(a superset of what the engine follows):

* :func:`destination` walks up from one string: URL text (a building expression that can put
  something before the segment), the names its value is bound to (an assignment, a loop's
  iterable, a parameter's default, a ``return`` of a function, bound to the function's name), or
  nowhere (a plain call, a condition, a statement of its own, an attribute or item target);
* :func:`url_names` walks the module once: every name read inside a building expression, and,
  again and again, every name read in the value of a name already found.  Only a name that
  stands as a part of such a value counts (``f"{kind}"``, ``BASE + kind``, ``[BASE, kind]``):
  one read as the base of an attribute or an item (``domain.domain``, ``parts[0]``), as an
  argument of a call (``urlencode(params)``) or in a comparison does not, since the engine never
  reads a value through them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import Iterable

__all__ = ["URL_TEXT", "builds_string", "destination", "url_names"]

# Calls whose receiver or arguments the URL engine reads as URL text.
BUILDING_CALLS = frozenset({"format", "join", "urljoin", "append", "extend", "insert"})
# The string is URL text itself (its destination, for :func:`destination`).
URL_TEXT = None

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def builds_string(node: ast.AST) -> bool:
    """Whether ``node`` builds a string from parts the URL engine reads as URL text."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.Add, ast.Mod))
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr in BUILDING_CALLS
        return isinstance(func, ast.Name) and func.id == "urljoin"
    return False


def destination(node: ast.AST, ancestors: tuple[ast.AST, ...], leading: bool) -> frozenset[str] | None:
    """Where the value of the string ``node`` goes: ``URL_TEXT`` (``None``), or the names it is bound to.

    ``ancestors`` run from the top-level statement down to ``node``'s parent.  ``leading`` says
    the retired segment starts the string's value: then a building expression in which the string
    comes first (``"tenant{}".format(i)``, ``"tenant" + x``) builds a value that still starts with
    the segment, which cannot be a retired path by itself (no ``backup/`` before it), so the walk
    goes on to where that value goes.  A binding inside an expression (a walrus, a
    comprehension's variables, a lambda's default) adds its names and the walk goes on, since
    the whole expression is what an outer name holds (the engine reads every string of a hole's
    value).  An empty set: nowhere the engine looks.
    """
    bound: set[str] = set()
    child = node
    for depth in range(len(ancestors) - 1, -1, -1):
        parent = ancestors[depth]
        if builds_string(parent):
            if not (leading and _leftmost(parent, child)):
                return URL_TEXT
        elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if parent.value is child:
                bound.update(_bound(parent.targets if isinstance(parent, ast.Assign) else [parent.target]))
            return frozenset(bound)
        elif isinstance(parent, ast.NamedExpr):
            if parent.value is child:
                bound.update(_bound([parent.target]))
        elif isinstance(parent, ast.comprehension):
            if parent.iter is child:
                bound.update(_bound([parent.target]))
        elif isinstance(parent, (ast.For, ast.AsyncFor)):
            if parent.iter is child:
                bound.update(_bound([parent.target]))
            return frozenset(bound)
        elif isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
            fn = next((a for a in reversed(ancestors[:depth]) if isinstance(a, _FUNCTIONS)), None)
            if fn is not None and _reads_as_value(fn):
                bound.add(fn.name)
            if isinstance(parent, ast.Return):
                return frozenset(bound)
        elif isinstance(parent, ast.arguments):
            bound.update(_defaulted(parent).get(id(child), ()))
            if depth == 0 or not isinstance(ancestors[depth - 1], ast.Lambda):
                return frozenset(bound)  # a ``def``'s defaults: bound to its parameters only
        elif isinstance(parent, ast.stmt):
            return frozenset(bound)
        child = parent
    return frozenset(bound)


def _reads_as_value(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the engine can read a call of ``fn`` as the value it returns: it takes no parameters
    (``def restores_path(): return "..."``; a method, taking ``self``, never)."""
    args = fn.args
    return not (args.posonlyargs or args.args or args.kwonlyargs or args.vararg or args.kwarg)


def _leftmost(parent: ast.AST, child: ast.AST) -> bool:
    """Whether ``child`` is the first part of the string ``parent`` builds."""
    if isinstance(parent, ast.BinOp):
        return parent.left is child
    if isinstance(parent, ast.JoinedStr):
        return bool(parent.values) and parent.values[0] is child
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
        return parent.func is child and parent.func.attr == "format"
    return False


def _bound(targets: Iterable[ast.AST]) -> Iterable[str]:
    """The bare names an assignment's targets bind (an attribute or an item binds none)."""
    for target in targets:
        if isinstance(target, ast.Name):
            yield target.id
        elif isinstance(target, (ast.Tuple, ast.List)):
            yield from _bound(target.elts)
        elif isinstance(target, ast.Starred):
            yield from _bound([target.value])


def _defaulted(args: ast.arguments) -> dict[int, tuple[str, ...]]:
    """``id(default) -> (parameter name,)`` for every default of ``args``."""
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return {id(default): (arg.arg,) for arg, default in pairs}


def url_names(tree: ast.Module) -> frozenset[str]:
    """Every name whose value can reach URL text, by spelling.

    A name read inside a building expression; then every name read in the value bound to one
    already found (an assignment's value, a loop's iterable, a default, what a function returns),
    until nothing is added.  One walk of the module: most nodes are none of the kinds that matter
    and only pass their children on, read straight from their fields.
    """
    in_urls: set[str] = set()
    flows: dict[str, set[str]] = defaultdict(set)
    # (node, inside a building expression, names its value is bound to, the enclosing function)
    stack: list[tuple[ast.AST, bool, tuple[str, ...], str | None]] = [(tree, False, (), None)]
    push = stack.append
    while stack:
        node, building, targets, function = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                if building:
                    in_urls.add(node.id)  # type: ignore[attr-defined]
                for target in targets:
                    flows[target].add(node.id)  # type: ignore[attr-defined]
            continue
        if kind not in _SPECIAL:
            if isinstance(node, ast.stmt):
                targets = ()
            elif kind not in _TRANSPARENT and isinstance(node, ast.expr):
                building, targets = False, ()  # a comparison, an operation: not its names' values
            for field in node._fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for child in value:
                        if isinstance(child, ast.AST):
                            push((child, building, targets, function))
                elif isinstance(value, ast.AST):
                    push((value, building, targets, function))
            continue
        if isinstance(node, ast.stmt):
            targets = ()
        if kind is ast.Attribute or kind is ast.Subscript or (kind is ast.Call and _opaque_call(node)):
            # The engine never reads a value through its attributes, its items, or a call of it.
            building, targets = False, ()
        building = building or builds_string(node)
        if kind in _FUNCTIONS:
            function = node.name if _reads_as_value(node) else None  # type: ignore[attr-defined]
        elif kind is ast.Lambda:
            function = None  # a ``return`` cannot stand in a lambda, but a ``yield`` can
        for child, bound in _children(node, function, targets):
            push((child, building, targets if bound is None else bound, function))
    found = set(in_urls)
    todo = list(in_urls)
    while todo:
        for name in flows.get(todo.pop(), ()):
            if name not in found:
                found.add(name)
                todo.append(name)
    return frozenset(found)


def _opaque_call(call: ast.Call) -> bool:
    """A call whose value the engine cannot read: anything but a string-building call and a
    function of no parameters called bare (``restores_path()``, read like a constant)."""
    if builds_string(call):
        return False
    return bool(call.args or call.keywords) or not isinstance(call.func, ast.Name)


# Expressions whose value holds their parts' values as they are: a name inside one of these is
# read as the engine reads a hole (``f"{kind}"``, ``BASE + kind``, ``[BASE, kind]``, ``a or kind``).
_TRANSPARENT = frozenset(
    {
        ast.BinOp,
        ast.BoolOp,
        ast.IfExp,
        ast.JoinedStr,
        ast.FormattedValue,
        ast.Tuple,
        ast.List,
        ast.Set,
        ast.Dict,
        ast.Starred,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
    }
)

# The kinds of node that bind a value, build a string, or stop the walk's reading of one.
_SPECIAL = frozenset(
    {
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.NamedExpr,
        ast.For,
        ast.AsyncFor,
        ast.comprehension,
        ast.Return,
        ast.Yield,
        ast.YieldFrom,
        ast.Call,
        ast.arguments,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Lambda,
        ast.Attribute,
        ast.Subscript,
        ast.JoinedStr,
        ast.BinOp,
    }
)


def _children(
    node: ast.AST, function: str | None, outer: tuple[str, ...]
) -> Iterable[tuple[ast.AST, tuple[str, ...] | None]]:
    """``node``'s children, each with the names its value is bound to (``None``: as for ``node``,
    whose value is bound to ``outer``)."""
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        yield node.value, tuple(_bound(targets))
        yield from ((t, ()) for t in targets)
        if isinstance(node, ast.AnnAssign):
            yield node.annotation, ()
        return
    if isinstance(node, (ast.For, ast.AsyncFor)):
        yield node.iter, tuple(_bound([node.target]))
        yield from ((c, ()) for c in [node.target, *node.body, *node.orelse])
        return
    # Inside an expression, a binding also goes where the expression goes: (x := v) is v, and a
    # comprehension's value is built from its iterable.
    if isinstance(node, ast.NamedExpr):
        yield node.value, (*outer, *_bound([node.target]))
        return
    if isinstance(node, ast.comprehension):
        yield node.iter, (*outer, *_bound([node.target]))
        yield from ((c, ()) for c in [node.target, *node.ifs])
        return
    if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None:
        into = (function,) if function is not None else ()
        yield node.value, into if isinstance(node, ast.Return) else (*outer, *into)
        return
    if isinstance(node, ast.Call) and builds_string(node) and isinstance(node.func, ast.Attribute):
        # ``TEMPLATE.format(...)``, ``parts.append(...)``: the receiver is URL text.
        yield node.func.value, None
        yield from ((c, None) for c in [*node.args, *node.keywords])
        return
    if isinstance(node, ast.arguments):  # a lambda's defaults also go where the lambda goes
        named = _defaulted(node)
        for child in ast.iter_child_nodes(node):
            yield child, (*outer, *named.get(id(child), ()))
        return
    for child in ast.iter_child_nodes(node):
        yield child, None
