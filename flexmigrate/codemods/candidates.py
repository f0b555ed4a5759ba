"""The second, exact stage of the filter: can this module's tokens form a retired call at all?

The byte prefilter lets through every file that contains ``tenant`` anywhere: "Maintenant",
``tenant_id``, ``/tenants/{id}``, a docstring of multi-tenant code.  This stage reads the file with
the standard ``tokenize`` module (no tree, no metadata) and keeps it only when

* a string literal (or a literal part of an f-string) holds a retired path segment of the catalog
  as a path segment: bounded by the string's edge, ``/``, an interpolation (``{``, ``}``, ``%``),
  a query or fragment, or an escape -- never by a letter, digit, ``_``, ``-`` or a space; or
* a name or a string holds a retired operation name or alias as a whole word.

Everything the URL engine can match is built from such strings, so recall is kept (the test
suite runs every codemod fixture through the scanner to prove it), while identifiers, comments
and prose never reach libcst.  A file ``tokenize`` cannot read is passed on, so that the parser
reports it.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from typing import Iterable, Iterator

from flexmigrate.catalog import Catalog

_STRING_TYPES = {tokenize.STRING} | (
    {tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set()
)


# An escape that can spell a letter inside a string literal.
LETTER_ESCAPE = re.compile(r"\\(?:[xuU0-7]|N\{)")


class CandidateTest:
    def __init__(self, segments: Iterable[str], names: Iterable[str]) -> None:
        self.segments = tuple(sorted(set(segments), key=len, reverse=True))
        self._names = frozenset(names)
        self._segment = re.compile(_segment_pattern(self.segments)) if self.segments else None
        ordered = sorted(self._names, key=len, reverse=True)
        self._name_in_text = re.compile(_word_pattern(ordered)) if ordered else None

    def byte_pattern(self) -> re.Pattern[bytes]:
        """The raw-text test of :meth:`hit_offsets` on bytes: a retired segment bounded as a path
        segment, or a retired name as a whole word.  Every token the exact test keeps matches it."""
        parts = [_segment_pattern(self.segments)] if self.segments else []
        if self._names:
            parts.append(_word_pattern(sorted(self._names, key=len, reverse=True)))
        return re.compile("|".join(parts).encode("ascii") if parts else b"(?!)")

    def _holds(self, text: str) -> bool:
        if self._segment is not None and self._segment.search(text):
            return True
        return self._name_in_text is not None and self._name_in_text.search(text) is not None

    def may_hold_call(self, text: str) -> bool:
        """False only when no token of ``text`` can form a retired path segment or operation name."""
        for _ in self._hits(text, stop_at_first=True):
            return True
        return False

    def hit_offsets(self, text: str) -> list[int] | None:
        """Offsets in ``text`` around which a token may form a retired segment or name.

        Read from the raw text (a C-speed regex, no tokenizer), so comments and prose match too: a
        superset of the tokens :meth:`hit_lines` finds, unless an escape could spell a letter
        (``"\\x74enant"``); then ``None``, and the caller asks :meth:`hit_lines`.
        """
        if LETTER_ESCAPE.search(text):
            return None
        found = [m.start() for m in self._segment.finditer(text)] if self._segment is not None else []
        if self._name_in_text is not None:
            found.extend(m.start() for m in self._name_in_text.finditer(text))
        return sorted(found)

    def hit_lines(self, text: str) -> list[int] | None:
        """The line of every token that can form a retired segment or name; ``None`` when ``text``
        is not valid Python to ``tokenize`` (the caller then treats the whole file as a candidate)."""
        lines = list(self._hits(text, stop_at_first=False))
        return None if lines and lines[-1] < 0 else lines

    def _hits(self, text: str, *, stop_at_first: bool) -> Iterator[int]:
        """Start lines of the tokens that can form a retired call; ``-1`` last when tokenizing fails."""
        try:
            for tok in tokenize.generate_tokens(io.StringIO(text).readline):
                if tok.type in _STRING_TYPES:
                    hit = self._holds(tok.string) or (
                        "\\" in tok.string and self._holds(_evaluated(tok.string))
                    )
                elif tok.type == tokenize.NAME:
                    hit = tok.string in self._names
                elif tok.type == tokenize.ERRORTOKEN:
                    yield -1  # not valid Python: let the parser say what is wrong
                    return
                else:
                    continue
                if hit:
                    yield tok.start[0]
                    if stop_at_first:
                        return
        except (tokenize.TokenError, SyntaxError, IndentationError):
            yield -1  # let the parser say what is wrong


def _segment_pattern(segments: Iterable[str]) -> str:
    """A segment bounded as a path segment: by a string's edge, ``/``, an interpolation, a query, a
    fragment or an escape; never by a letter, digit, ``_``, ``-`` or a space."""
    seg = "|".join(re.escape(s) for s in segments)
    return rf"(?:^|[/}}'\"])(?:{seg})(?=$|[/{{%?#\\'\"])"


def _word_pattern(words: Iterable[str]) -> str:
    return rf"(?<![A-Za-z0-9_])(?:{'|'.join(re.escape(w) for w in words)})(?![A-Za-z0-9_])"


def _evaluated(literal: str) -> str:
    """A string token with its escapes resolved (``"\\x74enant"`` -> ``"tenant"``), where it is plain."""
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return ""  # an f-string or a part of one: escapes there are checked as written
    return f"'{value}'" if isinstance(value, str) else ""


@functools.cache
def candidate_test(catalog: Catalog) -> CandidateTest:
    """The token test for ``catalog``'s retired segments and names, built once per catalog."""
    return CandidateTest(catalog.retired_segments(), catalog.retired_names())
