"""``flexmigrate check --format json`` (one JSON document) and ``--format jsonl`` (JSON Lines, streamed).

``json`` is written as the run goes into a temporary file beside the destination, which is renamed
over it when the document is complete: a reader (or a killed run) never leaves half a document at
the destination.  A run stopped by SIGINT or SIGTERM still completes it (``summary.interrupted`` is
true).  ``jsonl`` is for watching a long run and for runs that may be killed outright: every line is
one complete JSON object, written and flushed whole -- a ``header`` line, one ``result`` line per
ID, and a ``summary`` line at the end -- so every line a killed run left parses on its own.
Schema: docs/checker.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, TextIO

from flexmigrate.models.check_results import CheckResult, ListDelta, RunSummary

FORMAT = "flexmigrate-check"
VERSION = 1


def _dump(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class JsonRenderer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._count = 0

    def start(self, info: Mapping[str, Any]) -> None:
        head = _dump({"format": FORMAT, "version": VERSION, "settings": dict(info)})
        self.out.write(head[:-1] + ',"results":[\n')
        self.out.flush()

    def list_delta(self, delta: ListDelta) -> None:
        """Lists are reported in the summary (they are known before the first result)."""

    def result(self, result: CheckResult) -> None:
        self.out.write(("," if self._count else "") + _dump(result.to_dict()) + "\n")
        self._count += 1
        self.out.flush()

    def finish(self, summary: RunSummary) -> None:
        self.out.write('],\n"summary":' + _dump(summary.to_dict()) + "}\n")
        self.out.flush()


class JsonLinesRenderer:
    """One JSON object per line: ``header``, then ``result`` lines, then ``summary``."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def _line(self, obj: Mapping[str, Any]) -> None:
        self.out.write(_dump(obj) + "\n")  # one write of one whole line, flushed at once
        self.out.flush()

    def start(self, info: Mapping[str, Any]) -> None:
        self._line({"type": "header", "format": FORMAT, "version": VERSION, "settings": dict(info)})

    def list_delta(self, delta: ListDelta) -> None:
        """Lists are reported in the summary line."""

    def result(self, result: CheckResult) -> None:
        self._line({"type": "result", **result.to_dict()})

    def finish(self, summary: RunSummary) -> None:
        self._line({"type": "summary", "summary": summary.to_dict()})


def read_report(path: Path) -> dict[str, Any]:
    """A ``json`` or ``jsonl`` report as one dict (``summary`` is ``None`` for a run killed outright)."""
    text = path.read_text("utf-8")
    first = text.split("\n", 1)[0]
    if '"type":"header"' in first:
        return _read_lines(text)
    try:
        return json.loads(text)
    except ValueError:
        pass
    lines = text.split("\n")
    head = json.loads(lines[0].removesuffix('"results":[').rstrip(",") + "}") if lines and lines[0] else {}
    results = []
    for line in lines[1:]:
        if line.startswith("]"):
            break
        try:
            results.append(json.loads(line.removeprefix(",")))
        except ValueError:
            break  # the last line may be cut mid-write
    return {**head, "results": results, "summary": None}


def _read_lines(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"results": [], "summary": None}
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        try:
            obj = json.loads(line)
        except ValueError:
            if number == len(lines):
                break  # the last line of a run killed mid-write
            raise
        kind = obj.pop("type")
        if kind == "header":
            doc.update(obj)
        elif kind == "result":
            doc["results"].append(obj)
        elif kind == "summary":
            doc["summary"] = obj["summary"]
    return doc
