"""A byte-level test that lets the scanner skip files that cannot contain a retired call.

The tokens come from the catalog (``Catalog.prefilter_tokens``), so adding an endpoint to the data
adds its tokens here without a code change.  Parsing with libcst costs milliseconds a file; this
test costs microseconds, and most files of a real repository fail it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable


def _letter(letter: str, escaped: bool) -> bytes:
    r"""``letter`` as bytes in a string literal: written plainly or as an escape (``\x74``,
    ``\u0074``, ``\U00000074``, ``\164``, ``\N{...}``); ``escaped`` leaves out the plain form."""
    code = ord(letter)
    forms = [
        re.escape(b"\\x") + b"(?i:%02x)" % code,
        re.escape(b"\\u") + b"(?i:%04x)" % code,
        re.escape(b"\\U") + b"(?i:%08x)" % code,
        re.escape(b"\\") + b"%03o" % code,
        rb"\\N\{[^}\r\n]{1,80}\}",
    ]
    if not escaped:
        forms.append(re.escape(letter.encode()))
    return b"(?:" + b"|".join(forms) + b")"


def _escape_starts(segments: Iterable[str]) -> re.Pattern[bytes] | None:
    """Where an escaped segment can begin to differ from plain text: an escape of one of its letters,
    ``\\N{``, or a backslash-newline right after one of its letters.  Each starts with a literal
    backslash, which ``re`` scans for fast."""
    codes = sorted({ord(ch) for s in segments for ch in s})
    if not codes:
        return None
    forms = [rb"N\{"]
    for code in codes:
        forms += [b"x(?i:%02x)" % code, b"u(?i:%04x)" % code, b"U(?i:%08x)" % code, b"%03o" % code]
    letters = re.escape(bytes(codes))
    forms.append(rb"(?<=[" + letters + rb"]\\)\r?\n")  # the letter before the backslash
    return re.compile(rb"\\(?:" + b"|".join(forms) + rb")")


def _escaped(segments: Iterable[str]) -> re.Pattern[bytes] | None:
    r"""A segment with at least one letter spelled by an escape (``\x74enant``), a backslash-newline
    allowed between letters: text that the token stage must evaluate to see."""
    alternatives = []
    gap = rb"(?:\\\r?\n)*"
    for segment in sorted(set(segments)):
        for i in range(len(segment)):
            alternatives.append(gap.join(_letter(ch, escaped=(j == i)) for j, ch in enumerate(segment)))
        # A backslash-newline alone inside the word (``ten\<newline>ant``) hides it as well.
        for i in range(1, len(segment)):
            plain = [re.escape(ch.encode()) for ch in segment]
            alternatives.append(b"".join(plain[:i]) + rb"\\\r?\n" + gap + gap.join(plain[i:]))
    return re.compile(b"|".join(alternatives)) if alternatives else None


class Prefilter:
    r"""A retired segment or name in the bytes, or a retired segment spelled with an escape.

    Two steps, both at C speed: ``bytes.find`` for a few *anchors* (substrings that every token
    holds, chosen from the tokens: ``tenant`` and ``Backup`` today), then, in the rare file that
    holds one, ``confirm`` -- the token stage's own test on raw text (a segment bounded as a path
    segment, a name as a whole word), so "Maintenant" and ``tenant_id`` stop here.  The escape form
    keeps ``"/backup/\x74enant/..."`` from slipping past; the token stage looks at it exactly.
    """

    def __init__(
        self,
        tokens: Iterable[bytes],
        escaped_segments: Iterable[str] = (),
        confirm: re.Pattern[bytes] | None = None,
    ) -> None:
        tokens = sorted(set(tokens), key=len, reverse=True)
        if not tokens:
            raise ValueError("the prefilter needs at least one token")
        escaped_segments = tuple(escaped_segments)
        self.anchors = anchors(tokens)
        self._confirm = confirm
        self._escape = _escaped(escaped_segments)
        self._escape_start = _escape_starts(escaped_segments)
        # Chunks of a large file overlap by this much: the longest token with a byte of boundary on
        # each side, or the longest escaped segment (a letter takes at most 85 bytes, as ``\N{...}``).
        self._longest = max([len(t) + 2 for t in tokens] + [85 * len(s) for s in escaped_segments])

    def may_match(self, data: bytes) -> bool:
        """True if ``data`` holds a token, or a segment spelled with an escape: look closer."""
        if any(anchor in data for anchor in self.anchors) and (
            self._confirm is None or self._confirm.search(data) is not None
        ):
            return True
        return self._escape is not None and b"\\" in data and self._has_escaped_segment(data)

    def _has_escaped_segment(self, data: bytes) -> bool:
        """The escaped-segment regex, run only in windows around an escape that could belong to one."""
        assert self._escape is not None and self._escape_start is not None
        searched_to = -1
        for found in self._escape_start.finditer(data):
            if found.start() < searched_to:
                continue
            start, end = max(0, found.start() - self._longest), found.end() + self._longest
            if self._escape.search(data, start, end) is not None:
                return True
            searched_to = end - self._longest
        return False

    def may_match_file(self, path: Path, chunk_size: int = 1 << 22) -> bool:
        """:meth:`may_match` for a file read in chunks, so a huge file is never held in memory whole.

        Chunks overlap by the longest pattern's length, so a token split by a chunk edge is found.
        Raises ``OSError`` when the file cannot be read.
        """
        tail = b""
        with path.open("rb") as handle:
            while block := handle.read(chunk_size):
                data = tail + block
                if self.may_match(data):
                    return True
                tail = data[-self._longest :]
        return False


def anchors(tokens: Iterable[bytes], shortest: int = 5) -> tuple[bytes, ...]:
    """Few substrings such that every token holds one (greedy set cover, longest on ties).

    ``bytes.find`` for each anchor is far cheaper than a regex alternation of every token.
    """
    uncovered = set(tokens)
    chosen: list[bytes] = []
    while uncovered:
        counts: dict[bytes, int] = {}
        for token in uncovered:
            subs = {token[i:j] for i in range(len(token)) for j in range(i + shortest, len(token) + 1)}
            for sub in subs or {token}:
                counts[sub] = counts.get(sub, 0) + 1
        best = max(sorted(counts), key=lambda sub: (counts[sub], len(sub)))
        chosen.append(best)
        uncovered = {t for t in uncovered if best not in t}
    return tuple(chosen)
