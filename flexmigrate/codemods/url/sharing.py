"""Edits inside constants: allowed only when every use of the constant is a URL rewritten the same way.

A constant (or a local assigned once) may hold part of a retired URL (``CLUSTER = BASE +
"/groups/{}/clusters/{}"``).  Rewriting its definition changes every place that reads it, so the
rewrite is allowed only when each of those places is itself a URL being rewritten with exactly the
same edits inside the constant -- directly, or through another constant whose uses all are.  A
constant that is a whole retired URL by itself is rewritten for every use, unless a longer URL built
from it could not be rewritten the same way.

Candidates that share an edited constant must be fixed together or not at all, so :func:`groups`
gathers them; one finding then carries all their edits.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from flexmigrate.codemods.url.candidate import Candidate
from flexmigrate.codemods.url.names import Names
from flexmigrate.models.findings import Edit, FixKind

__all__ = ["settle", "groups", "mark_exported"]

Widen = Callable[[cst.CSTNode], cst.CSTNode]
LineOf = Callable[[cst.CSTNode], int]


class _Settler:
    def __init__(self, cands: list[Candidate], names: Names, widen: Widen, line_of: LineOf) -> None:
        self.cands = cands
        self.names = names
        self.widen = widen
        self.line_of = line_of
        self.by_top: dict[int, Candidate] = {id(c.node): c for c in cands}
        self._defs: dict[str, Candidate] = {c.defines: c for c in cands if c.defines is not None}

    def definition(self, name: str) -> Candidate | None:
        c = self._defs.get(name)
        return c if c is not None and not c.manual else None

    def run(self) -> None:
        changed = True
        while changed:  # each pass can only turn candidates manual, so this ends
            changed = False
            for name, users in self._users().items():
                reason = self._why_not(name, users)
                if reason is not None:
                    for c in users:
                        c.make_manual("FM115", reason)
                    changed = True
            for c in self.cands:
                if c.defines is not None and not c.manual:
                    reason = self._extended_badly(c)
                    if reason is not None:
                        c.make_manual("FM115", reason)
                        changed = True

    def _users(self) -> dict[str, list[Candidate]]:
        users: dict[str, list[Candidate]] = {}
        for c in self.cands:
            for name in sorted(c.constants):
                users.setdefault(name, []).append(c)
        return users

    def _why_not(self, name: str, users: list[Candidate]) -> str | None:
        edits = {c.constant_edits(name) for c in users}
        if len(edits) > 1:
            return f"{name} would need different rewrites for different URLs"
        wanted = next(iter(edits))
        definition = self.definition(name)
        if definition is not None and wanted <= definition.own_edits:
            return None  # the value is a retired URL by itself: its rewrite is right for every use
        return self._uses_not_rewritten(name, wanted, set())

    def _uses_not_rewritten(
        self, name: str, edits: frozenset[Edit], active: set[str], via: str | None = None
    ) -> str | None:
        """Why changing ``name`` would change something other than the URLs receiving ``edits``.

        ``None`` when every read of ``name`` is part of such a URL; a read inside another constant's
        definition (``via`` that constant) is fine when every read of that constant is, in turn.
        """
        subject = via or name
        if subject in active:
            return None
        active.add(subject)
        for ref in self.names.references(subject):
            top = self.widen(ref)
            cand = self.by_top.get(id(top))
            if cand is not None and not cand.manual and cand.constant_edits(name) == edits:
                continue
            outer = self.names.definition_key(top)
            if outer is not None and (cand is None or not cand.manual):
                why = self._uses_not_rewritten(name, edits, active, via=outer)
                if why is None:
                    continue
                return why
            return f"{name} is also used on line {self.line_of(ref)}, which is not a URL being rewritten"
        return None

    def _extended_badly(self, definition: Candidate) -> str | None:
        """Why rewriting a URL held in a constant would break a longer URL built from it, if it would."""
        assert definition.defines is not None
        for ref in self.names.references(definition.defines):
            user = self.by_top.get(id(self.widen(ref)))
            if user is None or user is definition:
                continue
            if user.manual or not user.constant_edits(definition.defines) <= definition.own_edits:
                return (
                    f"{definition.defines} is extended on line {self.line_of(ref)} into a URL "
                    "that cannot be rewritten the same way"
                )
        return None


def settle(cands: list[Candidate], names: Names, widen: Widen, line_of: LineOf) -> None:
    """Turn manual every candidate whose edits inside a constant would reach beyond the URLs rewritten."""
    _Settler(cands, names, widen, line_of).run()


def mark_exported(cands: list[Candidate], exported: frozenset[str]) -> None:
    """Edits inside a constant the module exports (``__all__``) and that is not a whole URL are unsafe.

    Other modules may import it and build URLs (or anything else) from it that this analysis of one
    file cannot see; a constant that is a whole retired URL is right for every importer.
    """
    whole = {d.defines for d in cands if d.defines is not None and not d.manual}
    for c in cands:
        for name in sorted(c.constants & exported - whole):
            c.make_unsafe(f"{name} is exported in __all__: other modules may build other URLs from it")


def groups(cands: list[Candidate]) -> list[list[Candidate]]:
    """The non-manual candidates, gathered so that those sharing an edited constant are together.

    A group is fixed whole or not at all: its members become unsafe if any of them is.
    """
    live = [c for c in cands if not c.manual]
    owner: dict[int, int] = {id(c): i for i, c in enumerate(live)}
    root = list(range(len(live)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    first_user: dict[str, int] = {}
    for i, c in enumerate(live):
        keys = set(c.constants)
        if c.defines is not None:
            keys.add(c.defines)
        for key in keys:
            j = first_user.setdefault(key, i)
            root[find(i)] = find(j)
    gathered: dict[int, list[Candidate]] = {}
    for c in live:
        gathered.setdefault(find(owner[id(c)]), []).append(c)
    out = list(gathered.values())
    for group in out:
        unsure = next((c for c in group if c.fix is FixKind.UNSAFE), None)
        if unsure is not None:
            for c in group:
                c.make_unsafe(f"fixed together with a rewrite that is unproven: {unsure.reason}")
    return out
