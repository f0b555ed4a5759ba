"""Replay recorded Atlas answers: ``flexmigrate sandbox --replay DIR``.

A folder of recorded exchanges, one JSON file each, in the format of the project's research folder
(``recorded-atlas``; docs/sandbox.md "Replay"):

* ``request``: ``method`` and ``path`` (or ``path_from_filename``); recorders of the Atlas CLI's
  kind keep no query string, headers or body, so a request is matched by method and path alone;
* ``response``: ``status``, ``headers`` as ``[name, value]`` pairs in the order they were sent, and
  ``body_text`` exactly as it came (``body_json`` is ignored: the bytes are what is replayed).

Several recordings of one method and path are served in the order of their file names, the last one
repeating (a job watched from RUNNING to COMPLETED).  A request nothing was recorded for gets what
Atlas answers for a route it does not have (``sandbox.json`` ``errors.route_not_found``).  Nothing is checked on the way in: a replay
answers anyone, since the recordings themselves hold no secret.  A file that is not a recorded
exchange is named, with the reason, and left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flexmigrate.sandbox.errors import api_error
from flexmigrate.sandbox.facts import facts
from flexmigrate.sandbox.http import Request, Response, json_bytes

__all__ = ["Exchange", "ReplayApp", "load_exchanges"]

# Headers that describe one connection or one transfer; the replay server writes its own.
_HOP_BY_HOP = frozenset(
    {"connection", "content-length", "date", "transfer-encoding", "keep-alive", "content-type"}
)


@dataclass(frozen=True)
class Exchange:
    """One recorded answer to one request."""

    source: str  # the file it came from
    method: str
    path: str
    status: int
    headers: tuple[tuple[str, str], ...]
    content_type: str
    body: bytes


def _exchange(path: Path) -> Exchange:
    data = json.loads(path.read_text("utf-8"))
    request, response = data["request"], data["response"]
    target = request.get("path") or request["path_from_filename"]
    headers = [(str(k), str(v)) for k, v in response.get("headers", [])]
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "application/json")
    body = response.get("body_text")
    if not isinstance(body, str):
        raise ValueError("response.body_text is not a string")
    if not isinstance(target, str) or not target.startswith("/"):
        raise ValueError("request.path is not an absolute path")
    return Exchange(
        source=path.name,
        method=str(request["method"]).upper(),
        path=target.split("?", 1)[0],
        status=int(response["status"]),
        headers=tuple((k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP),
        content_type=content_type,
        body=body.encode("utf-8"),
    )


def load_exchanges(folder: Path) -> tuple[list[Exchange], list[str]]:
    """Every recorded exchange of ``folder`` (``*.json``, by file name), and one line per bad file."""
    exchanges: list[Exchange] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.json")):
        try:
            exchanges.append(_exchange(path))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            why = f"missing {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
            problems.append(f"{path}: not a recorded exchange ({why}); left out")
    return exchanges, problems


@dataclass
class ReplayApp:
    """Answers requests from recorded exchanges; the same ``handle`` as the synthetic sandbox."""

    exchanges: list[Exchange]
    base_url: str = ""
    served: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        self._by_key: dict[tuple[str, str], list[Exchange]] = defaultdict(list)
        for exchange in self.exchanges:
            self._by_key[(exchange.method, exchange.path)].append(exchange)

    @property
    def paths(self) -> list[tuple[str, str]]:
        """The (method, path) pairs this replay can answer."""
        return sorted(self._by_key)

    def handle(self, request: Request) -> Response:
        key = (request.method.upper(), request.path)
        recorded = self._by_key.get(key)
        if not recorded:  # what Atlas answers for a route it does not have
            err = api_error("route_not_found", request.path, path=request.path)
            wire = facts().data["wire"]
            code = err.body[facts().fields("error")["code"]]
            return Response(
                err.status,
                json_bytes(err.body),
                wire["error_content_type"],
                [(wire["error_code_header"], code)],
            )
        turn = self.served[key]
        self.served[key] = turn + 1
        exchange = recorded[min(turn, len(recorded) - 1)]
        return Response(exchange.status, exchange.body, exchange.content_type, list(exchange.headers))
