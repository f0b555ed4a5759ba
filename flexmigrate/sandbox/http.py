"""The sandbox's own small request and response objects, independent of the wire code.

``Request`` is what the server parsed; ``Response`` is what the app decided, including the fault plan
the server must carry out while sending it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flexmigrate.sandbox.faults import NO_FAULT, FaultPlan

__all__ = ["Request", "Response", "json_bytes"]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    410: "Gone",
    413: "Content Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def json_bytes(body: Any, pretty: bool = False) -> bytes:
    """Compact JSON, or for ``pretty=true`` the layout of Atlas's indented answers (``"key" : value``)."""
    if pretty:
        return json.dumps(body, indent=2, separators=(",", " : "), ensure_ascii=False).encode("utf-8")
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class Request:
    method: str
    target: str  # the request target exactly as sent (path and query): Digest signs it
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    path: str = ""
    query: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.path:
            parts = urlsplit(self.target)
            self.path = unquote(parts.path)
            self.query = parse_qs(parts.query, keep_blank_values=True)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    plan: FaultPlan = NO_FAULT

    def head(self, keep_alive: bool, date: str, length: int | None = None) -> bytes:
        lines = [
            f"HTTP/1.1 {self.status} {_REASONS.get(self.status, 'Unknown')}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body) if length is None else length}",
            f"Date: {date}",
        ]
        lines.extend(f"{k}: {v}" for k, v in self.headers)
        if not keep_alive:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
