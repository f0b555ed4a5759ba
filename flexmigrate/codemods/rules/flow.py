"""Local data flow the rules rely on: which single assignment a name comes from, and where it goes.

The rules only rewrite what they can follow without guessing: a value bound exactly once (libcst's
``ScopeProvider`` counts the assignments) and used inside the same function.  Everything here
answers "is this flow a straight local chain?"; when the answer is no, the rules report instead of
editing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import libcst as cst
from libcst.metadata import Assignment

from flexmigrate.codemods.context import ModuleContext


@dataclass(frozen=True)
class Binding:
    """The one place a name is bound.

    ``kind`` is ``assign`` (``name = value``), ``loop`` (``for name in value`` or a comprehension's
    ``for``), ``with`` (``with value as name``), ``unpack`` (one name of a tuple or list target),
    ``param`` (a function parameter) or ``import``.  ``value`` is the expression bound (the iterable
    for ``loop``); ``None`` for ``unpack``/``param``/``import``.
    """

    kind: str
    name: str
    target: cst.CSTNode
    value: cst.BaseExpression | None
    assignment: Assignment | None

    def uses(self, ctx: ModuleContext) -> Iterator[cst.Name]:
        """Every ``Name`` node that reads this binding."""
        if self.assignment is None:
            return
        for access in self.assignment.references:
            if isinstance(access.node, cst.Name):
                yield access.node


def all_nodes(ctx: ModuleContext) -> Iterator[cst.CSTNode]:
    """Every node of the module but the module itself, in source order."""
    return iter(ctx.nodes)


def enclosing_function(ctx: ModuleContext, node: cst.CSTNode) -> cst.FunctionDef | None:
    """The innermost ``def`` around ``node`` (``None`` at module level); lambdas do not count."""
    current = ctx.parent(node)
    while current is not None:
        if isinstance(current, cst.FunctionDef):
            return current
        current = ctx.parent(current)
    return None


def enclosing_statement(ctx: ModuleContext, node: cst.CSTNode) -> cst.CSTNode | None:
    """The simple or compound statement that contains ``node``."""
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(
        current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
    ):
        current = ctx.parent(current)
    return current


def line_of(ctx: ModuleContext, node: cst.CSTNode) -> int:
    return ctx.line_col(ctx.span(node)[0])[0]


def binding(ctx: ModuleContext, name: cst.Name) -> Binding | None:
    """The single binding ``name`` reads, or ``None`` when there is not exactly one we understand."""
    scope = ctx.scope(name)
    if scope is None:
        return None
    assignments = list(scope[name.value])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return None
    assignment = assignments[0]
    target = assignment.node
    if isinstance(target, cst.Param):
        return Binding("param", name.value, target, None, assignment)
    if isinstance(target, (cst.Import, cst.ImportFrom)):
        return Binding("import", name.value, target, None, assignment)
    if not isinstance(target, cst.Name):
        return None
    parent = ctx.parent(target)
    if isinstance(parent, cst.AssignTarget):
        assign = ctx.parent(parent)
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
            return Binding("assign", name.value, target, assign.value, assignment)
        return None
    if isinstance(parent, cst.AnnAssign) and parent.target is target and parent.value is not None:
        return Binding("assign", name.value, target, parent.value, assignment)
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is target:
        return Binding("loop", name.value, target, parent.iter, assignment)
    if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.Tuple, cst.List)):
        return Binding("unpack", name.value, target, None, assignment)
    if isinstance(parent, cst.AsName):
        item = ctx.parent(parent)
        if isinstance(item, cst.WithItem):
            return Binding("with", name.value, target, item.item, assignment)
    return None


def binding_of_target(ctx: ModuleContext, target: cst.Name) -> Binding | None:
    """Like :func:`binding`, for the ``Name`` that is being assigned (an assignment's target)."""
    found = binding(ctx, target)
    if found is None or found.target is not target:
        return None
    return found


def same_function(ctx: ModuleContext, a: cst.CSTNode, b: cst.CSTNode) -> bool:
    return enclosing_function(ctx, a) is enclosing_function(ctx, b)


def is_store(ctx: ModuleContext, node: cst.CSTNode) -> bool:
    """Whether ``node`` is written to or deleted (an assignment target), not read."""
    parent = ctx.parent(node)
    if isinstance(parent, cst.AssignTarget):
        return True
    if isinstance(parent, (cst.AugAssign, cst.AnnAssign)) and parent.target is node:
        return True
    if isinstance(parent, cst.Del):
        return True
    return False


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else ``None``."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def imported_module(ctx: ModuleContext, name: cst.Name) -> str | None:
    """The module a name stands for when it was bound by ``import x`` / ``import x as y``."""
    found = binding(ctx, name)
    if found is None or found.kind != "import" or not isinstance(found.target, cst.Import):
        return None
    for alias in found.target.names:
        bound = alias.asname.name if alias.asname else alias.name
        if isinstance(bound, cst.Name) and bound.value == name.value:
            return dotted_name(alias.name)
    return None
