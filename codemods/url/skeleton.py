"""Reduce a URL-building expression to a *skeleton*: literal text with holes where values go.

Every form of string building (plain and implicitly concatenated strings, f-strings, ``%`` and
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
from typing import Callable, Iterable, Sequence, Union

import libcst as cst

__all__ = [
    "HOLE",
    "Hole",
    "Lit",
    "Skeleton",
    "Reducer",
    "NameValue",
    "ListValue",
    "decode_string_token",
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


Piece = Union[Lit, Hole]


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


def _hole(node: cst.CSTNode | None) -> Skeleton:
    return Skeleton((Hole(node),))


def decode_string_token(
    body: str, base: int, token: int, *, raw: bool, is_bytes: bool, fstring: bool
) -> Lit:
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


def _split_prefix(value: str) -> tuple[str, str]:
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


NameResolver = Callable[[cst.Name], Union[NameValue, ListValue, None]]


class _Builder:
    """Collects characters and pieces, merging neighbouring characters of one run."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.notes: set[str] = set()
        self.refs: list[cst.Name] = []
        self._text: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._key: tuple | None = None

    def char(self, ch: str, start: int, end: int, src: Lit) -> None:
        key = (src.token, src.constant, src.shared)
        if key != self._key:
            self._flush()
            self._key = key
        self._text.append(ch)
        self._starts.append(start)
        self._ends.append(end)

    def add(self, sk: Skeleton) -> None:
        self._flush()
        self.pieces.extend(sk.pieces)
        self.notes |= sk.notes
        self.refs.extend(sk.refs)

    def _flush(self) -> None:
        if self._text and self._key is not None:
            token, constant, shared = self._key
            self.pieces.append(
                Lit("".join(self._text), tuple(self._starts), tuple(self._ends), token, constant, shared)
            )
        self._text, self._starts, self._ends, self._key = [], [], [], None

    def build(self) -> Skeleton:
        self._flush()
        return Skeleton(tuple(self.pieces), frozenset(self.notes), tuple(self.refs))


def _chars(sk: Skeleton) -> list[tuple[str, Lit, int] | Hole]:
    out: list[tuple[str, Lit, int] | Hole] = []
    for p in sk.pieces:
        if isinstance(p, Lit):
            out.extend((c, p, k) for k, c in enumerate(p.text))
        else:
            out.append(p)
    return out


_PERCENT_SPEC = re.compile(r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")


class Reducer:
    """Turns expressions into skeletons.

    ``span`` gives a node's source offsets; ``resolve`` tells what a bare name stands for (a module
    constant, a local segment list, or nothing known).  Constants are inlined recursively, with a guard
    against cycles.
    """

    def __init__(
        self,
        span: Callable[[cst.CSTNode], tuple[int, int]],
        resolve: NameResolver,
        source: str | None = None,
    ) -> None:
        self._span = span
        self._resolve = resolve
        self._source = source
        self._active: set[str] = set()

    # -- entry points -------------------------------------------------------------------------
    def reduce(self, node: cst.BaseExpression) -> Skeleton | None:
        """The skeleton of ``node``, or ``None`` when it does not build a string."""
        method = getattr(self, "_r_" + type(node).__name__, None)
        return method(node) if method else None

    def reduce_or_hole(self, node: cst.BaseExpression) -> Skeleton:
        sk = self.reduce(node)
        return sk if sk is not None else _hole(node)

    # -- strings ------------------------------------------------------------------------------
    def _r_SimpleString(self, node: cst.SimpleString) -> Skeleton:
        prefix, quote = _split_prefix(node.value)
        start, _ = self._span(node)
        body = node.value[len(prefix) + len(quote) : len(node.value) - len(quote)]
        lit = decode_string_token(
            body, start + len(prefix) + len(quote), id(node), raw="r" in prefix, is_bytes="b" in prefix, fstring=False
        )
        return Skeleton((lit,))

    def _r_ConcatenatedString(self, node: cst.ConcatenatedString) -> Skeleton | None:
        left, right = self.reduce(node.left), self.reduce(node.right)
        if left is None or right is None:
            return None
        first = node.right
        while isinstance(first, cst.ConcatenatedString):
            first = first.left
        head = right.pieces[0] if right.pieces else None
        if isinstance(first, cst.SimpleString) and isinstance(head, Lit) and head.token == id(first):
            span = (self._span(node.left)[1], self._span(first)[1])
            right = Skeleton((replace(head, removal=span), *right.pieces[1:]), right.notes, right.refs)
        return left + right

    def _r_FormattedString(self, node: cst.FormattedString) -> Skeleton:
        raw = "r" in node.start.lower()
        b = _Builder()
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                start, _ = self._span(part)
                b.add(Skeleton((decode_string_token(part.value, start, id(node), raw=raw, is_bytes=False, fstring=True),)))
            else:
                assert isinstance(part, cst.FormattedStringExpression)
                plain = part.conversion is None and part.format_spec is None and part.equal is None
                inner = self.reduce(part.expression) if plain else None
                b.add(inner if inner is not None else _hole(part.expression))
        return b.build()

    # -- operators ----------------------------------------------------------------------------
    def _r_BinaryOperation(self, node: cst.BinaryOperation) -> Skeleton | None:
        if isinstance(node.operator, cst.Add):
            left, right = self.reduce(node.left), self.reduce(node.right)
            if left is None and right is None:
                return None
            return (left or _hole(node.left)) + (right or _hole(node.right))
        if isinstance(node.operator, cst.Modulo):
            template = self.reduce(node.left)
            if template is None or not template.has_literal:
                return None
            return self._percent(template, node.right)
        return None

    def _percent(self, template: Skeleton, right: cst.BaseExpression) -> Skeleton | None:
        if isinstance(right, cst.Tuple):
            positional = [e.value for e in right.elements if not isinstance(e, cst.StarredElement)]
            starred = any(isinstance(e, cst.StarredElement) for e in right.elements)
        else:
            positional, starred = [right], isinstance(right, cst.Dict)
        keyed: dict[str, cst.BaseExpression] = {}
        if isinstance(right, cst.Dict):
            for el in right.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString):
                    keyed[str(el.key.evaluated_value)] = el.value
        index = 0

        def field(chars: list, i: int) -> tuple[int, Skeleton] | None:
            nonlocal index
            if chars[i][0] != "%":
                return None
            # The conversion spec is read from the literal characters that follow.
            j, spec = i + 1, "%"
            while j < len(chars) and not isinstance(chars[j], Hole) and not _PERCENT_SPEC.fullmatch(spec):
                spec += chars[j][0]
                j += 1
            m = _PERCENT_SPEC.fullmatch(spec)
            if m is None:
                return j, _hole(None)
            if m.group("type") == "%":
                return j, _escaped(chars[i], chars[j - 1])
            if m.group("key") is not None:
                value = keyed.get(m.group("key"))
            else:
                value = positional[index] if not starred and index < len(positional) else None
                index += 1
            plain = m.group("type") == "s" and not (m.group("flags") or m.group("width") or m.group("prec"))
            return j, self._value(value, plain)

        return _fill(template, field)

    def _value(self, value: cst.BaseExpression | None, plain: bool) -> Skeleton:
        """What a template field holds: the value's own skeleton if it is plain text, else a hole."""
        inner = self.reduce(value) if (value is not None and plain) else None
        return inner if inner is not None else _hole(value)

    # -- calls ----------------------------------------------------------------------------------
    def _r_Call(self, node: cst.Call) -> Skeleton | None:
        func = node.func
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr == "format":
                template = self.reduce(func.value)
                if template is None or not template.has_literal:
                    return None
                return self._format(template, node.args)
            if attr == "join":
                sep = self.reduce(func.value)
                if sep is None or not sep.all_literal or len(node.args) != 1 or node.args[0].star:
                    return None
                return self._join(sep, node.args[0].value)
            if attr == "urljoin":
                return self._urljoin(node)
        elif isinstance(func, cst.Name) and func.value == "urljoin":
            return self._urljoin(node)
        return None

    def _format(self, template: Skeleton, args: Sequence[cst.Arg]) -> Skeleton | None:
        # After a ``*args`` the positions are unknown: such fields become holes.
        starred = any(a.star == "*" for a in args)
        positional = [] if starred else [a.value for a in args if a.keyword is None and not a.star]
        keyword = {a.keyword.value: a.value for a in args if a.keyword is not None}
        auto = 0

        def field(chars: list, i: int) -> tuple[int, Skeleton] | None:
            nonlocal auto
            ch = chars[i][0]
            nxt = chars[i + 1] if i + 1 < len(chars) else None
            if ch in "{}" and isinstance(nxt, tuple) and nxt[0] == ch:
                return i + 2, _escaped(chars[i], nxt)
            if ch != "{":
                return None  # a lone "}" fails at run time; it stays literal text here
            depth, j, text = 1, i + 1, ""
            while j < len(chars) and depth:
                c = chars[j]
                if isinstance(c, Hole):
                    raise _Unreadable  # a field whose own text is computed
                depth += {"{": 1, "}": -1}.get(c[0], 0)
                if depth:
                    text += c[0]
                j += 1
            if depth:
                raise _Unreadable
            name, conv_spec = re.match(r"([^!:]*)(.*)", text, re.S).groups()  # type: ignore[union-attr]
            base = re.match(r"[^.\[]*", name).group(0)  # type: ignore[union-attr]
            if base == "":
                value = positional[auto] if auto < len(positional) else None
                auto += 1
            elif base.isdigit():
                value = positional[int(base)] if int(base) < len(positional) else None
            else:
                value = keyword.get(base)
            return j, self._value(value, base == name and not conv_spec)

        return _fill(template, field)

    def _join(self, sep: Skeleton, arg: cst.BaseExpression) -> Skeleton | None:
        shared_sep = Skeleton(tuple(p.as_shared() for p in sep.pieces if isinstance(p, Lit)))
        notes: set[str] = set()
        owner: str | None = None
        if isinstance(arg, (cst.List, cst.Tuple)):
            display: cst.List | cst.Tuple | None = arg
            elements: Sequence[cst.BaseExpression | None] = [
                None if isinstance(e, cst.StarredElement) else e.value for e in arg.elements
            ]
        elif isinstance(arg, cst.Name):
            resolved = self._resolve(arg)
            if not isinstance(resolved, ListValue):
                return None
            display, owner = None, resolved.key
            elements = [*resolved.elements, *resolved.appended]
            if resolved.appended:
                notes.add("appended-later")
        else:
            return None
        b = _Builder()
        b.notes |= notes
        for n, element in enumerate(elements):
            if n:
                b.add(shared_sep)
            if element is None:
                b.add(_hole(None))
                continue
            sk = self.reduce_or_hole(element)
            span = self._element_span(elements, n) if display is not None or not notes else None
            if span is not None and len(sk.pieces) == 1 and isinstance(sk.pieces[0], Lit):
                sk = Skeleton((replace(sk.pieces[0], element=span),), sk.notes, sk.refs)
            if owner is not None:
                sk = Skeleton(tuple(p.with_constant(owner) if isinstance(p, Lit) else p for p in sk.pieces), sk.notes, sk.refs)
            b.add(sk)
        if owner is not None:
            b.refs.append(arg)  # type: ignore[arg-type]
        return b.build()

    def _element_span(self, elements: Sequence[cst.BaseExpression | None], n: int) -> tuple[int, int] | None:
        """The source span whose removal deletes element ``n`` and one comma (only commas and spaces).

        Used when a segment disappears from a ``"/".join`` list: the separator is shared by every
        element, so the element itself goes, taking its comma with it.  A comment in that span (which
        would be lost) makes the element not deletable.
        """
        if len(elements) < 2 or any(e is None for e in elements):
            return None
        own = self._span(elements[n])  # type: ignore[arg-type]
        if n + 1 < len(elements):
            start, end = own[0], self._span(elements[n + 1])[0]  # type: ignore[arg-type]
            between = self._text(own[1], end)
        else:
            start, end = self._span(elements[n - 1])[1], own[1]  # type: ignore[arg-type]
            between = self._text(start, own[0])
        if between is None or between.replace(",", "").strip():
            return None
        return start, end

    def _urljoin(self, node: cst.Call) -> Skeleton | None:
        args = [a for a in node.args if a.keyword is None and not a.star]
        if len(args) != 2:
            return None
        base_node, path_node = args[0].value, args[1].value
        path = self.reduce(path_node)
        if path is None or not path.has_literal:
            return None
        first = path.pieces[0] if path.pieces else None
        if isinstance(first, Lit) and re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", first.text):
            return path  # an absolute URL ignores the base
        if isinstance(first, Lit) and first.text.startswith("/"):
            return _hole(base_node) + path  # only the base's scheme and host survive
        base = self.reduce(base_node)
        last = base.pieces[-1] if base is not None and base.pieces else None
        if isinstance(last, Lit) and last.text.endswith("/"):
            return base + path  # type: ignore[operator]
        if base is not None and base.all_literal and "/" in base.flat:
            keep = base.flat.rindex("/") + 1
            return _truncate(base, keep) + path
        slash = Lit("/", (), (), None)
        return Skeleton((Hole(base_node), slash), frozenset({"relative-join"})) + path

    def _text(self, start: int, end: int) -> str | None:
        return self._source[start:end] if self._source is not None else None

    # -- names ----------------------------------------------------------------------------------
    def _r_Name(self, node: cst.Name) -> Skeleton | None:
        resolved = self._resolve(node)
        if not isinstance(resolved, NameValue) or resolved.name in self._active:
            return None
        self._active.add(resolved.name)
        try:
            inner = self.reduce(resolved.value)
        finally:
            self._active.discard(resolved.name)
        if inner is None:
            return None
        pieces = tuple(p.with_constant(resolved.name) if isinstance(p, Lit) else p for p in inner.pieces)
        return Skeleton(pieces, inner.notes, (node, *inner.refs))


class _Unreadable(Exception):
    """A template whose fields cannot be read without running the code."""


FieldReader = Callable[[list, int], Union[tuple[int, Skeleton], None]]


def _fill(template: Skeleton, field: FieldReader) -> Skeleton | None:
    """``template`` with each field ``field`` recognises replaced by what it returns.

    ``field(chars, i)`` looks at the literal character ``chars[i]``: ``None`` keeps it as text, else
    it returns the index after the field and the field's skeleton.  Holes pass through unchanged.
    """
    chars = _chars(template)
    b = _Builder()
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
    except _Unreadable:
        return None
    return b.build()


def _escaped(first: tuple[str, Lit, int], last: tuple[str, Lit, int]) -> Skeleton:
    """One character written as two (``%%``, ``{{``): never an exact, editable character."""
    ch, lit, k = first
    return Skeleton((replace(lit, text=ch, starts=(lit.starts[k],), ends=(last[1].ends[last[2]],), element=None, removal=None),))


def _truncate(sk: Skeleton, keep: int) -> Skeleton:
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
