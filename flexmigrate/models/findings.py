"""The one finding model: ``scan``, ``fix``, JSON, SARIF and audit reports are all views of a list of these.

A finding knows where it is, which rule produced it, which retired operation it concerns and what
replaces it, how safe its fix is, and the edits that make up the fix (if there is one).  Edits are
offsets into the *decoded source text* of the file that was analysed; the scanner turns them back
into bytes, so every byte outside an edit stays the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from flexmigrate.models.lines import LineIndex


class FixKind(str, Enum):
    """How a finding may be fixed (ruff's vocabulary)."""

    SAFE = "safe"  # applied by default
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes
    MANUAL = "manual"  # never applied: a human must look

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    @property
    def rank(self) -> int:
        """0 safe, 1 unsafe, 2 manual: the higher, the less sure."""
        return _RANK[self]


_RANK = {FixKind.SAFE: 0, FixKind.UNSAFE: 1, FixKind.MANUAL: 2}


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``source[start:end]`` with ``text`` (offsets into the decoded source text)."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad edit span {self.start}..{self.end}")


@dataclass(frozen=True)
class Finding:
    """One place in one file that uses a retired endpoint, or that a human must look at."""

    path: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    rule: str  # e.g. "FM101"
    message: str  # one line: what and why
    fix: FixKind
    operation: str | None = None  # the retired operation ID
    replacement: str | None = None  # the replacement operation ID
    edits: tuple[Edit, ...] = field(default=(), compare=False)
    end_line: int | None = None
    end_column: int | None = None
    applied: bool = False
    # Findings of one request (its URL, version headers, body, response-field reads) share a unit
    # number: they are applied together or not at all.  ``None``: a unit of its own.
    unit: int | None = field(default=None, compare=False)
    # The file type it was found in ("python", "terraform", "notebook", "shell", ...): set by the
    # scanner from the file type that read the file.
    language: str | None = field(default=None, compare=False)
    # The repository the file belongs to, in a report merged from many (``flexmigrate merge``).
    repository: str | None = field(default=None, compare=False)

    @classmethod
    def spanning(cls, lines: LineIndex, start: int, end: int, **fields) -> "Finding":
        """A finding over the text offsets ``start``..``end`` (its lines and columns from ``lines``)."""
        line, column = lines.line_col(start)
        end_line, end_column = lines.line_col(end)
        return cls(line=line, column=column, end_line=end_line, end_column=end_column, **fields)

    @property
    def fixable(self) -> bool:
        return bool(self.edits) and self.fix is not FixKind.MANUAL

    def mark_applied(self) -> "Finding":
        return replace(self, applied=True)

    @property
    def fix_label(self) -> str:
        """``applied`` once the fix was written, else the fix kind."""
        return "applied" if self.applied else self.fix.value

    def with_fix(self, fix: FixKind, reason: str) -> "Finding":
        """This finding with its fix kind lowered to ``fix``, the reason appended to the message."""
        return replace(self, fix=fix, message=f"{self.message}; {reason}")

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)
