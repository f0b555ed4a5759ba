"""Offsets in a text <-> 1-based lines and columns, with ``\\r\\n``, ``\\r`` and ``\\n`` each ending a line."""

from __future__ import annotations

import bisect
import re

_NEWLINE = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Where each line of one text starts, for converting positions both ways."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def offset(self, line: int, column: int) -> int:
        """Offset of a (1-based line, 0-based column) position."""
        return self.starts[line - 1] + column

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based column of an offset."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
