"""A byte-level test that lets the scanner skip files that cannot contain a retired call.

The tokens come from the catalog (``Catalog.prefilter_tokens``), so adding an endpoint to the data
adds its tokens here without a code change.  Parsing with libcst costs milliseconds a file; this
test costs microseconds, and most files of a real repository fail it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable


def _escapes(letters: Iterable[str]) -> re.Pattern[bytes] | None:
    r"""Backslash escapes that spell one of ``letters`` (``\x74``, ``\u0074``, ``\164``, ``\N{...}``)."""
    letters = set(letters)
    if not letters:
        return None
    forms: set[bytes] = {re.escape(b"\\N{")}
    for letter in letters:
        code = ord(letter)
        forms.add(re.escape(b"\\x") + b"(?i:%02x)" % code)
        forms.add(re.escape(b"\\u") + b"(?i:%04x)" % code)
        forms.add(re.escape(b"\\U") + b"(?i:%08x)" % code)
        forms.add(re.escape(b"\\") + b"%03o" % code)
    return re.compile(b"|".join(sorted(forms)))


class Prefilter:
    r"""The tokens, or an escape of a token's letter beside another literal word of a retired path.

    The second form keeps ``"/backup/\x74enant/..."`` (a segment spelled with an escape) from
    slipping past: such files are rare, and the token stage after this one looks at them exactly.
    """

    def __init__(
        self, tokens: Iterable[bytes], path_words: Iterable[bytes] = (), escape_letters: str = ""
    ) -> None:
        tokens = sorted(set(tokens), key=len, reverse=True)
        path_words = tuple(path_words)
        # The longest text any pattern here can match (an escape is at most ``\\N{`` or 10 bytes).
        self._longest = max([len(t) for t in tokens] + [len(w) for w in path_words] + [10])
        if not tokens:
            raise ValueError("the prefilter needs at least one token")
        self._pattern = re.compile(b"|".join(re.escape(t) for t in tokens))
        words = sorted(set(path_words), key=len, reverse=True)
        self._words = re.compile(b"|".join(re.escape(w) for w in words)) if words else None
        self._escape = _escapes(escape_letters) if words else None

    def may_match(self, data: bytes) -> bool:
        """True if ``data`` contains a token (or an escape beside a retired path word): parse it."""
        if self._pattern.search(data) is not None:
            return True
        if self._escape is None or self._words is None:
            return False
        return self._escape.search(data) is not None and self._words.search(data) is not None

    def may_match_file(self, path: Path, chunk_size: int = 1 << 22) -> bool:
        """:meth:`may_match` for a file read in chunks, so a huge file is never held in memory whole.

        Chunks overlap by the longest pattern's length, so a token split by a chunk edge is found.
        Raises ``OSError`` when the file cannot be read.
        """
        overlap = self._longest
        escape = words = False
        tail = b""
        with path.open("rb") as handle:
            while block := handle.read(chunk_size):
                data = tail + block
                if self._pattern.search(data) is not None:
                    return True
                if self._escape is not None and self._words is not None:
                    escape = escape or self._escape.search(data) is not None
                    words = words or self._words.search(data) is not None
                    if escape and words:
                        return True
                tail = data[-overlap:]
        return False
