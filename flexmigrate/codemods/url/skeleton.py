"""The *skeleton* of a URL-building expression: literal text with holes where values go.

This module holds the model and its primitive operations; ``flexmigrate.codemods.url.reduce`` builds skeletons
from expressions.  Every form of string building (plain and implicitly concatenated strings, f-strings, ``%`` and
``.format`` templates, ``+`` chains, ``"/".join`` lists, ``urljoin`` and module-level constants) comes
down to the same thing, a sequence of :class:`Lit` runs and :class:`Hole` s.  Each literal character
remembers where it is in the source file, so once the matcher knows which characters must change, the
edit is a plain splice of the original text and every other byte stays as it was.

A character is *exact* when it is one source character standing for itself; characters produced by
escape sequences (``\\x2f``, ``{{``, ``%%``) are not, and an edit that touches one is refused rather
than guessed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import Callable

import libcst as cst

__all__ = [
    "HOLE",
    "Builder",
    "Hole",
    "ListValue",
    "Lit",
    "NameResolver",
    "NameValue",
    "Skeleton",
    "Unreadable",
    "char_items",
    "decode_string_token",
    "split_prefix",
    "escaped",
    "fill",
    "hole",
    "truncate",
]

HOLE = "\x00"  # stands for a hole in the flat text; never part of a URL

_ESCAPE = re.compile(
    r"\\(?:\r\n|N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])"
)
_PREFIX = re.compile(r"[A-Za-z]*")


@dataclass(frozen=True)
class Lit:
    """A run of literal characters that all come from one string token.

    ``starts[k]``/``ends[k]`` are the source offsets of the characters that produce ``text[k]``;
    ``token`` is the ``id`` of the string node they belong to (``None`` for text that is not in the
    source at all, e.g. the ``/`` that ``urljoin`` implies), ``constant`` the module-level constant
    whose definition holds the token, and ``shared`` says the same source characters appear more than
    once in the skeleton (a ``join`` separator), so they can never be edited for one occurrence.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    token: int | None
    constant: str | None = None
    shared: bool = False
    # Source spans whose removal deletes this run's whole token: as a ``join`` list element (with
    # its comma; the list's separator goes with it) or as one string of an implicit concatenation
    # (with the space before it).
    element: tuple[int, int] | None = None
    removal: tuple[int, int] | None = None

    def exact(self, k: int) -> bool:
        return self.token is not None and not self.shared and self.ends[k] - self.starts[k] == 1

    def with_constant(self, name: str) -> "Lit":
        return replace(self, constant=self.constant or name)

    def as_shared(self) -> "Lit":
        return replace(self, shared=True)


@dataclass(frozen=True)
class Hole:
    """A value the code computes: a variable, a call, a conditional, an unknown base URL..."""

    node: cst.CSTNode | None

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Hole({type(self.node).__name__ if self.node is not None else None})"


Piece = Lit | Hole


@dataclass(frozen=True)
class Skeleton:
    """The reduced expression.

    ``notes`` carry facts the matcher needs to judge safety: ``"relative-join"`` (a relative path
    joined to a base that cannot be seen), ``"appended-later"`` (a segment list that later statements
    extend).  ``refs`` are the ``Name`` nodes of module constants that were inlined, outermost first.
    """

    pieces: tuple[Piece, ...] = ()
    notes: frozenset[str] = frozenset()
    refs: tuple[cst.Name, ...] = ()

    def __add__(self, other: "Skeleton") -> "Skeleton":
        return Skeleton(self.pieces + other.pieces, self.notes | other.notes, self.refs + other.refs)

    @property
    def flat(self) -> str:
        """The literal text with one :data:`HOLE` character per hole."""
        return "".join(p.text if isinstance(p, Lit) else HOLE for p in self.pieces)

    @property
    def has_literal(self) -> bool:
        return any(isinstance(p, Lit) and p.text for p in self.pieces)

    @property
    def all_literal(self) -> bool:
        return all(isinstance(p, Lit) for p in self.pieces)

    def locate(self) -> list[tuple[Lit, int] | None]:
        """For each character of :attr:`flat`: its run and index in it (``None`` for holes)."""
        out: list[tuple[Lit, int] | None] = []
        for p in self.pieces:
            if isinstance(p, Lit):
                out.extend((p, k) for k in range(len(p.text)))
            else:
                out.append(None)
        return out

    def holes(self) -> list[Hole]:
        return [p for p in self.pieces if isinstance(p, Hole)]


def hole(node: cst.CSTNode | None) -> Skeleton:
    """A skeleton that is one hole standing for ``node``."""
    return Skeleton((Hole(node),))


def decode_string_token(body: str, base: int, token: int, *, raw: bool, is_bytes: bool, fstring: bool) -> Lit:
    """The characters of a string token's body (between the quotes) starting at source offset ``base``."""
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if fstring and ch in "{}" and i + 1 < n and body[i + 1] == ch:
            text.append(ch)
            starts.append(base + i)
            ends.append(base + i + 2)
            i += 2
            continue
        if ch == "\\" and not raw:
            m = _ESCAPE.match(body, i)
            assert m is not None  # a lone trailing backslash cannot end a valid token
            esc = m.group(0)
            try:
                value = ast.literal_eval(("b" if is_bytes else "") + '"' + esc + '"')
            except (SyntaxError, ValueError):  # pragma: no cover - invalid escapes are kept verbatim
                value = esc
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            for c in value:
                text.append(c)
                starts.append(base + i)
                ends.append(base + m.end())
            i = m.end()
            continue
        text.append(ch)
        starts.append(base + i)
        ends.append(base + i + 1)
        i += 1
    return Lit("".join(text), tuple(starts), tuple(ends), token)


def split_prefix(value: str) -> tuple[str, str]:
    prefix = _PREFIX.match(value).group(0)  # type: ignore[union-attr]
    rest = value[len(prefix) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    return prefix.lower(), quote


@dataclass(frozen=True)
class NameValue:
    """A module-level constant: ``name = value`` assigned once."""

    name: str
    value: cst.BaseExpression


@dataclass(frozen=True)
class ListValue:
    """A local list used as ``"/".join(parts)``: its literal elements and those added later.

    ``key`` names the list like a constant (``parts (line 12)``): its elements are edited in the
    list display, so the same every-use rule applies.
    """

    key: str
    elements: tuple[cst.BaseExpression, ...]
    appended: tuple[cst.BaseExpression, ...]


NameResolver = Callable[[cst.Name], NameValue | ListValue | None]


class Builder:
    """Collects characters and pieces, merging neighbouring characters of one run.

    A run that passes through whole and unchanged (a ``join`` element inside a ``.format`` template)
    is kept as the original :class:`Lit`, so what it knows about removing its token survives.
    """

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.notes: set[str] = set()
        self.refs: list[cst.Name] = []
        self._text: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._key: tuple | None = None
        self._sources: set[int] = set()
        self._source: Lit | None = None

    def char(self, ch: str, start: int, end: int, src: Lit) -> None:
        key = (src.token, src.constant, src.shared)
        if key != self._key:
            self._flush()
            self._key = key
        self._text.append(ch)
        self._starts.append(start)
        self._ends.append(end)
        self._sources.add(id(src))
        self._source = src

    def add(self, sk: Skeleton) -> None:
        self._flush()
        self.pieces.extend(sk.pieces)
        self.notes |= sk.notes
        self.refs.extend(sk.refs)

    def _flush(self) -> None:
        if self._text and self._key is not None:
            src = self._source
            text, starts, ends = "".join(self._text), tuple(self._starts), tuple(self._ends)
            if (
                src is not None
                and len(self._sources) == 1
                and (text, starts, ends) == (src.text, src.starts, src.ends)
            ):
                self.pieces.append(src)
            else:
                token, constant, shared = self._key
                self.pieces.append(Lit(text, starts, ends, token, constant, shared))
        self._text, self._starts, self._ends, self._key = [], [], [], None
        self._sources, self._source = set(), None

    def build(self) -> Skeleton:
        self._flush()
        return Skeleton(tuple(self.pieces), frozenset(self.notes), tuple(self.refs))


def char_items(sk: Skeleton) -> list[tuple[str, Lit, int] | Hole]:
    """The skeleton as a list of ``(character, run, index)`` and holes, for template parsing."""
    out: list[tuple[str, Lit, int] | Hole] = []
    for p in sk.pieces:
        if isinstance(p, Lit):
            out.extend((c, p, k) for k, c in enumerate(p.text))
        else:
            out.append(p)
    return out


class Unreadable(Exception):
    """A template whose fields cannot be read without running the code."""


FieldReader = Callable[[list, int], tuple[int, Skeleton] | None]


def fill(template: Skeleton, field: FieldReader) -> Skeleton | None:
    """``template`` with each field ``field`` recognises replaced by what it returns.

    ``field(chars, i)`` looks at the literal character ``chars[i]``: ``None`` keeps it as text, else
    it returns the index after the field and the field's skeleton.  Holes pass through unchanged.
    """
    chars = char_items(template)
    b = Builder()
    b.notes |= template.notes
    b.refs.extend(template.refs)
    i = 0
    try:
        while i < len(chars):
            item = chars[i]
            if isinstance(item, Hole):
                b.add(Skeleton((item,)))
                i += 1
                continue
            found = field(chars, i)
            if found is None:
                ch, lit, k = item
                b.char(ch, lit.starts[k], lit.ends[k], lit)
                i += 1
            else:
                i, sk = found
                b.add(sk)
    except Unreadable:
        return None
    return b.build()


def escaped(first: tuple[str, Lit, int], last: tuple[str, Lit, int]) -> Skeleton:
    """One character written as two (``%%``, ``{{``): never an exact, editable character."""
    ch, lit, k = first
    return Skeleton(
        (
            replace(
                lit,
                text=ch,
                starts=(lit.starts[k],),
                ends=(last[1].ends[last[2]],),
                element=None,
                removal=None,
            ),
        )
    )


def truncate(sk: Skeleton, keep: int) -> Skeleton:
    """The first ``keep`` characters of an all-literal skeleton."""
    pieces: list[Piece] = []
    left = keep
    for p in sk.pieces:
        assert isinstance(p, Lit)
        if left <= 0:
            break
        take = min(left, len(p.text))
        pieces.append(Lit(p.text[:take], p.starts[:take], p.ends[:take], p.token, p.constant, p.shared))
        left -= take
    return Skeleton(tuple(pieces), sk.notes, sk.refs)
