"""The reducer: any string-building expression to a skeleton (see ``flexmigrate.codemods.url.skeleton``).

One method per expression type (``_r_<NodeType>``); anything without a method does not build a
string and becomes a hole in the enclosing skeleton.  Templates (``%``, ``.format``) are read from the
literal characters of their skeleton, so a template held in a constant works like an inline one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Sequence

import libcst as cst

from flexmigrate.codemods.url.skeleton import (
    Builder,
    Hole,
    ListValue,
    Lit,
    NameResolver,
    NameValue,
    Skeleton,
    Unreadable,
    decode_string_token,
    escaped,
    fill,
    hole,
    split_prefix,
    truncate,
)

__all__ = ["Reducer"]

_PERCENT_SPEC = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)


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

    def reduce_orhole(self, node: cst.BaseExpression) -> Skeleton:
        sk = self.reduce(node)
        return sk if sk is not None else hole(node)

    # -- strings ------------------------------------------------------------------------------
    def _r_SimpleString(self, node: cst.SimpleString) -> Skeleton:
        prefix, quote = split_prefix(node.value)
        start, _ = self._span(node)
        body = node.value[len(prefix) + len(quote) : len(node.value) - len(quote)]
        lit = decode_string_token(
            body,
            start + len(prefix) + len(quote),
            id(node),
            raw="r" in prefix,
            is_bytes="b" in prefix,
            fstring=False,
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
        b = Builder()
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                start, _ = self._span(part)
                b.add(
                    Skeleton(
                        (
                            decode_string_token(
                                part.value, start, id(node), raw=raw, is_bytes=False, fstring=True
                            ),
                        )
                    )
                )
            else:
                assert isinstance(part, cst.FormattedStringExpression)
                plain = part.conversion is None and part.format_spec is None and part.equal is None
                inner = self.reduce(part.expression) if plain else None
                b.add(inner if inner is not None else hole(part.expression))
        return b.build()

    # -- operators ----------------------------------------------------------------------------
    def _r_BinaryOperation(self, node: cst.BinaryOperation) -> Skeleton | None:
        if isinstance(node.operator, cst.Add):
            left, right = self.reduce(node.left), self.reduce(node.right)
            if left is None and right is None:
                return None
            return (left or hole(node.left)) + (right or hole(node.right))
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
                return j, hole(None)
            if m.group("type") == "%":
                return j, escaped(chars[i], chars[j - 1])
            if m.group("key") is not None:
                value = keyed.get(m.group("key"))
            else:
                value = positional[index] if not starred and index < len(positional) else None
                index += 1
            plain = m.group("type") == "s" and not (m.group("flags") or m.group("width") or m.group("prec"))
            return j, self._value(value, plain)

        return fill(template, field)

    def _value(self, value: cst.BaseExpression | None, plain: bool) -> Skeleton:
        """What a template field holds: the value's own skeleton if it is plain text, else a hole."""
        inner = self.reduce(value) if (value is not None and plain) else None
        return inner if inner is not None else hole(value)

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
        elif isinstance(func, cst.Name) and not node.args:
            return self._r_Name(func)  # a function that returns a constant URL template (Names)
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
                return i + 2, escaped(chars[i], nxt)
            if ch != "{":
                return None  # a lone "}" fails at run time; it stays literal text here
            depth, j, text = 1, i + 1, ""
            while j < len(chars) and depth:
                c = chars[j]
                if isinstance(c, Hole):
                    raise Unreadable  # a field whose own text is computed
                depth += {"{": 1, "}": -1}.get(c[0], 0)
                if depth:
                    text += c[0]
                j += 1
            if depth:
                raise Unreadable
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

        return fill(template, field)

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
        b = Builder()
        b.notes |= notes
        for n, element in enumerate(elements):
            if n:
                b.add(shared_sep)
            if element is None:
                b.add(hole(None))
                continue
            sk = self.reduce_orhole(element)
            span = self._element_span(elements, n) if display is not None or not notes else None
            if span is not None and len(sk.pieces) == 1 and isinstance(sk.pieces[0], Lit):
                sk = Skeleton((replace(sk.pieces[0], element=span),), sk.notes, sk.refs)
            if owner is not None:
                sk = Skeleton(
                    tuple(p.with_constant(owner) if isinstance(p, Lit) else p for p in sk.pieces),
                    sk.notes,
                    sk.refs,
                )
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
            return hole(base_node) + path  # only the base's scheme and host survive
        base = self.reduce(base_node)
        last = base.pieces[-1] if base is not None and base.pieces else None
        if isinstance(last, Lit) and last.text.endswith("/"):
            return base + path  # type: ignore[operator]
        if base is not None and base.all_literal and "/" in base.flat:
            keep = base.flat.rindex("/") + 1
            return truncate(base, keep) + path
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
