"""A byte-level test that lets the scanner skip files that cannot contain a retired call.

The tokens come from the catalog (``Catalog.prefilter_tokens``), so adding an endpoint to the data
adds its tokens here without a code change.  Parsing with libcst costs milliseconds a file; this
test costs microseconds, and most files of a real repository fail it.
"""

from __future__ import annotations

import re
from typing import Iterable


# A backslash escape that may spell a letter of a segment (``\x74enant``): such a file is looked at
# more closely when it also holds another literal segment of a retired path.
_ESCAPE = re.compile(rb"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{|[0-7]{3})")


class Prefilter:
    def __init__(self, tokens: Iterable[bytes], path_words: Iterable[bytes] = ()) -> None:
        tokens = sorted(set(tokens), key=len, reverse=True)
        if not tokens:
            raise ValueError("the prefilter needs at least one token")
        self._pattern = re.compile(b"|".join(re.escape(t) for t in tokens))
        words = sorted(set(path_words), key=len, reverse=True)
        self._words = re.compile(b"|".join(re.escape(w) for w in words)) if words else None

    def may_match(self, data: bytes) -> bool:
        """True if ``data`` contains a token (or an escape beside a retired path word): parse it."""
        if self._pattern.search(data) is not None:
            return True
        return (
            self._words is not None
            and _ESCAPE.search(data) is not None
            and self._words.search(data) is not None
        )
