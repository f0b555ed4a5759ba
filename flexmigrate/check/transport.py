"""GET requests to the Atlas Admin API: keep-alive, bounded concurrency, rate limits, retries, timeouts.

One :class:`Transport` per run wraps one ``httpx.AsyncClient``.  It only ever sends GET (the token
POST of a service account belongs to :mod:`auth`).  A request is retried, through tenacity, on
429/503 (honouring Retry-After), on other 5xx (exponential backoff with jitter), on timeouts, on
dropped connections and on truncated or malformed bodies; whatever still fails after the last attempt
comes back as a :class:`Reply` whose ``error`` says why, never as an exception, so every ID gets a verdict.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any, Mapping

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from flexmigrate import __version__
from flexmigrate.check.auth import TokenError
from flexmigrate.check.ratelimit import TokenBucket, header_int
from flexmigrate.check.redact import Redactor

log = logging.getLogger("flexmigrate.check")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER = 120.0
CONNECTIONS_PER_CLIENT = 4


@dataclass(frozen=True)
class Reply:
    """What one GET finally produced: a status and parsed body, or an error (or both)."""

    status: int | None
    body: Any = None
    error: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


class _Retry(Exception):
    """A failed attempt worth repeating; carries what the final Reply would be."""

    def __init__(self, reply: Reply, retry_after: float | None = None) -> None:
        super().__init__(reply.error)
        self.reply = reply
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


def ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """TLS verification always on; ``--ca-bundle`` only changes which authorities are trusted."""
    return ssl.create_default_context(cafile=ca_bundle) if ca_bundle else ssl.create_default_context()


class Transport:
    """The run's HTTP client."""

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        redactor: Redactor,
        *,
        concurrency: int,
        timeout: float,
        max_attempts: int,
        buckets: Mapping[str, TokenBucket] | None = None,
        rate_limit_headers: tuple[str, str] = ("RateLimit-Limit", "RateLimit-Remaining"),
        ca_bundle: str | None = None,
        backoff_initial: float = 0.2,
        backoff_max: float = 10.0,
    ) -> None:
        verify = ssl_context(ca_bundle)  # one context for every client: building one costs ~30 ms
        # httpcore's pool scans every connection for every queued request, so one pool of 32
        # connections spends more CPU on bookkeeping than on HTTP.  Several small clients, each
        # with a few keep-alive connections, do the same work at a fraction of the cost.
        shards = max(1, -(-concurrency // CONNECTIONS_PER_CLIENT))
        per_client = -(-concurrency // shards)
        self._clients = [
            httpx.AsyncClient(
                base_url=base_url,
                auth=auth,
                timeout=httpx.Timeout(timeout),
                limits=httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client),
                verify=verify,
                follow_redirects=False,
                headers={"User-Agent": f"flexmigrate/{__version__} (check)"},
            )
            for _ in range(shards)
        ]
        # One token per request in flight, each naming the client that carries it: the queue is the
        # concurrency bound and the load balancer at once.
        self._slots: asyncio.Queue[int] = asyncio.Queue()
        for i in range(concurrency):
            self._slots.put_nowait(i % shards)
        self.auth = auth
        self._buckets = dict(buckets or {})
        self._limit_header, self._remaining_header = rate_limit_headers
        self._redactor = redactor
        self._max_attempts = max_attempts
        # "full jitter": a random wait up to initial * 2**attempt, capped; spreads a stampede of retries.
        self._backoff = wait_random_exponential(multiplier=backoff_initial, max=backoff_max)
        self.requests = 0  # attempts sent (reported)
        self.buckets = self._buckets
        self.retries = 0

    async def __aenter__(self) -> "Transport":
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in self._clients:
            await client.aclose()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retry) and exc.retry_after is not None:
            return exc.retry_after
        return self._backoff(state)

    async def get(
        self, family: str, path: str, media_type: str, params: Mapping[str, Any] | None = None
    ) -> Reply:
        """GET ``path`` with ``Accept: media_type``; ``family`` picks the rate-limit bucket."""
        attempts = 0
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retry),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    if attempts > 1:
                        self.retries += 1
                    return await self._once(family, path, media_type, params, attempts)
        except _Retry as final:
            reply = final.reply
            log.info("giving up on %s after %d attempts: %s", path, attempts, reply.error)
            return Reply(reply.status, reply.body, reply.error, attempts)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(
        self, family: str, path: str, media_type: str, params: Mapping[str, Any] | None, attempt: int
    ) -> Reply:
        bucket = self._buckets.get(family)
        if bucket is not None:
            await bucket.acquire()
        shard = await self._slots.get()
        try:
            self.requests += 1
            try:
                response = await self._clients[shard].get(path, params=params, headers={"Accept": media_type})
            except TokenError as exc:
                raise _Retry(Reply(None, error=f"service-account token: {exc}", attempts=attempt)) from None
            except httpx.TimeoutException as exc:
                raise _Retry(Reply(None, error=f"timeout ({type(exc).__name__})", attempts=attempt)) from None
            except httpx.DecodingError as exc:
                # A compressed body that does not decompress (a proxy or a cut answer): retry.
                detail = self._redactor.text(str(exc)) or type(exc).__name__
                raise _Retry(Reply(None, error=f"undecodable body ({detail})", attempts=attempt)) from None
            except httpx.TransportError as exc:
                # Dropped connections and truncated bodies land here; the message may quote a URL,
                # never a credential, but it is scrubbed all the same.
                detail = self._redactor.text(str(exc)) or type(exc).__name__
                raise _Retry(
                    Reply(None, error=f"connection failed ({type(exc).__name__}: {detail})", attempts=attempt)
                ) from None
        finally:
            self._slots.put_nowait(shard)
        status = response.status_code
        if bucket is not None:  # header names are matched without regard to case, as HTTP says
            bucket.observe(
                header_int(response.headers.get(self._limit_header)),
                header_int(response.headers.get(self._remaining_header)),
            )
        body = _parse(response)
        if status in RETRY_STATUSES:
            wait = (
                retry_after_seconds(response.headers.get("Retry-After"))
                if status in RETRY_AFTER_STATUSES
                else None
            )
            if wait is not None and bucket is not None and status == 429:
                bucket.pause(wait)
            raise _Retry(Reply(status, body, f"HTTP {status}", attempt), wait)
        if status == 200 and body is _MALFORMED:
            raise _Retry(Reply(status, None, "malformed JSON body", attempt))
        return Reply(status, None if body is _MALFORMED else body, None, attempt)

    async def paginate(
        self, family: str, path: str, media_type: str, pagination: Mapping[str, Any], paginated: bool
    ) -> Listing:
        """Every item of a list endpoint: all pages when ``paginated``, as the server pages them.

        The server's ``next`` link and its total count say whether more remains; a page shorter
        than asked for ends nothing (Atlas may serve fewer items per page than it is asked for,
        and then the next pages are asked at the size it serves).  A listing that cannot be
        completed -- an empty page while the count says more, a page the server answers again, more
        than ``max_pages`` pages -- keeps what it read and says why in ``Listing.incomplete``.
        """
        results_field = pagination["results_field"]
        if not paginated:
            reply = await self.get(family, path, media_type)
            if not reply.ok or not isinstance(reply.body, dict):
                return Listing(None, reply)
            return Listing(list(reply.body.get(results_field) or []), reply, pages=1)
        size = pagination["max_items_per_page"]
        page = pagination["first_page"]
        items: list[Any] = []
        seen: set[str] = set()
        pages = 0
        while True:
            params = {
                pagination["page_param"]: page,
                pagination["size_param"]: size,
                pagination["count_param"]: "true",
            }
            reply = await self.get(family, path, media_type, params)
            if not reply.ok or not isinstance(reply.body, dict):
                return Listing(
                    None if not items else items, reply, pages, _failed(reply, pages) if items else None
                )
            pages += 1
            chunk = list(reply.body.get(results_field) or [])
            fresh = [item for item in chunk if _key(item) not in seen]
            seen.update(_key(item) for item in fresh)
            items.extend(fresh)
            total = reply.body.get(pagination["total_field"])
            total = total if isinstance(total, int) and not isinstance(total, bool) else None
            has_next = _has_link(reply.body, pagination["links_field"], pagination["next_rel"])
            if not has_next and (total is None or len(items) >= total):
                return Listing(items, reply, pages)
            counted = f" of the {total} the server counts" if total is not None else ""
            if not has_next and total is not None and total > len(items) and not chunk:
                why = f"page {page} came back empty after {len(items)} items{counted}"
                return Listing(items, reply, pages, why)
            if not fresh:
                why = f"the server answered page {page} with items it had already sent; stopped after {pages} pages, {len(items)} items{counted}"
                return Listing(items, reply, pages, why)
            if pages >= pagination["max_pages"]:
                why = f"stopped after {pages} pages (the bound), {len(items)} items{counted}"
                return Listing(items, reply, pages, why)
            if 0 < len(chunk) < size:
                # The server serves fewer than asked: ask the next pages at its size, from here on.
                size = len(chunk)
                page = len(items) // size + pagination["first_page"]
            else:
                page += 1


@dataclass(frozen=True)
class Listing:
    """What a list endpoint gave: its items (``None`` when its first page failed), the last reply,
    how many pages were read, and why the listing is incomplete when it is."""

    items: list[Any] | None
    reply: Reply
    pages: int = 0
    incomplete: str | None = None


def _key(item: Any) -> str:
    """An item's identity across pages: its JSON text (ids alone would miss a server that repeats)."""
    return json.dumps(item, sort_keys=True, default=str)


def _has_link(body: Mapping[str, Any], links_field: str, rel: str) -> bool:
    links = body.get(links_field)
    return isinstance(links, list) and any(
        isinstance(link, dict) and link.get("rel") == rel for link in links
    )


def _failed(reply: Reply, pages: int) -> str:
    return f"page {pages + 1} failed ({reply.error or f'HTTP {reply.status}'}) after {pages} pages"


_MALFORMED = object()


def _parse(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return _MALFORMED
