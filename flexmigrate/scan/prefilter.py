"""A byte-level test that lets the scanner skip files that cannot contain a retired call.

The tokens come from the catalog (``Catalog.prefilter_tokens``), so adding an endpoint to the data
adds its tokens here without a code change.  Parsing with libcst costs milliseconds a file; this
test costs microseconds, and most files of a real repository fail it.
"""

from __future__ import annotations

import re
from typing import Iterable


class Prefilter:
    def __init__(self, tokens: Iterable[bytes]) -> None:
        tokens = sorted(set(tokens), key=len, reverse=True)
        if not tokens:
            raise ValueError("the prefilter needs at least one token")
        self._pattern = re.compile(b"|".join(re.escape(t) for t in tokens))

    def may_match(self, data: bytes) -> bool:
        """True if ``data`` contains a token, i.e. the file must be parsed."""
        return self._pattern.search(data) is not None
