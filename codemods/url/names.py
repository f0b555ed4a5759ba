"""What a bare name in a URL expression stands for: a module constant, a local segment list, or nothing.

Only two kinds of name are looked through, because only they can be read without running the code:
a module-level constant (``NAME = <expr>`` at module level, and no other binding of ``NAME`` in the
module) and a local list that a ``"/".join`` call joins (assigned once from a list display; later
``append``/``extend``/``insert`` calls are collected so the matcher can say the list is built over
several statements).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment, GlobalScope, ParentNodeProvider, ScopeProvider

from codemods.url.skeleton import ListValue, NameValue

__all__ = ["Names"]

_MUTATORS = frozenset({"append", "extend", "insert"})


@dataclass
class Names:
    """Name resolution for one module (built once, answers in constant time per name)."""

    wrapper: cst.MetadataWrapper
    constants: dict[str, NameValue] = field(default_factory=dict)
    _assignment: dict[str, Assignment] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._scopes = self.wrapper.resolve(ScopeProvider)
        self._parents = self.wrapper.resolve(ParentNodeProvider)
        module = self.wrapper.module
        global_scope = self._scopes.get(module)
        if not isinstance(global_scope, GlobalScope):  # pragma: no cover - libcst always gives one
            return
        for stmt in module.body:
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
            if len(bindings) == 1 and isinstance(bindings[0], Assignment) and bindings[0].node is target:
                self.constants[target.value] = NameValue(target.value, value)
                self._assignment[target.value] = bindings[0]

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
        """Every place the module reads the constant ``name``."""
        assignment = self._assignment.get(name)
        if assignment is None:
            return []
        return [acc.node for acc in assignment.references if isinstance(acc.node, cst.Name)]

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
        """The list a local name holds, when it is assigned once from a list display."""
        assign = self._single_local_assign(node)
        if assign is None or not isinstance(assign.value, (cst.List, cst.Tuple)):
            return None
        binding = next(iter(self._scopes[node][node.value]))
        elements = tuple(
            e.value for e in assign.value.elements if isinstance(e, cst.Element)
        )
        appended: list[cst.BaseExpression] = []
        for access in binding.references:
            parent = self._parents.get(access.node)
            if isinstance(parent, cst.Attribute) and parent.attr.value in _MUTATORS:
                call = self._parents.get(parent)
                if isinstance(call, cst.Call):
                    args = [a.value for a in call.args]
                    if parent.attr.value == "insert":
                        args = args[1:]
                    for arg in args:
                        if parent.attr.value == "extend" and isinstance(arg, (cst.List, cst.Tuple)):
                            appended.extend(e.value for e in arg.elements if isinstance(e, cst.Element))
                        else:
                            appended.append(arg)
            elif isinstance(parent, cst.AugAssign) and parent.target is access.node:
                appended.append(parent.value)
        return ListValue(elements, tuple(appended))

    def resolve(self, node: cst.Name) -> NameValue | ListValue | None:
        return self.constant_of(node) or self.list_of(node)
