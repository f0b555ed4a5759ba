"""Find the URLs of retired endpoints, rewrite them to Flex where that is proven, report the rest.

One pass collects every string token of the module (and every read of a string constant); each is
widened to the whole expression that builds its string (an f-string, a ``+`` chain, a ``%`` or
``.format`` template, a ``"/".join`` list, an ``urljoin`` call, a constant's name).  That expression
is reduced to a skeleton -- literal text with holes -- (``flexmigrate.codemods.url.reduce``), matched against
the catalog's retired path templates (``flexmigrate.codemods.url.match``), judged (``flexmigrate.codemods.url.candidate``)
and turned into findings whose edits replace only the literal segments that change.

Text inside a module constant, a local assigned once or a joined local list is rewritten only when
every use of it is a URL rewritten the same way (``flexmigrate.codemods.url.sharing``); URLs that share such an
edit are fixed by one finding, whole or not at all.  A retired URL in the fallback branch of code
that already tried Flex is reported for deletion (``flexmigrate.codemods.url.fallback``).

Every match also becomes an :class:`~flexmigrate.codemods.engine.EndpointCall` in ``ctx.endpoint_calls`` (in
source order) so the rules that follow (version headers, response fields, bodies) know which calls
moved to Flex: ``rewritten`` is false for the manual ones, ``legacy_v1`` marks ``/api/atlas/v1.0``
URLs, ``url_finding`` is the finding that carries the URL's edits.
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst
from libcst.metadata import Assignment

from flexmigrate.codemods.context import EndpointCall, ModuleContext
from flexmigrate.codemods.url.candidate import Candidate, judge
from flexmigrate.codemods.url.fallback import (
    FlexFinder,
    attempts_before,
    flex_templates,
    flex_under_v1_templates,
)
from flexmigrate.codemods.url.match import Match, best_match, hole_strings, plan_edits
from flexmigrate.codemods.url.names import Names
from flexmigrate.codemods.url.sharing import groups, mark_exported, settle
from flexmigrate.codemods.url.reduce import Reducer
from flexmigrate.codemods.url.skeleton import Hole, Skeleton
from flexmigrate.codemods.url.templates import templates_for
from flexmigrate.codemods.url.widen import widen
from flexmigrate.models.findings import Finding, FixKind

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

# Constant values that can build a string (others, like ``log = getLogger()``, are not looked at).
_STRINGISH = (
    cst.SimpleString,
    cst.FormattedString,
    cst.ConcatenatedString,
    cst.BinaryOperation,
    cst.Call,
    cst.Name,
)

_FALLBACK = "fallback to the retired path after a Flex attempt; it is dead after the migration, delete it"


class _Engine:
    """One module's run: collect -> reduce -> match -> judge -> settle constants -> findings."""

    def __init__(self, ctx: ModuleContext) -> None:
        self.ctx = ctx
        self.templates = templates_for(ctx.catalog)
        self.names = Names(ctx.wrapper, ctx.parents)
        self.reducer = Reducer(ctx.span, self.names.resolve, ctx.source)
        self.parent = ctx.parent

    def widen(self, node: cst.CSTNode) -> cst.CSTNode:
        return widen(node, self.parent)

    def line_of(self, node: cst.CSTNode) -> int:
        return self.ctx.line_col(self.ctx.span(node)[0])[0]

    # -- collecting ---------------------------------------------------------------------------------
    def _tokens(self) -> list[cst.CSTNode]:
        found: list[cst.CSTNode] = [
            n for n in self.ctx.nodes if isinstance(n, (cst.SimpleString, cst.FormattedString))
        ]
        for name, const in self.names.constants.items():
            if isinstance(const.value, _STRINGISH):
                found.extend(self.names.references(name))
        return found

    def expressions(self) -> list[tuple[cst.CSTNode, list[cst.CSTNode]]]:
        """Each widened string expression once, with the tokens that led to it."""
        gathered: dict[int, tuple[cst.CSTNode, list[cst.CSTNode]]] = {}
        for token in self._tokens():
            top = self.widen(token)
            if isinstance(self.parent(top), cst.Expr):
                continue  # a docstring or a bare string statement is prose, never a URL to rewrite
            gathered.setdefault(id(top), (top, []))[1].append(token)
        return list(gathered.values())

    # -- matching -----------------------------------------------------------------------------------
    def candidates(self) -> list[Candidate]:
        out: list[Candidate] = []
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

    def _consider(self, node: cst.CSTNode, sk: Skeleton, out: list[Candidate]) -> None:
        if not sk.has_literal:
            return
        matches = best_match(sk, self.templates, self.hole_text)
        if matches:
            chosen = self._prefer_method(node, matches)
            cand = judge(Candidate(node, chosen, defines=self.names.definition_key(node)))
            if cand.manual:
                rivals = {
                    m.template.endpoint.old.operation_id
                    for m in matches
                    if m.rank() == chosen.rank() and m.template.endpoint is not chosen.template.endpoint
                }
                if rivals:
                    cand.reason += f" (it may as well be {', '.join(sorted(rivals))})"
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

    def mark_fallbacks(self, cands: list[Candidate]) -> None:
        """A retired URL in the fallback branch of code that already tried Flex is dead."""
        finder = FlexFinder(self.templates, self.reducer, self.widen)
        for c in cands:
            if finder.calls_flex(attempts_before(c.node, self.parent, self.ctx.module.code_for_node)):
                c.make_manual("FM113", _FALLBACK)

    # -- the call that sends the request --------------------------------------------------------
    def call_of(self, node: cst.CSTNode) -> cst.Call | None:
        """The call ``node`` is an argument of, or the first call a local name holding it is passed to."""
        p = self.parent(node)
        if isinstance(p, cst.Arg):
            call = self.parent(p)
            return call if isinstance(call, cst.Call) else None
        if (
            not isinstance(p, (cst.Assign, cst.AnnAssign))
            or self.names.definition_key(node) in self.names.constants
        ):
            return None
        target = p.targets[0].target if isinstance(p, cst.Assign) else p.target
        if not isinstance(target, cst.Name) or (scope := self.ctx.scope(target)) is None:
            return None
        for binding in scope.assignments[target.value]:
            if isinstance(binding, Assignment) and binding.node is target:
                for access in sorted(binding.references, key=lambda a: self.ctx.span(a.node)):
                    arg = self.parent(access.node)
                    if isinstance(arg, cst.Arg) and isinstance(call := self.parent(arg), cst.Call):
                        return call
        return None

    # -- findings -----------------------------------------------------------------------------------
    def findings(self, cands: list[Candidate]) -> list[Finding]:
        out: list[Finding] = []
        for c in cands:
            if c.manual:
                ep = c.template.endpoint
                message = f"{ep.old.operation_id} cannot be rewritten automatically: {c.reason}"
                f = self.ctx.finding(c.node, c.rule, message, FixKind.MANUAL, ep)
                out.append(f)
                self._record(c, f)
        for group in groups(cands):
            f = self._group_finding(group)
            out.append(f)
            requests = [c for c in group if c.defines is None]
            for c in group:
                if c.defines is not None and requests:
                    continue  # a definition sends nothing: the URLs built from it are the requests
                self._record(c, f)
        self.ctx.endpoint_calls.sort(key=lambda call: self.ctx.span(call.url_node))
        return sorted(out, key=Finding.sort_key)

    def _group_finding(self, group: list[Candidate]) -> Finding:
        """One finding with every edit of a group (fixed whole or not at all)."""
        edits = sorted({p.edit for c in group for p in c.planned})
        fix = FixKind.UNSAFE if any(c.fix is FixKind.UNSAFE for c in group) else FixKind.SAFE
        if len(group) == 1:
            only = group[0]
            held = sorted(only.constants, key=lambda k: self.ctx.span(self.names.values[k].value))
            where = ", ".join(
                f"{k.split(' (')[0]} on line {self.line_of(self.names.values[k].value)}" for k in held
            )
            return self._url_finding(
                only, edits, note=f"part of it is in {where}, used only here" if held else ""
            )
        whole = next((c for c in group if c.defines is not None and c.own_edits), None)
        if whole is not None and all(c.constants <= {whole.defines} for c in group):
            return self._url_finding(whole, edits, fix, also=len(group) - 1)
        keys = sorted(
            {k for c in group for k in c.constants}, key=lambda k: self.ctx.span(self.names.values[k].value)
        )
        endpoints = list({c.template.endpoint.key: c.template.endpoint for c in group}.values())
        numbers = [str(self.line_of(c.node)) for c in group]
        lines = ", ".join(numbers[:5]) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
        message = (
            f"{', '.join(keys)} hold(s) part of retired URLs on line(s) {lines} "
            f"({', '.join(ep.old.operation_id for ep in endpoints)}); rewritten for Flex together"
        )
        if fix is FixKind.UNSAFE:
            message += "; unproven: " + next(c.reason for c in group if c.fix is FixKind.UNSAFE)
        anchor = self.names.values[keys[0]].value
        return self.ctx.finding(
            anchor, "FM103", message, fix, endpoints[0] if len(endpoints) == 1 else None, edits
        )

    def _url_finding(
        self, c: Candidate, edits: list, fix: FixKind | None = None, also: int = 0, note: str = ""
    ) -> Finding:
        ep = c.template.endpoint
        fix = fix or c.fix
        if fix is FixKind.UNSAFE:
            message = f"{ep.old.operation_id} URL: rewrite to {ep.new.operation_id}, unproven: {c.reason}"
        elif c.rule == "FM102":
            message = f"{ep.old.operation_id} (v1.0) URL: rewrite to v2 {ep.new.operation_id}; retired {ep.old.sunset}"
        else:
            message = f"{ep.old.operation_id} URL: rewrite to {ep.new.operation_id}; retired {ep.old.sunset}"
        if also:
            name = (c.defines or "").split(" (")[0]
            message += f" (this covers {also} more URL(s) built from {name})"
        if note:
            message += f" ({note})"
        return self.ctx.finding(c.node, c.rule, message, fix, ep, edits)

    def _record(self, c: Candidate, finding: Finding) -> None:
        self.ctx.endpoint_calls.append(
            EndpointCall(
                endpoint=c.template.endpoint,
                url_node=c.node,
                call=self.call_of(c.node),
                legacy_v1=c.template.legacy_v1,
                rewritten=not c.manual,
                fix=c.fix,
                url_finding=finding,
            )
        )

    def run(self) -> list[Finding]:
        self._flex_findings: list[Finding] = []
        if not self._may_contain_retired_path():
            self.flex_calls(set())
            return self._flex_findings
        cands = self.candidates()
        self.flex_calls({id(c.node) for c in cands})
        if not cands:
            return self._flex_findings
        self.mark_fallbacks(cands)
        settle(cands, self.names, self.widen, self.line_of)
        mark_exported(cands, self.names.exported)
        return sorted(self.findings(cands) + self._flex_findings, key=Finding.sort_key)

    def flex_calls(self, retired: set[int]) -> None:
        """Requests already sent to a Flex path, recorded so that the rules look at their headers,
        body and response reads: a half-migrated request (the Flex path with the tenant version) is
        a finding (``rules.half_migrated``).  Only exact matches whose sending call is found count."""
        words = self.ctx.catalog.flex_segments()
        if not words or not any(w in self.ctx.source for w in words):
            return
        flex = flex_templates(self.templates)
        under_v1 = flex_under_v1_templates(self.templates)
        seen: set[int] = set()
        for top, _ in self.expressions():
            if id(top) in retired:
                continue
            sk = self.reducer.reduce(top)  # type: ignore[arg-type]
            if sk is None or not sk.has_literal:
                continue
            v1 = [m for m in best_match(sk, under_v1, self.hole_text) if not m.problems]
            matches = v1 or [m for m in best_match(sk, flex, self.hole_text) if not m.problems]
            if not matches:
                continue
            call = self.call_of(top)
            chosen = self._prefer_method(top, matches)
            finding = self._flex_under_v1(top, chosen) if v1 else None
            if finding is not None:
                self._flex_findings.append(finding)
            if call is None or id(call) in seen:
                continue  # a Flex URL whose request is not seen: nothing more to check
            seen.add(id(call))
            self.ctx.endpoint_calls.append(
                EndpointCall(
                    endpoint=chosen.template.endpoint,
                    url_node=top,
                    call=call,
                    rewritten=True,
                    flex=True,
                    legacy_v1=bool(v1),
                    url_finding=finding,
                )
            )

    def _flex_under_v1(self, node: cst.CSTNode, m: Match) -> Finding:
        """FM706: a Flex path under the v1.0 prefix, which no server answers."""
        ep = m.template.endpoint
        planned, reason = plan_edits(m)
        message = f"half migrated: the Flex path of {ep.new.operation_id} is under the v1.0 prefix, which no server answers"
        if reason is not None or any(p.constant for p in planned):
            why = reason or "the prefix is in a shared constant"
            return self.ctx.finding(
                node, "FM706", f"{message}: use the v2 prefix ({why})", FixKind.MANUAL, ep
            )
        edits = [p.edit for p in planned]
        return self.ctx.finding(node, "FM706", f"{message}: the prefix becomes v2", FixKind.SAFE, ep, edits)

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
