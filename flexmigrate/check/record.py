"""``--record`` and ``--baseline``: raw responses kept on disk, so parity can be proven after the sunset.

A record file is JSON Lines: a header line, then one line per fetched response (family, resource,
cluster, ID, status, body), each written whole and flushed, so an interrupted run keeps every line
it wrote.  Bodies pass through the redactor first (secret-named keys, URL query strings, the run's
own secrets).  A baseline is a record file read back: only the byte offset of each retired-family
line is indexed, and the body is read when its ID is checked, so memory does not grow with the file.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from flexmigrate.check.redact import Redactor
from flexmigrate.check.transport import Reply

FORMAT = "flexmigrate-check-record"
VERSION = 1


class RecordError(Exception):
    """A baseline file that is not a flexmigrate record."""


class Recorder:
    """Appends redacted responses to a record file."""

    def __init__(self, path: Path, redactor: Redactor, meta: dict[str, Any]) -> None:
        self._redactor = redactor
        self._fh: IO[str] = open(path, "w", encoding="utf-8")
        header = {"format": FORMAT, "version": VERSION, "recorded_at": _now(), **meta}
        self._write(header)

    def _write(self, obj: dict[str, Any]) -> None:
        self._fh.write(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n")
        self._fh.flush()

    def add(self, family: str, resource: str, cluster: str, item_id: str, reply: Reply) -> None:
        self._write(
            {
                "family": family,
                "resource": resource,
                "cluster": cluster,
                "id": item_id,
                "status": reply.status,
                "error": self._redactor.text(reply.error) if reply.error else None,
                "body": self._redactor.document(reply.body),
            }
        )

    def close(self) -> None:
        self._fh.close()


class Baseline:
    """Responses recorded earlier, looked up by (family, resource, cluster, ID)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._index: dict[tuple[str, str, str, str], int] = {}
        self._fh = open(path, "rb")
        first = self._fh.readline()
        try:
            header = json.loads(first)
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise RecordError(f"{path} is not a flexmigrate check record (made with --record)")
        self.header = header
        while True:
            offset = self._fh.tell()
            line = self._fh.readline()
            if not line:
                break
            if not line.endswith(b"\n"):  # a line cut short by an interrupted run
                break
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            self._index[(entry["family"], entry["resource"], entry["cluster"], entry["id"])] = offset

    def ids(self, family: str, resource: str, cluster: str) -> list[str]:
        return [k[3] for k in self._index if k[0] == family and k[1] == resource and k[2] == cluster]

    def clusters(self, resource: str) -> list[str]:
        return sorted({k[2] for k in self._index if k[1] == resource})

    def reply(self, family: str, resource: str, cluster: str, item_id: str) -> Reply | None:
        offset = self._index.get((family, resource, cluster, item_id))
        if offset is None:
            return None
        self._fh.seek(offset)
        entry = json.loads(self._fh.readline())
        return Reply(entry["status"], entry["body"], entry.get("error"))

    def close(self) -> None:
        self._fh.close()


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
