"""The checker reads whole lists as the real Atlas pages them (issue 9).

A recorded Atlas list answered 100 items, ``totalCount: 2160`` and a ``next`` link to a request for
more; the checker stopped at the first page shorter than it asked for and checked 108 IDs as if that
were all.  Against a sandbox that serves fewer items than asked, and against small loopback servers
that misbehave (a page repeated for ever, an empty page while the count says more, a failing page),
every listing is read whole or says why not, and a run that could not read a whole list exits 2.
"""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check.redact import Redactor
from flexmigrate.check.transport import Transport

PAGINATION = load_catalog().section("check")["pagination"]
MEDIA = "application/vnd.atlas.2024-11-13+json"


def test_a_sandbox_that_serves_fewer_than_asked_is_read_whole(sandbox_factory, run_check) -> None:
    sb = sandbox_factory(rate_limit_scale=0, restore_jobs_per_cluster=250, page_cap=100)
    outcome = run_check(sb, "--sample", "1000", "--seed", "1", "--rate-limit-scale", "0")
    assert outcome.code == 0, outcome.stderr
    assert len(outcome.results) == 250, "every job of the cluster, not the first page's 100"
    assert outcome.summary["problems"] == []


def _serve(respond: Callable[[str], tuple[int, dict[str, str], bytes]]) -> ThreadingHTTPServer:
    """A loopback server whose GET answers come from ``respond(path with query)``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            status, headers, data = respond(self.path)
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(data))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server


@pytest.fixture
def fake_atlas() -> Iterator[Callable[[Callable[[int, int], tuple[int, Any]]], str]]:
    """A loopback server whose list answers come from ``answer(pageNum, itemsPerPage)``."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Callable[[int, int], tuple[int, Any]]) -> str:
        def respond(target: str) -> tuple[int, dict[str, str], bytes]:
            query = parse_qs(urlparse(target).query)
            status, body = answer(int(query["pageNum"][0]), int(query["itemsPerPage"][0]))
            return status, {"Content-Type": MEDIA}, json.dumps(body).encode()

        servers.append(_serve(respond))
        return f"http://127.0.0.1:{servers[-1].server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _page(items: list[dict[str, Any]], total: int | None, more: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"links": [{"rel": "self", "href": "x"}], "results": items}
    if more:
        body["links"].append({"rel": "next", "href": "y"})
    if total is not None:
        body["totalCount"] = total
    return body


def _list(base_url: str, **overrides: Any):
    async def go():
        async with Transport(
            base_url, httpx.Auth(), Redactor({}), concurrency=2, timeout=5, max_attempts=1
        ) as transport:
            return await transport.paginate("new", "/list", MEDIA, {**PAGINATION, **overrides}, True)

    return asyncio.run(go())


def _jobs(start: int, count: int) -> list[dict[str, Any]]:
    return [{"id": f"{n:024x}"} for n in range(start, start + count)]


def test_next_links_and_the_count_are_followed_at_the_size_served(fake_atlas) -> None:
    total, cap = 2160, 100

    def answer(page: int, size: int) -> tuple[int, Any]:
        start = (page - 1) * size
        served = _jobs(start, max(0, min(cap, size, total - start)))
        return 200, _page(served, total, start + len(served) < total)

    listing = _list(fake_atlas(answer))
    assert listing.incomplete is None
    assert [i["id"] for i in listing.items] == [i["id"] for i in _jobs(0, total)]
    assert listing.pages == 22


def test_a_count_without_links_and_links_without_a_count(fake_atlas) -> None:
    def count_only(page: int, size: int) -> tuple[int, Any]:
        return 200, {"results": _jobs((page - 1) * 7, 7 if page < 3 else 6), "totalCount": 20}

    def links_only(page: int, size: int) -> tuple[int, Any]:
        return 200, _page(_jobs((page - 1) * 5, 5), None, page < 4)

    assert len(_list(fake_atlas(count_only), max_items_per_page=7).items) == 20
    assert len(_list(fake_atlas(links_only), max_items_per_page=5).items) == 20


def test_a_server_that_repeats_a_page_is_not_followed_for_ever(fake_atlas) -> None:
    listing = _list(fake_atlas(lambda page, size: (200, _page(_jobs(0, 100), 2160, True))))
    assert listing.pages == 2 and len(listing.items) == 100
    assert "already sent" in listing.incomplete and "2160" in listing.incomplete


def test_the_page_bound_and_an_empty_page(fake_atlas) -> None:
    endless = fake_atlas(lambda page, size: (200, _page(_jobs(page * 10, 10), None, True)))
    listing = _list(endless, max_items_per_page=10, max_pages=5)
    assert listing.pages == 5 and len(listing.items) == 50 and "bound" in listing.incomplete
    short = fake_atlas(lambda page, size: (200, _page(_jobs(0, 10) if page == 1 else [], 30, False)))
    listing = _list(short, max_items_per_page=10)
    assert len(listing.items) == 10 and "empty" in listing.incomplete


def test_a_page_that_fails_keeps_what_was_read_and_says_so(fake_atlas) -> None:
    def answer(page: int, size: int) -> tuple[int, Any]:
        if page == 3:
            return 404, {"error": 404, "errorCode": "RESOURCE_NOT_FOUND"}
        return 200, _page(_jobs((page - 1) * 10, 10), 50, True)

    listing = _list(fake_atlas(answer), max_items_per_page=10)
    assert len(listing.items) == 20 and "page 3 failed (HTTP 404)" in listing.incomplete
    first_fails = fake_atlas(lambda page, size: (500, {"error": 500}))
    assert _list(first_fails).items is None


def test_a_body_that_does_not_decompress_is_an_error_not_a_crash() -> None:
    """Found by the sandbox's gzip: httpx's DecodingError is no TransportError and escaped the
    transport as a traceback."""
    corrupt = b"this is no gzip stream"
    server = _serve(lambda target: (200, {"Content-Type": MEDIA, "Content-Encoding": "gzip"}, corrupt))
    try:
        listing = _list(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    assert listing.items is None, listing
    assert "undecodable body" in (listing.reply.error or ""), listing.reply
