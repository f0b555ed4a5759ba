"""The second, exact stage of the filter: can a string of this module become a retired URL at all?

The byte stage lets through files whose text holds a retired segment bounded as a path segment
(``"tenant"``, ``/backup/tenant/``) or a retired operation name.  Multi-tenant code is full of
``"tenant"`` strings that no URL is ever built from: ``options.get('tenant')``,
``self._token['tenant']``, ``{'tenant': t}``, ``'tenant' in scopes``, a template path
``admin/django_tenants/tenant/change_form.html``.  This stage parses the file with the standard
library's ``ast`` (C speed, no metadata) and keeps it only when

* a string constant (escapes resolved, implicit concatenations joined, f-string parts included)
  holds a retired segment as a path segment (bounded by the value's edge, ``/``, an interpolation,
  a query, a fragment or a control character; never by a letter, digit, ``_``, ``-``, ``{`` or a
  space) whose neighbours within the value can be its neighbours in a catalog path (``backup``
  before ``tenant``; ``restores``, ``restore``, ``snapshots`` or ``download`` after it; a piece
  cut by the value's edge or a template field may be anything that fits), **and**
  can be URL text to the URL engine:

  - it holds a ``/`` itself, so it can be a path on its own (``requests.get("/backup/tenant/...")``);
  - or it stands inside an expression that builds a string (an f-string, ``+`` or ``%``, a call
    of ``.format``, ``.join``, ``urljoin``, or a segment list's ``.append``/``.extend``/``.insert``)
    where something can come before the segment; a string that starts such an expression with
    the segment (``"tenant{}".format(i)``) builds a value that still cannot be a path by itself,
    and is followed on to wherever that value goes;
  - or it lies in a value bound to a name (an assignment, a loop's iterable, a parameter's
    default, the ``return`` of a function of no parameters) that reaches such an expression,
    directly or through other names (:mod:`codemods.carriers`), since the engine reads a hole
    through its name and takes the hole's strings as evidence;

* or a name or a string holds a retired operation name or alias as a whole word.

A string in a plain call, a condition, a statement of its own, or bound to an attribute or an
item (``self.sync_tenant = options.get('tenant')``) is none of these, so the engine could never
match it, and the file does not reach libcst.  The test suite runs every codemod fixture through
the scanner, and holds the scanner to the unfiltered engine on each case of this stage, to prove
that recall is kept.  A file ``ast`` cannot parse is passed on, so that the parser reports it.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple

from flexmigrate.catalog import Catalog
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.codemods import carriers
from flexmigrate.codemods.escaped import EscapedSegments, SplitSegments

__all__ = ["LETTER_ESCAPE", "CandidateTest", "candidate_test"]

# An escape that can spell a letter inside a string literal.
LETTER_ESCAPE = re.compile(r"\\(?:[xuU0-7]|N\{)")
# Where a line ends, as ``ast`` counts lines (a lone ``\r`` ends one too).
_NEWLINE = re.compile(r"\r\n|\r|\n")
# Where a path piece after a segment ends.
_PIECE_END = re.compile(r"[/?#]")


class CandidateTest:
    def __init__(
        self,
        segments: Iterable[str],
        names: Iterable[str],
        split: SplitSegments | None = None,
        neighbours: Mapping[str, Neighbours] | None = None,
    ) -> None:
        self.segments = tuple(sorted(set(segments), key=len, reverse=True))
        self.neighbours = dict(neighbours or {})  # a segment with none may stand anywhere
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
        in_urls = functools.cache(lambda: carriers.url_names(tree))
        for stmt in tree.body:
            first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
            last = stmt.end_lineno or stmt.lineno
            at = bisect.bisect_left(lines, first)
            if at < len(lines) and lines[at] <= last:
                found.update(self._relevant_in(stmt, in_urls, lines))
        return sorted(found)

    def _relevant_in(
        self, stmt: ast.stmt, in_urls: Callable[[], frozenset[str]], lines: list[int]
    ) -> Iterator[int]:
        """Lines of the string constants of ``stmt`` that hold a segment where a URL can be built.

        ``in_urls`` gives the module's names that can reach URL text (worked out once, if asked);
        ``lines`` (sorted) are where the raw text holds a segment: a node that spans none of them
        is not entered, so a large class with one hit costs little more than that hit's lines.
        """
        assert self._in_value is not None or not self.segments
        stack: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [(stmt, ())]
        joined: set[int] = set()  # literals tested as part of a ``+`` run, not alone
        while stack:
            node, ancestors = stack.pop()
            if isinstance(node, ast.Constant):
                value = _text(node)
                if (
                    value is not None
                    and id(node) not in joined
                    and self._can_be_url_text(value, node, ancestors, in_urls)
                ):
                    yield node.lineno
                continue
            if _chain_top(node, ancestors):
                yield from self._joined_runs(node, ancestors, in_urls, joined)  # type: ignore[arg-type]
            inner = (*ancestors, node)
            for child in ast.iter_child_nodes(node):
                first = getattr(child, "lineno", None)
                decorators = getattr(child, "decorator_list", None)
                if decorators:  # a decorated def or class begins at its first decorator
                    first = min(first, *(d.lineno for d in decorators))
                if first is not None:
                    at = bisect.bisect_left(lines, first)
                    if at == len(lines) or lines[at] > (child.end_lineno or first):  # type: ignore[attr-defined]
                        continue
                stack.append((child, inner))

    def _joined_runs(
        self,
        chain: ast.BinOp,
        ancestors: tuple[ast.AST, ...],
        in_urls: Callable[[], frozenset[str]],
        joined: set[int],
    ) -> Iterator[int]:
        """Lines of the runs of literal text joined by ``+`` in ``chain`` (``"/backup/ten" +
        "ant/..."``, an f-string's last part and the literal after it) that hold a segment where a
        URL can be built, each tested as the one string it makes.  The literals of a run are added
        to ``joined``: they are not tested alone (``"Main" + "tenant"`` holds no segment)."""
        pieces = [piece for part in _operands(chain) for piece in _pieces(part)]
        start = 0
        while start < len(pieces):
            end = start
            while end < len(pieces) and _text(pieces[end]) is not None:
                end += 1
            run = pieces[start:end]
            if len({id(p) for p in run}) >= 2:
                joined.update(id(p) for p in run)
                value = "".join(_text(p) or "" for p in run)
                if start > 0:  # something comes before it: URL text, if the segment fits
                    if self._fitting_starts(value):
                        yield run[0].lineno  # type: ignore[attr-defined]
                elif self._can_be_url_text(value, chain, ancestors, in_urls):
                    yield run[0].lineno  # type: ignore[attr-defined]
            start = end + 1

    def _can_be_url_text(
        self,
        value: str,
        node: ast.AST,
        ancestors: tuple[ast.AST, ...],
        in_urls: Callable[[], frozenset[str]],
    ) -> bool:
        """Whether the URL engine can read ``value`` as part of a retired path, or as evidence in a hole.

        A segment counts only where its neighbours within the value can be its neighbours in a
        catalog path (``admin/django_tenants/tenant/change_form.html`` cannot).  A value with a
        ``/`` can be a path on its own; any other counts where :func:`carriers.destination` sends
        it: into URL text, or into a name that reaches URL text.
        """
        starts = self._fitting_starts(value)
        if not starts:
            return False
        if "/" in value:
            return True
        names = carriers.destination(node, ancestors, leading=all(s == 0 for s in starts))
        return names is carriers.URL_TEXT or (bool(names) and not names.isdisjoint(in_urls()))

    def _fitting_starts(self, value: str) -> list[int]:
        """Where a segment stands in ``value`` with neighbours a catalog path can give it."""
        if self._in_value is None:
            return []
        return [m.start() for m in self._in_value.finditer(value) if self._fits(value, m.start(), m.end())]

    def _fits(self, value: str, start: int, end: int) -> bool:
        """Whether the segment ``value[start:end]`` has neighbours a catalog path can give it."""
        around = self.neighbours.get(value[start:end])
        if around is None:
            return True
        return _fits_before(value[:start], around.before) and _fits_after(value[end:], around.after)


def _text(node: ast.AST) -> str | None:
    """The text of a string or bytes literal (bytes read as Latin-1), or ``None``."""
    if not isinstance(node, ast.Constant):
        return None
    if isinstance(node.value, bytes):
        return node.value.decode("latin-1")
    return node.value if isinstance(node.value, str) else None


def _is_add(node: ast.AST) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)


def _chain_top(node: ast.AST, ancestors: tuple[ast.AST, ...]) -> bool:
    """Whether ``node`` is a whole ``a + b + c`` chain (not the left part of a longer one)."""
    return _is_add(node) and not (ancestors and _is_add(ancestors[-1]) and ancestors[-1].left is node)  # type: ignore[attr-defined]


def _pieces(part: ast.AST) -> list[ast.AST]:
    """An operand as pieces of text and holes: an f-string's literal parts and fields, or the
    operand itself."""
    return list(part.values) if isinstance(part, ast.JoinedStr) else [part]


def _operands(chain: ast.BinOp) -> list[ast.AST]:
    """The operands of an ``a + b + c`` chain, left to right."""
    parts: list[ast.AST] = []
    node: ast.AST = chain
    while _is_add(node):
        parts.append(node.right)  # type: ignore[attr-defined]
        node = node.left  # type: ignore[attr-defined]
    parts.append(node)
    return parts[::-1]


class Neighbours(NamedTuple):
    """The literal segments next to a retired segment in the catalog's paths.

    ``None``: anything (a path parameter stands there, or the path's edge); ``""`` in ``after``:
    the path may end there.
    """

    before: frozenset[str] | None
    after: frozenset[str] | None


def neighbours(paths: Iterable[tuple[str, ...]], segments: Iterable[str]) -> dict[str, Neighbours]:
    """The :class:`Neighbours` of each of ``segments`` over the segment tuples of ``paths``."""
    before: dict[str, set[str] | None] = {}
    after: dict[str, set[str] | None] = {}
    wanted = set(segments)
    for parts in paths:
        for index, seg in enumerate(parts):
            if seg not in wanted:
                continue
            prev = parts[index - 1] if index > 0 else "{"
            following = parts[index + 1] if index + 1 < len(parts) else ""
            for side, piece in ((before, prev), (after, following)):
                known = side.setdefault(seg, set())
                if known is not None:
                    if piece.startswith("{"):
                        side[seg] = None
                    else:
                        known.add(piece)
    return {
        seg: Neighbours(
            None if before[seg] is None else frozenset(before[seg]),  # type: ignore[arg-type]
            None if after[seg] is None else frozenset(after[seg]),  # type: ignore[arg-type]
        )
        for seg in before
    }


def _fits_before(head: str, allowed: frozenset[str] | None) -> bool:
    """``head`` is the value's text before the segment: can the piece before it be in ``allowed``?"""
    if allowed is None or not head.endswith("/"):
        return True  # the value's edge, an interpolation, a template field: unknown
    rest = head[:-1]
    cut = rest.rfind("/")
    piece = rest[cut + 1 :]
    if any(c in piece for c in "{}%"):
        return True
    if cut < 0:  # the piece runs to the value's edge: more may come before it
        return any(a.endswith(piece) for a in allowed)
    return piece in allowed


def _fits_after(tail: str, allowed: frozenset[str] | None) -> bool:
    """``tail`` is the value's text after the segment: can what follows be in ``allowed``?"""
    if allowed is None or not tail:
        return True
    if tail[0] in "?#":
        return "" in allowed
    if tail[0] != "/":
        return True  # an interpolation, a template field, an escape: unknown
    end = _PIECE_END.search(tail, 1)
    piece = tail[1 : end.start() if end else len(tail)]
    if any(c in piece for c in "{%"):
        return True
    if end is None:  # the piece runs to the value's edge: more may follow it
        return any(a.startswith(piece) for a in allowed)
    return piece in allowed


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
    segments = (*retired, *catalog.flex_segments())
    paths = [p.segments() for ep in catalog for p in (ep.old, ep.new)]
    gates = set()
    for ep in catalog:
        parts = ep.old.segments()
        for seg in retired:
            if seg in parts and parts.index(seg) > 0:
                gates.add(f"{parts[parts.index(seg) - 1]}/")
    return CandidateTest(
        segments,
        (*catalog.retired_names(), *ecosystems(catalog).python_names()),
        SplitSegments(retired, gates),
        neighbours(paths, segments),
    )
