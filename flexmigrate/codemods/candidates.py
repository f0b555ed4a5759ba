"""The second, exact stage of the filter: can a string of this module become a retired URL at all?

The byte stage lets through files whose text holds a retired segment bounded as a path segment
(``"tenant"``, ``/backup/tenant/``) or a retired operation name.  Multi-tenant code is full of
``"tenant"`` strings that no URL is ever built from: ``options.get('tenant')``,
``token['tenant']``, ``{'tenant': t}``, ``'tenant' in scopes``.  This stage parses the file with
the standard library's ``ast`` (C speed, no metadata) and keeps it only when

* a string constant (escapes resolved, implicit concatenations joined, f-string parts included)
  holds a retired segment as a path segment (bounded by the value's edge, ``/``, an interpolation,
  a query, a fragment or a control character; never by a letter, digit, ``_``, ``-``, ``{`` or a
  space), **and**
  can be URL text to the URL engine:

  - it holds a ``/`` itself, so it can be a path on its own (``requests.get("/backup/tenant/...")``);
  - or it stands inside an expression that builds a string: an f-string, ``+`` or ``%``, a call of
    ``.format``, ``.join`` or ``urljoin`` (the constructs the engine widens through,
    ``codemods.url.widen``), or ``.append``/``.extend``/``.insert`` (a segment list extended
    later, ``codemods.url.names``); a string inside such an expression's holes counts too,
    since the engine reads hole strings as evidence;
  - or anywhere inside a value that a name can carry to such an expression: an assignment's
    value (``kind = KINDS["tenant"]`` is read through ``kind``), a ``return`` or ``yield``, a
    lambda, a parameter's default, a loop's iterable;

* or a name or a string holds a retired operation name or alias as a whole word.

A string without a ``/`` in a statement of its own, a condition or a plain call
(``parser.add_argument(dest='tenant')``, ``if 'tenant' in scopes:``, ``log(token['tenant'])``)
is none of these, so the engine could never match it, and the file
does not reach libcst.  The test suite runs every codemod fixture through the scanner to prove
that recall is kept.  A file ``ast`` cannot parse is passed on, so that the parser reports it.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
from typing import Iterable, Iterator

from flexmigrate.catalog import Catalog
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.codemods.escaped import EscapedSegments, SplitSegments

__all__ = ["LETTER_ESCAPE", "CandidateTest", "candidate_test"]

# An escape that can spell a letter inside a string literal.
LETTER_ESCAPE = re.compile(r"\\(?:[xuU0-7]|N\{)")
_NEWLINE = re.compile(r"\n")
# Calls whose receiver or arguments the URL engine reads as URL text.
_BUILDING_CALLS = frozenset({"format", "join", "urljoin", "append", "extend", "insert"})
# Whatever lies inside these is carried out of the expression (returned, yielded, a default).
_CARRIED = (ast.Return, ast.Yield, ast.YieldFrom, ast.Lambda, ast.arguments)


class CandidateTest:
    def __init__(
        self, segments: Iterable[str], names: Iterable[str], split: SplitSegments | None = None
    ) -> None:
        self.segments = tuple(sorted(set(segments), key=len, reverse=True))
        self._names = frozenset(names)
        self._segment = re.compile(_segment_pattern(self.segments)) if self.segments else None
        seg = "|".join(re.escape(s) for s in self.segments)
        # The bounds of the source-text test, in a value: the quotes are gone (the value's edges),
        # escapes are resolved (a control character), f-string parts end where a field begins.
        self._in_value = re.compile(rf"(?:^|(?<=[/}}]))(?:{seg})(?=$|[/{{%?#\\\x00-\x1f])") if seg else None
        self.escaped = EscapedSegments(self.segments)
        self.split = split  # segments split mid-word across concatenated literals
        ordered = sorted(self._names, key=len, reverse=True)
        self._name_in_text = re.compile(_word_pattern(ordered)) if ordered else None

    def byte_pattern(self) -> re.Pattern[bytes]:
        """The raw-text test on bytes: a retired segment bounded as a path segment, or a retired
        name as a whole word.  Every string this stage keeps matches it (unless spelled with escapes)."""
        parts = [_segment_pattern(self.segments)] if self.segments else []
        if self._names:
            parts.append(_word_pattern(sorted(self._names, key=len, reverse=True)))
        return re.compile("|".join(parts).encode("ascii") if parts else b"(?!)")

    def may_hold_call(self, text: str) -> bool:
        """False only when no string of ``text`` can become a retired URL and no retired name appears."""
        lines = self.relevant_lines(text)
        return lines is None or bool(lines)

    def relevant_lines(self, text: str, tree: ast.Module | None = None) -> list[int] | None:
        """Lines of the strings that can become retired URL text and of retired names, in order;
        ``None`` when ``ast`` cannot parse ``text`` (the caller then hands the whole file on)."""
        offsets = [m.start() for m in self._segment.finditer(text)] if self._segment is not None else []
        offsets += self.escaped.offsets(text)
        if self.split is not None:
            offsets += self.split.offsets(text)
        names = (
            [m.start() for m in self._name_in_text.finditer(text)] if self._name_in_text is not None else []
        )
        if not offsets and not names:
            return []
        if tree is None:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
        line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        found = {bisect.bisect_right(line_starts, offset) for offset in names}
        # Only the top-level statements holding a raw hit (plain or escaped) are walked.
        lines = sorted({bisect.bisect_right(line_starts, offset) for offset in offsets})
        for stmt in tree.body:
            first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
            last = stmt.end_lineno or stmt.lineno
            at = bisect.bisect_left(lines, first)
            if at < len(lines) and lines[at] <= last:
                found.update(self._relevant_in(stmt))
        return sorted(found)

    def _relevant_in(self, stmt: ast.stmt) -> Iterator[int]:
        """Lines of the string constants of ``stmt`` that hold a segment where a URL can be built."""
        assert self._in_value is not None or not self.segments
        stack: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [(stmt, ())]
        while stack:
            node, ancestors = stack.pop()
            if isinstance(node, ast.Constant):
                value = node.value
                if isinstance(value, bytes):
                    value = value.decode("latin-1")
                if (
                    isinstance(value, str)
                    and self._in_value is not None
                    and self._in_value.search(value)
                    and ("/" in value or _can_be_url_text(node, ancestors))
                ):
                    yield node.lineno
                continue
            inner = (*ancestors, node)
            stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def _can_be_url_text(node: ast.AST, ancestors: tuple[ast.AST, ...]) -> bool:
    """Whether the URL engine can read the string ``node`` as URL text, or as evidence in a hole.

    Yes inside a string-building expression, and anywhere inside a value that a name or a call
    carries elsewhere (an assignment's value, a ``return``, a default, a loop's iterable), since
    the engine follows names to their values and reads the strings of a hole.
    """
    children = (*ancestors[1:], node)
    for parent, child in zip(ancestors, children):
        if _builds_string(parent):
            return True
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            if parent.value is child:
                return True
        elif isinstance(parent, _CARRIED):
            return True
        elif isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is child:
            return True
    return False


def _builds_string(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.Add, ast.Mod))
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr in _BUILDING_CALLS
        return isinstance(func, ast.Name) and func.id == "urljoin"
    return False


def _segment_pattern(segments: Iterable[str]) -> str:
    """A segment bounded as a path segment in source text: by a quote, ``/``, an interpolation, a
    query, a fragment or an escape; never by a letter, digit, ``_``, ``-`` or a space."""
    seg = "|".join(re.escape(s) for s in segments)
    return rf"(?:^|[/}}'\"])(?:{seg})(?=$|[/{{%?#\\'\"])"


def _word_pattern(words: Iterable[str]) -> str:
    return rf"(?<![A-Za-z0-9_])(?:{'|'.join(re.escape(w) for w in words)})(?![A-Za-z0-9_])"


@functools.cache
def candidate_test(catalog: Catalog) -> CandidateTest:
    """The test for ``catalog``'s retired segments and names, built once per catalog.

    The names are the retired operation IDs and aliases, and every Python name a wrapper of them
    is called by (Pulumi and CDKTF names, generated API classes and methods, Atlas CLI groups).
    The segments include the Flex ones (``flexClusters``): a request already on the Flex path may
    be half migrated (``rules.half_migrated``).
    """
    retired = catalog.retired_segments()
    gates = set()
    for ep in catalog:
        segments = ep.old.segments()
        for seg in retired:
            if seg in segments and segments.index(seg) > 0:
                gates.add(f"{segments[segments.index(seg) - 1]}/{seg[0]}")
    return CandidateTest(
        (*retired, *catalog.flex_segments()),
        (*catalog.retired_names(), *ecosystems(catalog).python_names()),
        SplitSegments(retired, gates),
    )
