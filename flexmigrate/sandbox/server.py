"""The wire: an asyncio ``Protocol`` that parses HTTP/1.1 with httptools and writes answers itself.

Why not a framework: the sandbox must serve thousands of requests a second on two cores and must be
able to misbehave on purpose (close without answering, cut or dribble a body), which needs control of
the socket.  Requests on one connection are answered in order (pipelining is honoured); a fault plan's
delay holds that connection only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from email.utils import formatdate

import httptools

from flexmigrate.sandbox.faults import NO_FAULT
from flexmigrate.sandbox.http import Request, Response, json_bytes

__all__ = ["HttpProtocol"]

MAX_BODY = 1 << 20  # the API's request bodies are a few hundred bytes; refuse anything absurd
LINGER_SECONDS = 2.0  # how long a refused connection is drained before it is closed
_date_cache: list = [0, ""]


def http_date() -> str:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[0], _date_cache[1] = now, formatdate(now, usegmt=True)
    return _date_cache[1]


class HttpProtocol(asyncio.Protocol):
    """One client connection."""

    def __init__(self, handle: Callable[[Request], Response], connections: set[HttpProtocol]) -> None:
        self.handle = handle
        self.connections = connections
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.pending: deque[tuple[Request, bool]] = deque()
        self.busy = False
        self.closed = False
        self.discarding = False  # after a refused request: read and drop input until closed
        self._url = b""
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._body_size = 0

    # -- asyncio callbacks ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        if self.discarding:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(400, "Upgrade is not supported")
        except httptools.HttpParserError as exc:
            if self._body_size > MAX_BODY:
                self._fail(413, f"Request body larger than {MAX_BODY} bytes")
            else:
                self._fail(400, f"Malformed HTTP request: {exc}")

    # -- httptools callbacks -------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = {}
        self._body = []
        self._body_size = 0

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        self._headers[key] = f"{self._headers[key]}, {text}" if key in self._headers else text

    def on_headers_complete(self) -> None:
        # curl and others wait for this before sending a large body (RFC 9110 section 10.1.1)
        if self._headers.get("expect", "").lower() == "100-continue" and self.transport is not None:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        self._body_size += len(body)
        if self._body_size > MAX_BODY:
            raise httptools.HttpParserError("request body too large")
        self._body.append(body)

    def on_message_complete(self) -> None:
        request = Request(
            method=self.parser.get_method().decode("ascii"),
            target=self._url.decode("latin-1"),
            headers=self._headers,
            body=b"".join(self._body),
        )
        self.pending.append((request, self.parser.should_keep_alive()))
        if not self.busy:
            self._serve_pending()

    # -- answering -----------------------------------------------------------------------------

    def _fail(self, status: int, message: str) -> None:
        """Answer a request the parser refused, then close gently.

        Closing a socket with unread input makes the kernel send a reset, which can destroy the answer
        before the client reads it; so: answer, half-close, discard whatever still arrives, close later.
        """
        response = Response(status, json_bytes({"error": status, "detail": message}))
        if self.transport is None or self.closed or self.discarding:
            return
        self.discarding = True
        self.transport.write(response.head(False, http_date()) + response.body)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        asyncio.get_running_loop().call_later(LINGER_SECONDS, self.transport.close)

    def _serve_pending(self) -> None:
        while self.pending and not self.busy and not self.closed:
            request, keep_alive = self.pending.popleft()
            try:
                response = self.handle(request)
            except Exception:  # a sandbox bug must not kill the connection silently
                logging.getLogger(__name__).exception("sandbox handler failed")
                response = Response(
                    500,
                    json_bytes(
                        {
                            "error": 500,
                            "errorCode": "UNEXPECTED_ERROR",
                            "reason": "Internal Server Error",
                            "detail": "Sandbox bug.",
                        }
                    ),
                )
            plan = response.plan
            if plan is NO_FAULT or (plan.kind == "none" and plan.delay <= 0):
                self._send(response, keep_alive)
                continue
            self.busy = True
            loop = asyncio.get_running_loop()
            if plan.delay > 0:
                loop.call_later(plan.delay, self._deliver, response, keep_alive)
            else:
                self._deliver(response, keep_alive)

    def _send(self, response: Response, keep_alive: bool) -> None:
        assert self.transport is not None
        self.transport.write(response.head(keep_alive, http_date()) + response.body)
        if not keep_alive:
            self.transport.close()
            self.closed = True

    def _resume(self) -> None:
        self.busy = False
        if not self.closed:
            self._serve_pending()

    def _deliver(self, response: Response, keep_alive: bool) -> None:
        """Carry out a fault plan (after its delay)."""
        if self.closed or self.transport is None:
            return
        kind = response.plan.kind
        transport = self.transport
        if kind == "drop":
            transport.close()
            self.closed = True
            return
        if kind == "truncate":
            cut = max(1, len(response.body) // 2)
            transport.write(
                response.head(False, http_date(), length=len(response.body)) + response.body[:cut]
            )
            transport.close()
            self.closed = True
            return
        if kind == "malformed":
            half = response.body[: len(response.body) // 2]
            response.body = half + b"\x00<not json>"
            self._send(response, keep_alive)
            self._resume()
            return
        if kind == "slow":
            transport.write(response.head(keep_alive, http_date()))
            self._dribble(response, keep_alive, 0)
            return
        self._send(response, keep_alive)
        self._resume()

    def _dribble(self, response: Response, keep_alive: bool, offset: int) -> None:
        if self.closed or self.transport is None:
            return
        chunk, interval = response.plan.chunk, response.plan.interval
        self.transport.write(response.body[offset : offset + chunk])
        offset += chunk
        if offset < len(response.body):
            asyncio.get_running_loop().call_later(interval, self._dribble, response, keep_alive, offset)
            return
        if not keep_alive:
            self.transport.close()
            self.closed = True
            return
        self._resume()
