"""Fallback code: Flex is tried first and the retired path is used when that fails.

Two shapes are recognised: a ``try`` that calls Flex with the retired path in an ``except``/``else``
branch, and a Flex call followed (in the same block) by an ``if`` on the response's status or error
whose branch calls the retired path.  After the migration that branch is dead (the retired endpoint
answers nothing useful any more), so rewriting its URL to Flex would only hide duplicate code; a
human should delete it.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from flexmigrate.codemods.url.match import MANUAL_PROBLEMS, best_match
from flexmigrate.codemods.url.reduce import Reducer
from flexmigrate.codemods.url.templates import Template, align

__all__ = ["flex_templates", "flex_under_v1_templates", "enclosing_try", "attempts_before", "FlexFinder"]

# Words in an ``if`` test that say "the call before did not work" (``resp.status_code == 404``,
# ``not resp.ok``, ``if error:``).
_FAILURE_WORDS = ("status", ".ok", "404", "error", "Error")

Parent = Callable[[cst.CSTNode], "cst.CSTNode | None"]
Widen = Callable[[cst.CSTNode], cst.CSTNode]


def flex_templates(templates: tuple[Template, ...]) -> tuple[Template, ...]:
    """Templates of the replacement paths (nothing to change: they only recognise Flex URLs)."""
    return tuple(
        Template(t.endpoint, t.endpoint.new.segments(), (), t.prefix_len)
        for t in templates
        if not t.legacy_v1
    )


def flex_under_v1_templates(templates: tuple[Template, ...]) -> tuple[Template, ...]:
    """Flex paths under the v1.0 prefix (``/api/atlas/v1.0/groups/{g}/flexClusters/...``), which no
    server answers: their change is the prefix's, to the v2 one (built from the legacy templates)."""
    out = []
    for legacy in (t for t in templates if t.legacy_v1):
        v1_prefix = legacy.segments[: legacy.prefix_len]
        modern = next(t for t in templates if t.endpoint is legacy.endpoint and not t.legacy_v1)
        v2_prefix = modern.segments[: modern.prefix_len]
        rest = legacy.endpoint.new.segments()[modern.prefix_len :]
        out.append(
            Template(legacy.endpoint, v1_prefix + rest, align(v1_prefix, v2_prefix), len(v1_prefix), True)
        )
    return tuple(out)


def enclosing_try(node: cst.CSTNode, parent: Parent) -> cst.Try | cst.TryStar | None:
    """The ``try`` whose ``except`` or ``else`` branch holds ``node`` (within one function)."""
    cur: cst.CSTNode | None = node
    while cur is not None:
        p = parent(cur)
        if isinstance(p, (cst.ExceptHandler, cst.ExceptStarHandler, cst.Else)):
            t = parent(p)
            if isinstance(t, (cst.Try, cst.TryStar)):
                return t
        if p is None or isinstance(p, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return None
        cur = p
    return None


def attempts_before(
    node: cst.CSTNode, parent: Parent, code_of: Callable[[cst.CSTNode], str]
) -> list[cst.CSTNode]:
    """The code that ran first when ``node`` is the fallback branch: a ``try`` body, or the
    statements before an ``if`` that tests for a failure (empty when ``node`` is in neither)."""
    found: list[cst.CSTNode] = []
    try_node = enclosing_try(node, parent)
    if try_node is not None:
        found.append(try_node.body)
    cur: cst.CSTNode | None = node
    while cur is not None:
        p = parent(cur)
        if p is None or isinstance(p, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            break
        if isinstance(p, cst.If) and cur is not p.test and any(w in code_of(p.test) for w in _FAILURE_WORDS):
            block = parent(p)
            body = getattr(block, "body", None)
            if isinstance(body, (list, tuple)) and p in body:
                found.extend(body[: body.index(p)])
        cur = p
    return found


class _Tokens(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.CSTNode] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.found.append(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.found.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node)  # a constant holding a Flex URL


class FlexFinder:
    """Does a block of code build a Flex URL?  (Answers are cached per ``try``.)"""

    def __init__(self, templates: tuple[Template, ...], reducer: Reducer, widen: Widen) -> None:
        self.flex = flex_templates(templates)
        self.reducer = reducer
        self.widen = widen
        self._seen: dict[int, bool] = {}

    def calls_flex(self, nodes: list[cst.CSTNode]) -> bool:
        """Does any of ``nodes`` build a Flex URL?"""
        for node in nodes:
            if id(node) not in self._seen:
                self._seen[id(node)] = self._search(node)
            if self._seen[id(node)]:
                return True
        return False

    def _search(self, body: cst.CSTNode) -> bool:
        tokens = _Tokens()
        body.visit(tokens)
        for tok in tokens.found:
            sk = self.reducer.reduce(self.widen(tok))  # type: ignore[arg-type]
            if sk is not None and sk.has_literal:
                if any(not (m.problems.keys() & MANUAL_PROBLEMS) for m in best_match(sk, self.flex)):
                    return True
        return False
