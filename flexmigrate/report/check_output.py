"""Where a check report goes, and how several consumers share one result stream.

Streaming formats (JSON) are written to their destination as results arrive, so an interrupted run
keeps what it checked; whole-document formats (JUnit, Markdown, text) are written to a temporary file
beside the destination and renamed over it when complete, so a reader never sees half a report.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping, TextIO

from flexmigrate.models.check_results import CheckResult, ListDelta, RunSummary


class Output:
    """A text destination: stdout, a file written in place (streaming), or a file replaced atomically."""

    def __init__(self, path: Path | None, *, atomic: bool) -> None:
        self.path = path
        self._tmp: str | None = None
        if path is None:
            self.stream: TextIO = sys.stdout
        elif atomic:
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".partial", dir=path.parent or "."
            )
            self.stream = os.fdopen(fd, "w", encoding="utf-8")
        else:
            self.stream = open(path, "w", encoding="utf-8")

    def close(self) -> None:
        """Flush and, for an atomic file, move it into place."""
        if self.path is None:
            self.stream.flush()
            return
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        if self._tmp is not None:
            os.replace(self._tmp, self.path)
            self._tmp = None

    def discard(self) -> None:
        """Nothing was reported (the run could not start): leave no file behind."""
        if self.path is None:
            return
        self.stream.close()
        os.unlink(self._tmp if self._tmp is not None else self.path)
        self._tmp = None


class Tee:
    """Hands every event to each sink in turn (a progress bar first, so it is gone before the report)."""

    def __init__(self, *sinks: Any) -> None:
        self.sinks = [s for s in sinks if s is not None]

    def start(self, info: Mapping[str, Any]) -> None:
        for s in self.sinks:
            s.start(info)

    def list_delta(self, delta: ListDelta) -> None:
        for s in self.sinks:
            s.list_delta(delta)

    def result(self, result: CheckResult) -> None:
        for s in self.sinks:
            s.result(result)

    def finish(self, summary: RunSummary) -> None:
        for s in self.sinks:
            s.finish(summary)


def short(value: Any, width: int = 60) -> str:
    """A one-line rendering of a field value for tables."""
    import json

    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(result: CheckResult, limit: int = 5) -> str:
    """One line saying why a result is not a match."""
    if result.error:
        return result.error
    parts = [f"{d.field} {d.kind.value}" for d in result.differences[:limit]]
    if len(result.differences) > limit:
        parts.append(f"+{len(result.differences) - limit} more")
    return "; ".join(parts)
