"""What a bare name in a URL expression stands for: a constant, a local segment list, or nothing.

Only names that can be read without running the code are looked through: a module-level constant
(``NAME = <expr>`` at module level, and no other binding of ``NAME`` in the module), a local name
assigned exactly once in its function (``cluster_url = f"..."``), and a local list that a
``"/".join`` call joins (assigned once from a list display; later ``append``/``extend``/``insert``
calls are collected so the matcher can say the list is built over several statements).

Each such value has a *key*: the constant's name, or ``name (line N)`` for a local, which is how
edits inside its definition are grouped and how a human is told where to look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment, GlobalScope, PositionProvider, ScopeProvider

from flexmigrate.codemods.url.skeleton import ListValue, NameValue

__all__ = ["Names"]


def _items(value: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The elements a list/tuple display adds, or the value itself as one unknown item."""
    if isinstance(value, (cst.List, cst.Tuple)):
        return [e.value for e in value.elements if isinstance(e, cst.Element)]
    return [value]


_MUTATORS = frozenset({"append", "extend", "insert"})


@dataclass
class Names:
    """Name resolution for one module (built once, answers in constant time per name)."""

    wrapper: cst.MetadataWrapper
    parents: dict[cst.CSTNode, cst.CSTNode]  # child -> parent (``ModuleContext.parents``)
    constants: dict[str, NameValue] = field(default_factory=dict)  # module level, by name
    values: dict[str, NameValue] = field(default_factory=dict)  # constants and locals seen, by key
    exported: frozenset[str] = frozenset()  # the names listed in the module's ``__all__``
    _assignment: dict[str, Assignment] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._scopes = self.wrapper.resolve(ScopeProvider)
        self._parents = self.parents
        self._positions = self.wrapper.resolve(PositionProvider)
        module = self.wrapper.module
        global_scope = self._scopes.get(module)
        if not isinstance(global_scope, GlobalScope):  # pragma: no cover - libcst always gives one
            return
        for stmt in module.body:
            if isinstance(stmt, cst.FunctionDef):
                self._function_constant(stmt, global_scope)
                continue
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            small = stmt.body[0]
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if not isinstance(target, cst.Name):
                continue
            bindings = list(global_scope.assignments[target.value])
            if target.value == "__all__" and isinstance(value, (cst.List, cst.Tuple)):
                self.exported = frozenset(
                    str(e.value.evaluated_value)
                    for e in value.elements
                    if isinstance(e, cst.Element) and isinstance(e.value, cst.SimpleString)
                )
            if len(bindings) == 1 and isinstance(bindings[0], Assignment) and bindings[0].node is target:
                self.constants[target.value] = NameValue(target.value, value)
                self.values[target.value] = self.constants[target.value]
                self._assignment[target.value] = bindings[0]

    def _function_constant(self, fn: cst.FunctionDef, global_scope: GlobalScope) -> None:
        """``def restores_path(): return "%s/groups/..."``: a function of no parameters whose body is
        one ``return`` (after a docstring) is read like a module constant holding that value, so
        ``restores_path() % (base, g, c)`` is a URL built from it."""
        params = fn.params
        if params.params or params.posonly_params or params.kwonly_params or params.star_kwarg is not None:
            return
        if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
            return
        if fn.decorators or not isinstance(fn.body, cst.IndentedBlock):
            return
        body = list(fn.body.body)
        if body and _is_docstring(body[0]):
            body = body[1:]
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
            return
        ret = body[0].body[0]
        if not isinstance(ret, cst.Return) or ret.value is None:
            return
        bindings = list(global_scope.assignments[fn.name.value])
        if len(bindings) == 1 and isinstance(bindings[0], Assignment) and bindings[0].node is fn:
            self.constants[fn.name.value] = NameValue(fn.name.value, ret.value)
            self.values[fn.name.value] = self.constants[fn.name.value]
            self._assignment[fn.name.value] = bindings[0]

    # -- constants --------------------------------------------------------------------------------
    def constant_of(self, node: cst.Name) -> NameValue | None:
        """The module constant ``node`` reads, if it is one."""
        const = self.constants.get(node.value)
        if const is None:
            return None
        scope = self._scopes.get(node)
        if scope is None:
            return None
        bindings = scope[node.value]
        if len(bindings) == 1 and next(iter(bindings)) is self._assignment[node.value]:
            return const
        return None

    def references(self, name: str) -> list[cst.Name]:
        """Every place the module reads the constant or local with key ``name``."""
        assignment = self._assignment.get(name)
        if assignment is None:
            return []
        return [acc.node for acc in assignment.references if isinstance(acc.node, cst.Name)]

    def local_of(self, node: cst.Name) -> NameValue | None:
        """The local name ``node`` reads, when it is assigned exactly once in its function."""
        assign = self._single_local_assign(node)
        if assign is None or len(assign.targets) != 1 or isinstance(assign.value, (cst.List, cst.Tuple)):
            return None
        target = assign.targets[0].target
        assert isinstance(target, cst.Name)
        key = f"{target.value} (line {self._positions[target].start.line})"
        if key not in self.values:
            self.values[key] = NameValue(key, assign.value)
            self._assignment[key] = next(iter(self._scopes[node][node.value]))  # type: ignore[assignment]
        return self.values[key]

    def definition_key(self, value: cst.CSTNode) -> str | None:
        """The key of the constant or local whose assigned value ``value`` is, if any."""
        parent = self._parents.get(value)
        if isinstance(parent, cst.Return):
            fn = self._parents.get(self._parents.get(self._parents.get(parent)))  # line, block, def
            fn = fn if isinstance(fn, cst.FunctionDef) else self._parents.get(fn)
            const = self.constants.get(fn.name.value) if isinstance(fn, cst.FunctionDef) else None
            return const.name if const is not None and const.value is value else None
        if isinstance(parent, cst.Assign) and parent.value is value and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.AnnAssign) and parent.value is value:
            target = parent.target
        else:
            return None
        if not isinstance(target, cst.Name):
            return None
        const = self.constants.get(target.value)
        if const is not None and const.value is value:
            return target.value
        local = self.local_of(target) if isinstance(parent, cst.Assign) else None
        return local.name if local is not None and local.value is value else None

    # -- local values -------------------------------------------------------------------------------
    def local_value(self, node: cst.Name) -> cst.BaseExpression | None:
        """The expression a local name is assigned, when it is assigned exactly once (``x = <expr>``)."""
        assign = self._single_local_assign(node)
        return assign.value if assign is not None else None

    def _single_local_assign(self, node: cst.Name) -> cst.Assign | None:
        scope = self._scopes.get(node)
        if scope is None or isinstance(scope, GlobalScope):
            return None
        bindings = scope[node.value]
        if len(bindings) != 1:
            return None
        binding = next(iter(bindings))
        if not isinstance(binding, Assignment) or binding.scope is not scope:
            return None
        target_parent = self._parents.get(binding.node)
        assign = self._parents.get(target_parent) if isinstance(target_parent, cst.AssignTarget) else None
        return assign if isinstance(assign, cst.Assign) else None

    # -- local segment lists ----------------------------------------------------------------------
    def list_of(self, node: cst.Name) -> ListValue | None:
        """The list a name holds: assigned once from a list display (in its function, or at module
        level), maybe extended later.

        Later ``append``/``extend``/``insert`` calls and ``+=`` statements are collected, in source
        order, as appended elements (the matcher reports such a URL instead of rewriting it).
        """
        scope = self._scopes.get(node)
        if scope is None:
            return None
        displays: list[cst.Assign] = []
        augmented: list[cst.AugAssign] = []
        bindings = list(scope[node.value])
        homes = {getattr(b, "scope", None) for b in bindings}
        if len(homes) != 1:
            return None
        home = homes.pop()
        if home is not scope and not isinstance(home, GlobalScope):
            return None  # a closure over another function's list: not followed
        for binding in bindings:
            if not isinstance(binding, Assignment):
                return None
            parent = self._parents.get(binding.node)
            if isinstance(parent, cst.AssignTarget) and isinstance(
                assign := self._parents.get(parent), cst.Assign
            ):
                displays.append(assign)
            elif isinstance(parent, cst.AugAssign) and parent.target is binding.node:
                augmented.append(parent)
            else:
                return None
        if len(displays) != 1 or not isinstance(displays[0].value, (cst.List, cst.Tuple)):
            return None
        target = displays[0].targets[0].target if len(displays[0].targets) == 1 else None
        if not isinstance(target, cst.Name):
            return None
        key = target.value if isinstance(home, GlobalScope) else f"{target.value} (line {self._line(target)})"
        if key not in self.values:
            self.values[key] = NameValue(key, displays[0].value)
            self._assignment[key] = next(b for b in bindings if b.node is target)  # type: ignore[assignment]
        elements = tuple(e.value for e in displays[0].value.elements if isinstance(e, cst.Element))
        later: list[tuple[int, list[cst.BaseExpression]]] = [
            (self._line(a), _items(a.value)) for a in augmented
        ]
        seen: set[int] = set()
        for binding in bindings:
            for access in binding.references:  # type: ignore[union-attr]
                if id(access.node) in seen:
                    continue
                seen.add(id(access.node))
                parent = self._parents.get(access.node)
                call = self._parents.get(parent) if isinstance(parent, cst.Attribute) else None
                if isinstance(call, cst.Call) and parent.attr.value in _MUTATORS:  # type: ignore[union-attr]
                    args = [a.value for a in call.args]
                    verb = parent.attr.value  # type: ignore[union-attr]
                    if verb == "insert":
                        args = args[1:]
                    items = [x for arg in args for x in (_items(arg) if verb == "extend" else [arg])]
                    later.append((self._line(call), items))
        later.sort(key=lambda entry: entry[0])
        return ListValue(key, elements, tuple(x for _, items in later for x in items))

    def _line(self, node: cst.CSTNode) -> int:
        return self._positions[node].start.line

    def resolve(self, node: cst.Name) -> NameValue | ListValue | None:
        """What ``node`` stands for; a list display (constant or local) is a :class:`ListValue`."""
        const = self.constant_of(node)
        if const is not None and not isinstance(const.value, (cst.List, cst.Tuple)):
            return const
        return self.local_of(node) or self.list_of(node)


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
