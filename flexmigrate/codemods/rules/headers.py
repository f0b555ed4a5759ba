"""FM2xx: the version header (Accept, and Content-Type on POSTs) of each migrated call.

The Flex operations are served only under the Flex resource version, so every migrated call must
send ``endpoint.new.media_type``.  Where the header is a literal this call owns (in its
``headers=``, or a dict built and used only in the same function) the version inside the literal
is rewritten.  Where it is shared (a module constant, a ``requests.Session``/``httpx.Client``
header -- the session a module keeps, or one a class keeps on ``self`` and sets up in its methods --,
a dict other calls also send) the shared value is left alone, because the other calls may
still talk to endpoints that need the old version; the migrated call gets its own header instead,
as an unsafe fix (the receiver must accept ``headers=`` and merge it, which holds for requests and
httpx but is not proven for every client).  What cannot be seen is reported with the line where
the header is defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import libcst as cst

from flexmigrate.codemods.context import EndpointCall, ModuleContext
from flexmigrate.codemods.rules import flow, literals
from flexmigrate.codemods.rules.targets import capped, migrated_calls, unlinked_calls
from flexmigrate.models.findings import Edit, Finding, FixKind

RULES = {
    "FM201": "retired version in a header literal the migrated call owns: the version is rewritten",
    "FM202": "version header shared with other calls: the migrated call gets its own Flex header (unsafe)",
    "FM203": "version header the rule cannot see or may not edit: manual, names where it is defined",
    "FM204": "no versioned Accept header (v1.0 call or none at all): the Flex Accept header is added",
    "FM205": "header names an Atlas version the Flex operation is not served under: manual",
    "FM206": "header entry of the migrated call names a shared version constant: the entry gets the Flex value",
}

ACCEPT = "Accept"
_BODY_METHODS = ("POST", "PUT", "PATCH")
CONTENT_TYPE = "Content-Type"
# HTTP libraries whose module functions and session/client objects take ``headers=`` and merge it
# over the session's headers (request-level wins).  Library facts, not Atlas facts.
HTTP_MODULES = frozenset({"requests", "httpx"})
SESSION_FACTORIES = frozenset(
    {"requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient"}
)


@dataclass
class Site:
    """One place a header value is set: ``key`` (lower case) -> ``value`` expression."""

    key: str
    value: cst.BaseExpression | None  # None: hidden behind a ``**spread`` or a non-literal mapping
    anchor: cst.CSTNode  # where to point a human
    shared: bool = False  # read through a ``**NAME`` spread: never edited from this call


@dataclass
class Source:
    """Where a set of header sites comes from and whether this call may edit them."""

    sites: list[Site] = field(default_factory=list)
    opaque: list[cst.CSTNode] = field(default_factory=list)  # mappings we cannot read
    editable: bool = False


@dataclass
class Receiver:
    """What sends the request: a module function, a visible session/client, or something else."""

    kind: str  # "module" | "session" | "unknown"
    headers: Source = field(default_factory=Source)
    defined_at: cst.CSTNode | None = None


def check_headers(ctx: ModuleContext) -> Iterator[Finding]:
    """FM2xx findings for every migrated call."""
    media = literals.MediaTypes(ctx.catalog)
    edited: set[int] = set()  # a literal sent by several migrated calls is fixed once
    for ec, call in migrated_calls(ctx):
        for finding in _CallHeaders(ctx, ec, call, media).run():
            spans = {edit.start for edit in finding.edits if edit.start != edit.end}
            if spans and spans <= edited:
                continue
            edited |= spans
            yield finding
    for ec in unlinked_calls(ctx):
        content_type = (
            f" (and {CONTENT_TYPE}, if it sets one)" if ec.endpoint.new.method in _BODY_METHODS else ""
        )
        yield ctx.finding(
            ec.url_node,
            "FM203",
            f"the request that sends this URL was not found, so its headers cannot be checked: make sure it "
            f"sends {ACCEPT}: {ec.endpoint.new.media_type}{content_type}",
            FixKind.MANUAL,
            ec.endpoint,
            of_call=ec,
        )


class _CallHeaders:
    def __init__(self, ctx: ModuleContext, ec: EndpointCall, call: cst.Call, media: literals.MediaTypes):
        self.ctx = ctx
        self.ec = ec
        self.call = call
        self.media = media
        self.old = ec.endpoint.old.version
        self.new = ec.endpoint.new.version
        self.new_media = ec.endpoint.new.media_type
        self.wanted = [ACCEPT] + ([CONTENT_TYPE] if ec.endpoint.new.method in _BODY_METHODS else [])
        # header -> (rule, why the call needs its own value, how sure that fix is)
        self.overrides: dict[str, tuple[str, str, FixKind]] = {}

    # -- findings -------------------------------------------------------------------------------
    def _finding(self, node: cst.CSTNode, rule: str, message: str, fix: FixKind, edits=()) -> Finding:
        return self.ctx.finding(
            node,
            rule,
            message,
            capped(fix, self.ec) if edits else fix,
            self.ec.endpoint,
            edits,
            of_call=self.ec,
        )

    def _unserved_version(self, node: cst.CSTNode, header: str, version: str, where: str) -> Finding:
        """FM205: the header asks for an Atlas version the Flex operation is not served under."""
        return self._finding(
            node,
            "FM205",
            f"{header} asks for version {version} ({where}); "
            f"{self.ec.endpoint.new.operation_id} is served from {self.new} on",
            FixKind.MANUAL,
        )

    def _line(self, node: cst.CSTNode) -> int:
        return flow.line_of(self.ctx, node)

    # -- main -----------------------------------------------------------------------------------
    def run(self) -> Iterator[Finding]:
        arg = flow.keyword_arg(self.call, "headers")
        own, why_not = self._own_headers(arg)
        if why_not is not None:
            yield why_not
            return
        receiver = self._receiver()
        for header in self.wanted:
            site = self._site(own, header)
            if site is not None:
                editable = own.editable and not site.shared
                yield from self._check_site(site, header, editable, f"line {self._line(site.anchor)}")
                continue
            if own.opaque:
                yield self._finding(
                    self.call,
                    "FM203",
                    f"the {header} header may come from the mapping spread at line {self._line(own.opaque[0])}; "
                    f"make sure this call sends {header}: {self.new_media}",
                    FixKind.MANUAL,
                )
                continue
            yield from self._from_receiver(receiver, header)
        if self.overrides:
            yield from self._give_own_headers(arg)

    def _site(self, source: Source, header: str) -> Site | None:
        """The site that sets ``header`` last in the file (the value in force, for straight-line code)."""
        matching = [site for site in source.sites if site.key == header.lower()]
        return max(matching, key=lambda site: self.ctx.span(site.anchor)[0], default=None)

    def _check_site(self, site: Site, header: str, editable: bool, where: str) -> Iterator[Finding]:
        """Judge one visible header value; edit it, or ask for an override, or report it."""
        value = literals.string_value(site.value) if site.value is not None else None
        if value is None and isinstance(site.value, cst.Name):
            constant = self._constant(site.value)
            if constant is not None:
                yield from self._check_constant(site.value, constant, header, editable)
                return
        if value is None:
            node = site.value if site.value is not None else site.anchor
            yield self._finding(
                node,
                "FM203",
                f"{header} is not a literal ({where}); it must be {self.new_media} for "
                f"{self.ec.endpoint.new.operation_id}",
                FixKind.MANUAL,
            )
            return
        found = self.media.find(value)
        if found is None:
            if header == ACCEPT:  # an unversioned Accept (application/json): v2 needs the version
                if editable:
                    edit = literals.replace_value(self.ctx, site.value, self.new_media)
                    if edit is not None:
                        yield self._finding(
                            site.value,
                            "FM204",
                            f"Accept {value!r} names no Atlas version; the Flex operation needs {self.new_media}",
                            FixKind.SAFE,
                            [edit],
                        )
                        return
                self.overrides[header] = (
                    "FM204",
                    f"its Accept {value!r} ({where}) names no Atlas version",
                    FixKind.UNSAFE,
                )
            return
        if found.version >= self.new:
            return  # already served under the Flex version (Atlas picks the latest version <= asked)
        if found.version != self.old:
            yield self._unserved_version(site.value, header, found.version, where)
            return
        if not editable:
            self.overrides[header] = (
                "FM202",
                f"the shared {header} ({where}) is {self.ec.endpoint.old.media_type}",
                FixKind.UNSAFE,
            )
            return
        span = literals.body_span(self.ctx, site.value) if isinstance(site.value, cst.SimpleString) else None
        if span is None:
            yield self._finding(
                site.value,
                "FM203",
                f"{header} literal ({where}) cannot be edited in place; it must be {self.new_media}",
                FixKind.MANUAL,
            )
            return
        start = span[0] + found.start
        yield self._finding(
            site.value,
            "FM201",
            f"{header} version {self.old} -> {self.new} for {self.ec.endpoint.new.operation_id}",
            FixKind.SAFE,
            [Edit(start, start + len(self.old), self.new)],
        )

    def _constant(self, name: cst.Name) -> tuple[str, cst.CSTNode] | None:
        """The string a name is bound to once (a shared constant), with its binding."""
        bound = flow.binding(self.ctx, name)
        if bound is None or bound.kind != "assign" or bound.value is None:
            return None
        value = literals.string_value(bound.value)
        return (value, bound.target) if value is not None else None

    def _check_constant(
        self, name: cst.Name, constant: tuple[str, cst.CSTNode], header: str, editable: bool
    ) -> Iterator[Finding]:
        """A header entry naming a string constant: the constant stays, this entry gets the Flex value."""
        value, target = constant
        found = self.media.find(value)
        where = f"{name.value!r}, line {self._line(target)}"
        if found is None or found.version >= self.new:
            return
        if found.version != self.old:
            yield self._unserved_version(name, header, found.version, where)
            return
        if not editable:
            self.overrides[header] = ("FM202", f"the shared {header} ({where}) is {value}", FixKind.UNSAFE)
            return
        start, end = self.ctx.span(name)
        flex_value = value[: found.start] + self.new + value[found.end :]
        yield self._finding(
            name,
            "FM206",
            f"{header} comes from the shared constant {where}, left as it is; the fix gives this call {flex_value}",
            FixKind.SAFE,
            [Edit(start, end, literals.quoted(flex_value))],
        )

    # -- the call's own headers= -----------------------------------------------------------------
    def _own_headers(self, arg: cst.Arg | None) -> tuple[Source, Finding | None]:
        if arg is None:
            if flow.has_star_kwargs(self.call):
                return Source(), self._finding(
                    self.call,
                    "FM203",
                    f"headers may be passed through **kwargs; make sure this call sends Accept: {self.new_media}",
                    FixKind.MANUAL,
                )
            return Source(editable=True), None
        value = arg.value
        if isinstance(value, cst.Dict):
            return self._dict_source(value, editable=True), None
        if isinstance(value, cst.Name):
            bound = flow.binding(self.ctx, value)
            if bound is not None and bound.kind == "assign" and isinstance(bound.value, cst.Dict):
                local = (
                    flow.same_function(self.ctx, bound.target, self.call)
                    and flow.enclosing_function(self.ctx, self.call) is not None
                )
                source = self._dict_source(bound.value, editable=local and not self._shared(bound))
                if local:  # changes made in this function count, edited only if the dict is this call's
                    self._add_local_updates(bound, source)
                return source, None
            where = f"line {self._line(bound.target)}" if bound is not None else "elsewhere"
            return Source(), self._finding(
                value,
                "FM203",
                f"headers come from {value.value!r} (defined {where}); make sure it sends "
                f"Accept: {self.new_media} for this call only",
                FixKind.MANUAL,
            )
        return Source(), self._finding(
            value,
            "FM203",
            f"headers are built by an expression at line {self._line(value)}; make sure this call sends "
            f"Accept: {self.new_media}",
            FixKind.MANUAL,
        )

    def _dict_source(self, node: cst.Dict, editable: bool, depth: int = 0) -> Source:
        """The dict's header sites; a ``**NAME`` spread of a visible dict literal is read, not edited."""
        source = Source(editable=editable)
        for key, element in literals.dict_entries(node):
            if key is not None and isinstance(element, cst.DictElement):
                source.sites.append(Site(key.lower(), element.value, element))
                continue
            spread = self._spread_dict(element) if depth < 3 else None
            if spread is None:
                source.opaque.append(element)
                continue
            inner = self._dict_source(spread, editable=False, depth=depth + 1)
            source.sites.extend(Site(s.key, s.value, s.anchor, shared=True) for s in inner.sites)
            source.opaque.extend(inner.opaque)
        # a later entry wins over an earlier one, as in Python
        last: dict[str, Site] = {site.key: site for site in source.sites}
        source.sites = list(last.values())
        return source

    def _spread_dict(self, element: cst.BaseDictElement) -> cst.Dict | None:
        if not isinstance(element, cst.StarredDictElement) or not isinstance(element.value, cst.Name):
            return None
        bound = flow.binding(self.ctx, element.value)
        if bound is not None and bound.kind == "assign" and isinstance(bound.value, cst.Dict):
            return bound.value
        return None

    def _shared(self, bound: flow.Binding) -> bool:
        """Whether a local headers dict is also sent by, or escapes to, something else than migrated calls."""
        migrated = {id(c) for _, c in migrated_calls(self.ctx)}
        for use in bound.uses(self.ctx):
            parent = self.ctx.parent(use)
            if isinstance(parent, cst.Arg):
                owner = self.ctx.parent(parent)
                if not (
                    isinstance(owner, cst.Call)
                    and id(owner) in migrated
                    and parent.keyword is not None
                    and parent.keyword.value == "headers"
                ):
                    return True
            elif isinstance(parent, cst.Attribute) and parent.value is use:
                if parent.attr.value not in ("update", "get", "setdefault", "__setitem__"):
                    return True
            elif isinstance(parent, cst.Subscript) and parent.value is use:
                continue
            else:
                return True
        return False

    def _add_local_updates(self, bound: flow.Binding, source: Source) -> None:
        """``h["Accept"] = ...`` and ``h.update(...)`` in the same function count as the dict's sites."""
        for use in bound.uses(self.ctx):
            self._mutation_sites(use, source, editable=True)

    def _mutation_sites(self, mapping: cst.CSTNode, source: Source, editable: bool) -> None:
        """Sites set by mutating ``mapping`` (a headers dict): ``m[k] = v``, ``m.update(...)``,
        ``m.setdefault(k, v)``.  Mutations the rule cannot read make the source opaque."""
        parent = self.ctx.parent(mapping)
        if isinstance(parent, cst.Subscript) and parent.value is mapping and flow.is_store(self.ctx, parent):
            index = parent.slice[0].slice if len(parent.slice) == 1 else None
            key = literals.string_value(index.value) if isinstance(index, cst.Index) else None
            target = self.ctx.parent(parent)
            assign = self.ctx.parent(target) if isinstance(target, cst.AssignTarget) else None
            if key is not None and isinstance(assign, cst.Assign):
                source.sites.append(Site(key.lower(), assign.value, parent))
            else:
                source.opaque.append(parent)
            return
        if not (isinstance(parent, cst.Attribute) and parent.value is mapping):
            return
        called = self.ctx.parent(parent)
        if not (isinstance(called, cst.Call) and called.func is parent):
            return
        if parent.attr.value == "update":
            for arg in called.args:
                if arg.keyword is not None:
                    source.sites.append(Site(arg.keyword.value.lower(), arg.value, arg))
                elif arg.star:
                    source.opaque.append(arg)
                elif isinstance(arg.value, cst.Dict):
                    found = self._dict_source(arg.value, editable)
                    source.sites.extend(found.sites)
                    source.opaque.extend(found.opaque)
                else:
                    self._mapping_sites(arg.value, source)
        elif parent.attr.value == "setdefault" and len(called.args) == 2:
            key = literals.string_value(called.args[0].value)
            if key is not None:
                source.sites.append(Site(key.lower(), called.args[1].value, called))
            else:
                source.opaque.append(called)

    # -- the session or client -------------------------------------------------------------------
    def _receiver(self) -> Receiver:
        func = self.call.func
        if isinstance(func, cst.Name):
            bound = flow.binding(self.ctx, func)
            if bound is not None and bound.kind == "import" and isinstance(bound.target, cst.ImportFrom):
                module = flow.dotted_name(bound.target.module) if bound.target.module else None
                if module in HTTP_MODULES:
                    return Receiver("module")
            return Receiver("unknown", defined_at=bound.target if bound else None)
        if isinstance(func, cst.Attribute) and _self_attribute(func.value) is not None:
            return self._instance_receiver(func.value)
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return Receiver("unknown")
        base = func.value
        if flow.imported_module(self.ctx, base) in HTTP_MODULES:
            return Receiver("module")
        bound = flow.binding(self.ctx, base)
        if bound is None:
            return Receiver("unknown")
        value = bound.value
        if bound.kind in ("assign", "with") and isinstance(value, cst.Call) and self._is_factory(value.func):
            return Receiver("session", self._session_headers(bound, value), bound.target)
        return Receiver("unknown", defined_at=bound.target)

    def _instance_receiver(self, attr: cst.Attribute) -> Receiver:
        """``self.http.get(...)``: a client kept on the instance, read like a module-level one.

        The client counts as known when the class assigns ``self.<name>`` exactly once, from a
        requests/httpx session or client factory (typically in ``__init__``); its headers are the
        factory's ``headers=`` and every change to ``self.<name>.headers`` in the class's methods.
        """
        name = attr.attr.value
        cls = _enclosing_class(self.ctx, self.call)
        if cls is None:
            return Receiver("unknown")
        assigned: list[tuple[cst.CSTNode, cst.BaseExpression | None]] = []
        headers: list[cst.Attribute] = []
        for node in _instance_attributes(cls, name):
            parent = self.ctx.parent(node)
            if isinstance(parent, cst.AssignTarget):
                assign = self.ctx.parent(parent)
                assigned.append((node, assign.value if isinstance(assign, cst.Assign) else None))
            elif isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is node:
                assigned.append((node, getattr(parent, "value", None)))
            elif (
                isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "headers"
            ):
                headers.append(parent)
            elif flow.is_store(self.ctx, node):
                assigned.append((node, None))
        if len(assigned) != 1:
            return Receiver("unknown", defined_at=assigned[0][0] if assigned else None)
        target, value = assigned[0]
        if not (isinstance(value, cst.Call) and self._is_factory(value.func)):
            return Receiver("unknown", defined_at=target)
        return Receiver("session", self._client_headers(value, headers), target)

    def _is_factory(self, func: cst.BaseExpression) -> bool:
        name = flow.dotted_name(func)
        if name is None:
            return False
        rest = name.partition(".")[2]
        if isinstance(func, cst.Attribute):
            root = func
            while isinstance(root, cst.Attribute):
                root = root.value
            module = flow.imported_module(self.ctx, root) if isinstance(root, cst.Name) else None
            if module is not None:
                name = f"{module}.{rest}"
        return name in SESSION_FACTORIES

    def _session_headers(self, bound: flow.Binding, factory: cst.Call) -> Source:
        """What the session or client sends: its constructor's ``headers=`` and every later change
        to ``.headers`` (item assignment, ``update``, ``setdefault``, replacement)."""
        reads = []
        for use in bound.uses(self.ctx):
            attr = self.ctx.parent(use)
            if isinstance(attr, cst.Attribute) and attr.value is use and attr.attr.value == "headers":
                reads.append(attr)
        return self._client_headers(factory, reads)

    def _client_headers(self, factory: cst.Call, header_attrs: list[cst.Attribute]) -> Source:
        """The factory's ``headers=`` and what each ``<client>.headers`` in ``header_attrs`` does to them."""
        source = Source()
        arg = flow.keyword_arg(factory, "headers")
        if arg is not None:
            self._mapping_sites(arg.value, source)
        for attr in header_attrs:
            if flow.is_store(self.ctx, attr):
                target = self.ctx.parent(attr)
                assign = self.ctx.parent(target) if isinstance(target, cst.AssignTarget) else None
                if isinstance(assign, cst.Assign):
                    self._mapping_sites(assign.value, source)
                else:
                    source.opaque.append(attr)
            else:
                self._mutation_sites(attr, source, editable=False)
        return source

    def _mapping_sites(self, value: cst.BaseExpression, source: Source) -> None:
        if isinstance(value, cst.Name):
            bound = flow.binding(self.ctx, value)
            if bound is not None and bound.kind == "assign" and isinstance(bound.value, cst.Dict):
                value = bound.value
        if isinstance(value, cst.Dict):
            found = self._dict_source(value, editable=False)
            source.sites.extend(found.sites)
            source.opaque.extend(found.opaque)
        else:
            source.opaque.append(value)

    def _from_receiver(self, receiver: Receiver, header: str) -> Iterator[Finding]:
        """The call itself does not set ``header``: look at what the session or client sends."""
        site = self._site(receiver.headers, header)
        if site is not None:
            yield from self._check_site(
                site, header, False, f"session header, line {self._line(site.anchor)}"
            )
            return
        if receiver.headers.opaque:
            yield self._finding(
                self.call,
                "FM203",
                f"the session's headers are set from a mapping at line {self._line(receiver.headers.opaque[0])} "
                f"this rule cannot read; make sure this call sends {header}: {self.new_media}",
                FixKind.MANUAL,
            )
            return
        if header != ACCEPT:
            return  # Content-Type only needs the Flex version where one is set
        if receiver.kind in ("module", "session"):
            # requests/httpx send no Accept of their own that names a version, and the session (when
            # there is one) was read above and sets none: the call sends no versioned Accept, and the
            # Flex operation is served only under its own version, so a request-level Accept is what
            # makes the migrated call right (v1.0 or v2 alike).
            if self.ec.legacy_v1:
                why = "the v1.0 call sent no Accept header and v2 requires a versioned one"
            else:
                why = "the call sends no versioned Accept header and the Flex operation needs one"
            self.overrides[header] = ("FM204", why, FixKind.SAFE)
            return
        where = (
            f" (defined at line {self._line(receiver.defined_at)})" if receiver.defined_at is not None else ""
        )
        if self.ec.legacy_v1:
            why = (
                f"the v1.0 call set no Accept header and v2 requires a versioned one; its client{where} "
                "is not a known requests/httpx object"
            )
            self.overrides[header] = ("FM204", why, FixKind.UNSAFE)
            return
        yield self._finding(
            self.call,
            "FM203",
            f"the Accept header of this call comes from its client{where}, which this rule cannot read; "
            f"{self.ec.endpoint.new.operation_id} needs Accept: {self.new_media}",
            FixKind.MANUAL,
        )

    # -- giving the call its own header -----------------------------------------------------------
    def _give_own_headers(self, arg: cst.Arg | None) -> Iterator[Finding]:
        entries = ", ".join(
            f"{literals.quoted(h)}: {literals.quoted(self.new_media)}" for h in self.overrides
        )
        reasons = "; ".join(why for _, why, _ in self.overrides.values())
        rules = {rule for rule, _, _ in self.overrides.values()}
        rule = "FM202" if "FM202" in rules else "FM204"
        sure = all(fix is FixKind.SAFE for _, _, fix in self.overrides.values())
        fix = FixKind.SAFE if sure else FixKind.UNSAFE
        if arg is None:
            edit = _append_keyword(self.ctx, self.call, f"headers={{{entries}}}")
            node: cst.CSTNode = self.call
        elif isinstance(arg.value, cst.Dict):
            edit = _append_entries(self.ctx, arg.value, entries)
            node = arg.value
        else:  # a name bound to a dict this call must not edit: send a copy with the override
            start, end = self.ctx.span(arg.value)
            edit = Edit(start, end, f"{{**{self.ctx.source[start:end]}, {entries}}}")
            node = arg.value
        yield self._finding(
            node,
            rule,
            f"{reasons}: the fix gives this call its own {', '.join(self.overrides)} {self.new_media}",
            fix,
            [edit],
        )


def _self_attribute(node: cst.BaseExpression) -> str | None:
    """``NAME`` of ``self.NAME`` (any receiver name), else ``None``."""
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return node.attr.value
    return None


def _enclosing_class(ctx: ModuleContext, node: cst.CSTNode) -> cst.ClassDef | None:
    """The class whose method (``def`` directly in the class body) contains ``node``."""
    function = flow.enclosing_function(ctx, node)
    if function is None or not function.params.params:
        return None
    body = ctx.parent(function)
    cls = ctx.parent(body) if isinstance(body, cst.IndentedBlock) else None
    return cls if isinstance(cls, cst.ClassDef) else None


def _instance_attributes(cls: cst.ClassDef, name: str) -> list[cst.Attribute]:
    """Every ``<self>.name`` in the methods of ``cls``, ``<self>`` being each method's first parameter."""
    found: list[cst.Attribute] = []

    class _Collect(cst.CSTVisitor):
        def __init__(self, receiver: str) -> None:
            self.receiver = receiver

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False  # a nested class has a self of its own

        def visit_Attribute(self, node: cst.Attribute) -> None:
            if (
                node.attr.value == name
                and isinstance(node.value, cst.Name)
                and node.value.value == self.receiver
            ):
                found.append(node)

    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.params.params:
            first = statement.params.params[0].name.value
            statement.body.visit(_Collect(first))
    return found


def _append_keyword(ctx: ModuleContext, call: cst.Call, text: str) -> Edit:
    """Insert ``text`` as the call's last argument, in the layout the call already uses."""
    if not call.args:
        start, end = ctx.span(call)
        close = ctx.source.rindex(")", start, end)
        return Edit(close, close, text)
    return literals.append_item(ctx, call.args[-1], text)


def _append_entries(ctx: ModuleContext, node: cst.Dict, entries: str) -> Edit:
    """Insert ``entries`` as the dict literal's last items, in its layout."""
    if not node.elements:
        start, end = ctx.span(node)
        return Edit(start + 1, end - 1, entries)
    return literals.append_item(ctx, node.elements[-1], entries)
