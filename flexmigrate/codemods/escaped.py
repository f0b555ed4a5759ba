r"""A retired segment spelled with escapes (``"\x74enant"``, ``"te\156ant"``, ``"ten\<newline>ant"``).

Python evaluates such a literal to the plain segment, so the URL engine sees it; the plain-text
tests of the filter stages do not.  :class:`EscapedSegments` finds them in raw text (``str`` or
``bytes``): a cheap scan for escapes that could spell a segment's letter (each starts with a
backslash, which ``re`` scans for fast), then the full pattern only in a window around each.
"""

from __future__ import annotations

import functools
import re
from typing import AnyStr, Iterable, Iterator

__all__ = ["EscapedSegments", "SplitSegments"]

# Every letter of a segment spelled as an escape takes at most this many characters (``\N{...}``).
_LONGEST_LETTER = 85


def _letter(letter: str, escaped: bool) -> str:
    r"""``letter`` in a string literal: as an escape (``\x74``, ``\u0074``, ``\U00000074``, ``\164``,
    ``\N{...}``) or, unless ``escaped``, written plainly."""
    code = ord(letter)
    forms = [
        rf"\\x(?i:{code:02x})",
        rf"\\u(?i:{code:04x})",
        rf"\\U(?i:{code:08x})",
        rf"\\{code:03o}",
        r"\\N\{[^}\r\n]{1,80}\}",
    ]
    if not escaped:
        forms.append(re.escape(letter))
    return "(?:" + "|".join(forms) + ")"


def _full(segments: tuple[str, ...]) -> str:
    """A segment with at least one letter escaped, or split by a backslash-newline."""
    alternatives = []
    gap = r"(?:\\\r?\n)*"
    for segment in segments:
        for i in range(len(segment)):
            alternatives.append(gap.join(_letter(ch, escaped=(j == i)) for j, ch in enumerate(segment)))
        plain = [re.escape(ch) for ch in segment]
        for i in range(1, len(segment)):
            alternatives.append("".join(plain[:i]) + r"\\\r?\n" + gap + gap.join(plain[i:]))
    return "|".join(alternatives)


def _starts(segments: tuple[str, ...]) -> str:
    """Where such a segment starts to differ from plain text: an escape of one of its letters,
    ``\\N{``, or a backslash-newline right after one of its letters."""
    codes = sorted({ord(ch) for s in segments for ch in s})
    forms = [r"N\{"]
    for code in codes:
        forms += [rf"x(?i:{code:02x})", rf"u(?i:{code:04x})", rf"U(?i:{code:08x})", f"{code:03o}"]
    letters = re.escape("".join(map(chr, codes)))
    forms.append(r"(?<=[" + letters + r"]\\)\r?\n")  # the letter before the backslash
    return r"\\(?:" + "|".join(forms) + ")"


class EscapedSegments:
    def __init__(self, segments: Iterable[str]) -> None:
        self.segments = tuple(sorted(set(segments)))
        if not all(s.isascii() for s in self.segments):
            raise ValueError("retired segments are ASCII path words")
        self.window = _LONGEST_LETTER * max((len(s) for s in self.segments), default=0)
        # The full pattern (every letter in every escape form) takes a tenth of a second to compile
        # and is needed only once an escape is found, so each form is compiled on first use.
        self._sources = (_starts(self.segments), _full(self.segments)) if self.segments else None

    def offsets(self, data: AnyStr) -> list[int]:
        """Where an escaped segment begins in ``data`` (text or bytes), in order."""
        return sorted(set(self._find(data, first=False)))

    def search(self, data: AnyStr) -> bool:
        """Whether ``data`` holds an escaped segment."""
        return any(True for _ in self._find(data, first=True))

    def _find(self, data: AnyStr, *, first: bool) -> Iterator[int]:
        if self._sources is None or ("\\" if isinstance(data, str) else b"\\") not in data:
            return
        as_bytes = isinstance(data, bytes)
        starts = _compiled(self._sources[0], as_bytes)
        full = None
        # A match around an escape lies within ``window`` of it: the windows of nearby escapes are
        # merged, so text dense with escapes is searched once and a lone escape costs one window.
        lo = hi = -1
        for hit in [*starts.finditer(data), None]:
            if hit is not None and lo >= 0 and hit.start() - self.window <= hi:
                hi = hit.end() + self.window
                continue
            if lo >= 0:
                full = full or _compiled(self._sources[1], as_bytes)
                for match in full.finditer(data, lo, hi):
                    yield match.start()
                    if first:
                        return
            if hit is not None:
                lo, hi = max(0, hit.start() - self.window), hit.end() + self.window


# Between two concatenated literals: the closing quote, blanks, comments, line breaks and line
# continuations, at most one ``+`` (an explicit concatenation), a string prefix, the opening quote.
_GAP = r"(?:\s|#[^\r\n]*|\\\r?\n)*"
_QUOTE_BREAK = rf"""["']{_GAP}(?:\+{_GAP})?(?:[rRbBuUfF]{{1,2}})?["']"""


class SplitSegments:
    """A retired segment split mid-word across concatenated literals (``"/backup/t" "enant/restores"``,
    a formatter's line wrap, or ``"/backup/ten" + "ant/restores"``), found in raw text or bytes.

    The search runs only where a *gate* is: the segment before it in every retired path, with its
    slash (``backup/``), which a split of the segment itself does not break (``"backup/" "ten"
    "ant/"`` too); so ordinary code, where the gate is rare, costs one substring search.  A
    segment split where no gate stands in the file (a ``KIND = ("te" "nant")`` joined elsewhere)
    is not found.
    """

    def __init__(self, segments: Iterable[str], gates: Iterable[str]) -> None:
        self.gates = tuple(sorted(set(gates)))
        alternatives = [
            re.escape(seg[:i]) + _QUOTE_BREAK + re.escape(seg[i:])
            for seg in sorted(set(segments))
            for i in range(1, len(seg))
        ]
        self._source = "|".join(alternatives) if alternatives and self.gates else None

    def offsets(self, data: AnyStr) -> list[int]:
        """Where a split segment begins in ``data``, in order."""
        return [m.start() for m in self._matches(data)]

    def search(self, data: AnyStr) -> bool:
        return any(True for _ in self._matches(data))

    def _matches(self, data: AnyStr) -> Iterator[re.Match]:
        if self._source is None:
            return
        as_bytes = isinstance(data, bytes)
        gates = [g.encode() for g in self.gates] if as_bytes else list(self.gates)
        if not any(g in data for g in gates):
            return
        yield from _compiled(self._source, as_bytes).finditer(data)


@functools.cache
def _compiled(source: str, as_bytes: bool) -> re.Pattern:
    """``source`` compiled for text or for bytes, once per process, when first needed."""
    return re.compile(source.encode() if as_bytes else source)
