"""Find the URLs of retired endpoints, rewrite them to Flex where that is proven, report the rest.

One pass collects every string token of the module; each is widened to the whole expression that
builds its string (an f-string, a ``+`` chain, a ``%``/``.format`` template, a ``"/".join`` list, an
``urljoin`` call, a constant's name).  That expression is reduced to a skeleton (``codemods.url.
skeleton``), matched against the catalog's retired path templates (``codemods.url.match``), and turned
into a finding whose edits replace only the literal segments that change.  Module constants that hold
part of a retired URL are rewritten once, and only when every use of them is a URL being rewritten.

Every match also becomes an :class:`~codemods.engine.EndpointCall` in ``ctx.endpoint_calls`` so the
rules that follow (version headers, response fields, bodies) know which calls moved to Flex.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import libcst as cst
from libcst.metadata import Assignment, ParentNodeProvider

from codemods.engine import EndpointCall, ModuleContext
from codemods.url.match import MANUAL_PROBLEMS, Match, PlannedEdit, Problem, best_match, hole_strings, plan_edits
from codemods.url.names import Names
from codemods.url.skeleton import Hole, Reducer, Skeleton
from codemods.url.templates import Template, templates_for
from flexmigrate.report.findings import Edit, Finding, FixKind

__all__ = ["RULES", "find_endpoint_calls"]

RULES: dict[str, str] = {
    "FM101": "retired endpoint URL rewritten to its Flex replacement",
    "FM102": "retired /api/atlas/v1.0 endpoint URL rewritten to the v2 Flex replacement (version segment too)",
    "FM103": "constant (or local assigned once) holding part of retired URLs rewritten: every use is one of them",
    "FM104": "relative path joined to a base URL that cannot be seen: rewrite offered as unsafe",
    "FM105": "the groups/{id} part of the URL is in a value that cannot be seen: rewrite offered as unsafe",
    "FM106": "a run-time value follows the last path segment directly: rewrite offered as unsafe",
    "FM110": "a segment of a retired URL is chosen at run time: manual",
    "FM111": "text that must change is split by a run-time value or lives in a value that cannot be seen: manual",
    "FM112": "the URL's segment list is extended by later statements: manual",
    "FM113": "fallback to a retired URL after a Flex attempt (dead after migration, delete it): manual",
    "FM114": "text that must change cannot be edited in place (escapes, repeated or split text): manual",
    "FM115": "text that must change lives in a constant (or local assigned once) that has other uses: manual",
}

# The order in which manual reasons are reported when several apply: the most structural first.
_MANUAL_ORDER = (Problem.APPENDED_LATER, Problem.RUNTIME_SEGMENT, Problem.HALF_VISIBLE, Problem.NOT_EDITABLE)
_UNSAFE_ORDER = (Problem.RELATIVE_JOIN, Problem.UNSEEN_GROUPS, Problem.RUNTIME_SUFFIX)


@dataclass
class _Candidate:
    """One URL expression that matched a retired template, and what is decided about it."""

    node: cst.CSTNode
    match: Match
    planned: list[PlannedEdit] = field(default_factory=list)
    rule: str = "FM101"
    fix: FixKind = FixKind.SAFE
    reason: str = ""
    defines: str | None = None  # the constant whose definition this expression is

    @property
    def template(self) -> Template:
        return self.match.template

    def make_manual(self, rule: str, reason: str) -> None:
        self.rule, self.fix, self.reason, self.planned = rule, FixKind.MANUAL, reason, []

    def constant_edits(self, name: str) -> frozenset[Edit]:
        return frozenset(p.edit for p in self.planned if p.constant == name)

    @property
    def own_edits(self) -> frozenset[Edit]:
        """Edits in this expression's own text (not inside a constant it reads)."""
        return frozenset(p.edit for p in self.planned if p.constant is None)


# Constant values that can build a string (others, like ``log = getLogger()``, are not looked at).
_STRINGISH = (
    cst.SimpleString,
    cst.FormattedString,
    cst.ConcatenatedString,
    cst.BinaryOperation,
    cst.Call,
    cst.Name,
)

# Where a string sits inside a larger string-building expression, by the parent's type.
_CALL_ATTRS = frozenset({"format", "join", "urljoin"})


class _StringTokens(cst.CSTVisitor):
    """Collects string tokens (and, if asked, names) in one pass."""

    def __init__(self, names: bool) -> None:
        super().__init__()
        self.found: list[cst.CSTNode] = []
        self.names = names

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.found.append(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.found.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        if self.names:
            self.found.append(node)


def _string_tokens(node: cst.CSTNode, *, names: bool = False) -> list[cst.CSTNode]:
    visitor = _StringTokens(names)
    node.visit(visitor)
    return visitor.found


class _Engine:
    def __init__(self, ctx: ModuleContext) -> None:
        self.ctx = ctx
        self.templates = templates_for(ctx.catalog)
        self.names = Names(ctx.wrapper)
        self.reducer = Reducer(ctx.span, self.names.resolve, ctx.source)
        self.parent = ctx.parent

    # -- collecting ---------------------------------------------------------------------------------
    def _tokens(self) -> list[cst.CSTNode]:
        # The parent map already lists every node once; reading it is far cheaper than a visitor.
        found: list[cst.CSTNode] = [
            n for n in self.ctx.wrapper.resolve(ParentNodeProvider) if isinstance(n, (cst.SimpleString, cst.FormattedString))
        ]
        for name, const in self.names.constants.items():
            if isinstance(const.value, _STRINGISH):
                found.extend(self.names.references(name))
        return found

    def climb(self, node: cst.CSTNode) -> cst.CSTNode:
        """The whole expression that builds the string ``node`` is part of."""
        cur = node
        while True:
            p = self.parent(cur)
            if isinstance(p, cst.ConcatenatedString):
                cur = p
            elif isinstance(p, cst.BinaryOperation) and isinstance(p.operator, cst.Add):
                cur = p
            elif isinstance(p, cst.BinaryOperation) and isinstance(p.operator, cst.Modulo):
                cur = p
            elif isinstance(p, cst.FormattedStringExpression) and p.expression is cur:
                if p.conversion is not None or p.format_spec is not None:
                    return cur
                cur = self.parent(p)
            elif isinstance(p, cst.Attribute) and p.value is cur and p.attr.value in _CALL_ATTRS:
                call = self.parent(p)
                if not isinstance(call, cst.Call) or call.func is not p:
                    return cur
                cur = call
            elif isinstance(p, cst.Arg) and not p.star:
                call = self.parent(p)
                if not isinstance(call, cst.Call) or not self._string_call(call):
                    return cur
                cur = call
            elif isinstance(p, (cst.Element, cst.DictElement)) and p.value is cur:
                display = self.parent(p)
                outer = self.parent(display) if display is not None else None
                if isinstance(outer, cst.BinaryOperation) and isinstance(outer.operator, cst.Modulo):
                    cur = outer
                elif isinstance(outer, cst.Arg) and isinstance(display, (cst.List, cst.Tuple)):
                    call = self.parent(outer)
                    if not isinstance(call, cst.Call) or not self._string_call(call):
                        return cur
                    cur = call
                else:
                    return cur
            else:
                return cur

    @staticmethod
    def _string_call(call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute):
            return func.attr.value in _CALL_ATTRS
        return isinstance(func, cst.Name) and func.value == "urljoin"

    def _definition_of(self, node: cst.CSTNode) -> str | None:
        """The key of the constant (or local assigned once) whose value ``node`` is, if any."""
        return self.names.definition_key(node)

    def expressions(self) -> list[tuple[cst.CSTNode, list[cst.CSTNode]]]:
        """Each widened string expression once, with the tokens that led to it."""
        groups: dict[int, tuple[cst.CSTNode, list[cst.CSTNode]]] = {}
        for token in self._tokens():
            top = self.climb(token)
            if isinstance(self.parent(top), cst.Expr):
                continue  # a docstring or a bare string statement is prose, never a URL to rewrite
            groups.setdefault(id(top), (top, []))[1].append(token)
        return list(groups.values())

    # -- matching -----------------------------------------------------------------------------------
    def candidates(self) -> list[_Candidate]:
        out: list[_Candidate] = []
        for top, tokens in self.expressions():
            sk = self.reducer.reduce(top)  # type: ignore[arg-type]
            if sk is not None:
                self._consider(top, sk, out)
                continue
            # The widened expression is not string building after all (``count % "..."``, a
            # ``.format`` on an unknown receiver): each string in it stands alone.
            for token in tokens:
                if token is not top and (tsk := self.reducer.reduce(token)) is not None:  # type: ignore[arg-type]
                    self._consider(token, tsk, out)
        out.sort(key=lambda c: self.ctx.span(c.node))
        return out

    def _consider(self, node: cst.CSTNode, sk: Skeleton, out: list[_Candidate]) -> None:
        if sk.has_literal:
            matches = best_match(sk, self.templates, self.hole_text)
            if matches:
                cand = _Candidate(node, self._prefer_method(node, matches), defines=self._definition_of(node))
                self._judge(cand)
                out.append(cand)

    def _prefer_method(self, node: cst.CSTNode, matches: list[Match]) -> Match:
        """Among equally good matches, the one whose HTTP method is the sending call's."""
        best = [m for m in matches if m.rank()[0] == matches[0].rank()[0]]
        method = _http_method(self.call_of(node)) if len(best) > 1 else None
        return next((m for m in best if m.template.endpoint.old.method == method), matches[0])

    def hole_text(self, sk: Skeleton) -> str:
        """The strings a skeleton's holes are built from, looking through local names assigned once."""
        extra: list[str] = [hole_strings(sk)]
        for hole in sk.holes():
            if isinstance(hole.node, cst.Name):
                value = self.names.local_value(hole.node)
                if value is not None:
                    extra.append(hole_strings(Skeleton((Hole(value),))))
        return "\n".join(extra)

    def _judge(self, cand: _Candidate) -> None:
        m = cand.match
        manual = [p for p in _MANUAL_ORDER if p in m.problems]
        if manual:
            cand.make_manual(manual[0].value, m.problems[manual[0]])
            return
        planned, why = plan_edits(m)
        if why is not None:
            cand.make_manual(Problem.NOT_EDITABLE.value, why)
            return
        cand.planned = planned
        unsafe = [p for p in _UNSAFE_ORDER if p in m.problems]
        if unsafe:
            cand.rule, cand.fix, cand.reason = unsafe[0].value, FixKind.UNSAFE, m.problems[unsafe[0]]
        else:
            cand.rule = "FM102" if m.template.legacy_v1 else "FM101"

    # -- constants ----------------------------------------------------------------------------------
    def settle_constants(self, cands: list[_Candidate]) -> None:
        """Allow an edit inside a constant only if every use of the constant is rewritten the same way."""
        by_top: dict[int, _Candidate] = {id(c.node): c for c in cands}
        changed = True
        while changed:
            changed = False
            touched: dict[str, list[_Candidate]] = {}
            for c in cands:
                for p in c.planned:
                    if p.constant is not None and c not in touched.setdefault(p.constant, []):
                        touched[p.constant].append(c)
            for name, users in touched.items():
                edits = {c.constant_edits(name) for c in users}
                definition = next((c for c in cands if c.defines == name and c.fix is not FixKind.MANUAL), None)
                if len(edits) == 1 and definition is not None and next(iter(edits)) <= definition.own_edits:
                    continue  # the value is a retired URL by itself: its rewrite is right for every use
                if len(edits) > 1:
                    reason = f"{name} would need different rewrites for different URLs"
                else:
                    reason = self._uses_not_rewritten(name, next(iter(edits)), by_top, set())
                if reason is not None:
                    for c in users:
                        c.make_manual("FM115", reason)
                    changed = True
            for c in cands:
                if c.defines is None or c.fix is FixKind.MANUAL:
                    continue
                reason = self._extended_badly(c, by_top)
                if reason is not None:
                    c.make_manual("FM115", reason)
                    changed = True

    def _extended_badly(self, definition: _Candidate, by_top: dict[int, _Candidate]) -> str | None:
        """Why rewriting a URL held in a constant would break a longer URL built from it, if it would."""
        assert definition.defines is not None
        for ref in self.names.references(definition.defines):
            user = by_top.get(id(self.climb(ref)))
            if user is None or user is definition:
                continue
            if user.fix is FixKind.MANUAL or not user.constant_edits(definition.defines) <= definition.own_edits:
                line, _ = self.ctx.line_col(self.ctx.span(ref)[0])
                return f"{definition.defines} is extended on line {line} into a URL that cannot be rewritten the same way"
        return None

    def _uses_not_rewritten(
        self,
        name: str,
        edits: frozenset[Edit],
        by_top: dict[int, _Candidate],
        active: set[str],
        via: str | None = None,
    ) -> str | None:
        """Why changing constant ``name`` would change something other than the URLs being rewritten.

        ``None`` when every read of ``name`` is part of a URL that receives exactly ``edits``; a read
        inside another constant's definition (``via`` that constant) is fine when every read of that
        constant is, in turn.
        """
        subject = via or name
        if subject in active:
            return None
        active.add(subject)
        for ref in self.names.references(subject):
            top = self.climb(ref)
            cand = by_top.get(id(top))
            if cand is not None and cand.fix is not FixKind.MANUAL and cand.constant_edits(name) == edits:
                continue
            outer = self._definition_of(top)
            if outer is not None and (cand is None or cand.fix is not FixKind.MANUAL):
                why = self._uses_not_rewritten(name, edits, by_top, active, via=outer)
                if why is None:
                    continue
                return why
            line, _ = self.ctx.line_col(self.ctx.span(ref)[0])
            return f"{name} is also used on line {line}, which is not a URL being rewritten"
        return None

    # -- fallbacks ----------------------------------------------------------------------------------
    def mark_fallbacks(self, cands: list[_Candidate]) -> None:
        """A retired URL in an ``except``/``else`` branch of a ``try`` that already calls Flex is dead."""
        flex = self._flex_templates()
        for c in cands:
            try_node = self._enclosing_fallback(c.node)
            if try_node is None:
                continue
            if self._calls_flex(try_node.body, flex):
                c.make_manual(
                    "FM113",
                    "fallback to the retired path after a Flex attempt; it is dead after the migration, delete it",
                )

    def _flex_templates(self) -> tuple[Template, ...]:
        out = []
        for t in self.templates:
            if not t.legacy_v1:
                segs = t.endpoint.new.segments()
                out.append(Template(t.endpoint, segs, (), t.prefix_len))
        return tuple(out)

    def _enclosing_fallback(self, node: cst.CSTNode) -> cst.Try | None:
        cur: cst.CSTNode | None = node
        while cur is not None:
            p = self.parent(cur)
            if isinstance(p, (cst.ExceptHandler, cst.ExceptStarHandler)):
                t = self.parent(p)
                return t if isinstance(t, (cst.Try, cst.TryStar)) else None  # type: ignore[return-value]
            if isinstance(p, cst.Else):
                t = self.parent(p)
                if isinstance(t, (cst.Try, cst.TryStar)):
                    return t  # type: ignore[return-value]
            if isinstance(p, (cst.FunctionDef, cst.ClassDef, cst.Module)):
                return None
            cur = p
        return None

    def _calls_flex(self, body: cst.CSTNode, flex: tuple[Template, ...]) -> bool:
        for tok in _string_tokens(body, names=True):
            sk = self.reducer.reduce(self.climb(tok))  # type: ignore[arg-type]
            if sk is not None and sk.has_literal:
                if any(not (m.problems.keys() & MANUAL_PROBLEMS) for m in best_match(sk, flex)):
                    return True
        return False

    # -- the call that sends the request --------------------------------------------------------
    def call_of(self, node: cst.CSTNode) -> cst.Call | None:
        p = self.parent(node)
        if isinstance(p, cst.Arg):
            call = self.parent(p)
            return call if isinstance(call, cst.Call) else None
        if isinstance(p, (cst.Assign, cst.AnnAssign)) and self._definition_of(node) not in self.names.constants:
            target = p.targets[0].target if isinstance(p, cst.Assign) and len(p.targets) == 1 else getattr(p, "target", None)
            if isinstance(target, cst.Name):
                scope = self.ctx.scope(target)
                if scope is None:
                    return None
                for binding in scope.assignments[target.value]:
                    if isinstance(binding, Assignment) and binding.node is target:
                        for access in sorted(binding.references, key=lambda a: self.ctx.span(a.node)):
                            arg = self.parent(access.node)
                            if isinstance(arg, cst.Arg) and isinstance(self.parent(arg), cst.Call):
                                return self.parent(arg)  # type: ignore[return-value]
        return None

    # -- findings -----------------------------------------------------------------------------------
    def findings(self, cands: list[_Candidate]) -> list[Finding]:
        out: list[Finding] = []
        emitted: dict[Edit, Finding] = {}
        const_nodes = {name: nv.value for name, nv in self.names.values.items()}
        # Edits inside a constant are reported once, at the constant's definition.
        const_groups: dict[str, list[_Candidate]] = {}
        for c in cands:
            for p in c.planned:
                if p.constant is not None and c not in const_groups.setdefault(p.constant, []):
                    const_groups[p.constant].append(c)
        const_finding: dict[str, Finding] = {}
        for name, users in const_groups.items():
            if any(c.defines == name and c.fix is not FixKind.MANUAL for c in cands):
                continue  # the definition is itself a retired URL: its own finding carries the edits
            edits = sorted(users[0].constant_edits(name))
            fix = FixKind.UNSAFE if any(c.fix is FixKind.UNSAFE for c in users) else FixKind.SAFE
            endpoints = list({c.template.endpoint.key: c.template.endpoint for c in users}.values())
            ops = ", ".join(ep.old.operation_id for ep in endpoints)
            f = self.ctx.finding(
                const_nodes[name],
                "FM103",
                f"{name} is part of {len(users)} retired URL(s) ({ops}); rewritten for Flex",
                fix,
                endpoints[0] if len(endpoints) == 1 else None,
                edits,
            )
            const_finding[name] = f
            out.append(f)
            for e in edits:
                emitted[e] = f
        # Definitions first, so a constant that is a whole URL carries its own edits.
        for c in sorted(cands, key=lambda c: c.defines is None):
            ep = c.template.endpoint
            if c.fix is FixKind.MANUAL:
                f = self.ctx.finding(c.node, c.rule, f"{ep.old.operation_id} cannot be rewritten automatically: {c.reason}", FixKind.MANUAL, ep)
                out.append(f)
                self._record(c, f, rewritten=False)
                continue
            own = [p.edit for p in c.planned if p.edit not in emitted]
            if not own:
                holder = next((emitted[p.edit] for p in c.planned if p.edit in emitted), None)
                self._record(c, holder, rewritten=True)
                continue
            if c.fix is FixKind.UNSAFE:
                msg = f"{ep.old.operation_id} URL rewritten to {ep.new.operation_id}, unproven: {c.reason}"
            elif c.rule == "FM102":
                msg = f"{ep.old.operation_id} (v1.0) URL rewritten to v2 {ep.new.operation_id}; retired {ep.old.sunset}"
            else:
                msg = f"{ep.old.operation_id} URL rewritten to {ep.new.operation_id}; retired {ep.old.sunset}"
            f = self.ctx.finding(c.node, c.rule, msg, c.fix, ep, sorted(own))
            for e in own:
                emitted[e] = f
            out.append(f)
            self._record(c, f, rewritten=True)
        known = len(self.ctx.endpoint_calls) - len(cands)
        self.ctx.endpoint_calls[known:] = sorted(
            self.ctx.endpoint_calls[known:], key=lambda call: self.ctx.span(call.url_node)
        )
        return sorted(out, key=Finding.sort_key)

    def _record(self, c: _Candidate, finding: Finding | None, *, rewritten: bool) -> None:
        self.ctx.endpoint_calls.append(
            EndpointCall(
                endpoint=c.template.endpoint,
                url_node=c.node,
                call=self.call_of(c.node),
                legacy_v1=c.template.legacy_v1,
                rewritten=rewritten,
                fix=c.fix,
                url_finding=finding,
            )
        )

    def run(self) -> list[Finding]:
        if not self._may_contain_retired_path():
            return []
        cands = self.candidates()
        if not cands:
            return []
        self.mark_fallbacks(cands)
        self.settle_constants(cands)
        return self.findings(cands)

    def _may_contain_retired_path(self) -> bool:
        """Cheap text test: every match needs the text of some changed old segment somewhere."""
        words = {seg for t in self.templates for ch in t.changes for seg in ch.old}
        return any(w in self.ctx.source for w in words)


_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})


def _http_method(call: cst.Call | None) -> str | None:
    """``session.post(url)`` -> ``POST``; ``session.request("GET", url)`` -> ``GET``; else ``None``."""
    if call is None or not isinstance(call.func, cst.Attribute):
        return None
    verb = call.func.attr.value.lower()
    if verb in _VERBS:
        return verb.upper()
    if verb == "request" and call.args and isinstance(call.args[0].value, cst.SimpleString):
        return str(call.args[0].value.evaluated_value).upper()
    return None


def find_endpoint_calls(ctx: ModuleContext) -> Iterable[Finding]:
    """Findings for every retired-endpoint URL in the module; fills ``ctx.endpoint_calls``."""
    return _Engine(ctx).run()
