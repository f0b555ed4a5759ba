"""``flexmigrate check --format json``: one JSON document, streamed.

The document is written as the run goes: the header and the opening of ``results`` first, then one
result per line (flushed), then the closing ``lists`` and ``summary``.  A run stopped by SIGINT or
SIGTERM still closes the document (``summary.interrupted`` is true); a run killed outright leaves
every completed result line intact, and :func:`read_report` recovers them.  Schema: docs/checker.md.
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


def read_report(path: Path) -> dict[str, Any]:
    """A report as a dict; for a report cut short, the header and every complete result line."""
    text = path.read_text("utf-8")
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
