"""Client-side rate limiting and Retry-After, on a fake clock (no waiting, no timing assertions)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check import ratelimit
from flexmigrate.check.ratelimit import HEADROOM, TokenBucket, buckets_from_catalog, header_int
from flexmigrate.check.transport import retry_after_seconds


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake(monkeypatch):
    t = FakeTime()
    monkeypatch.setattr(ratelimit.asyncio, "sleep", t.sleep)
    return t


def test_bucket_lets_a_burst_through_then_paces_at_the_refill_rate(fake):
    bucket = TokenBucket(capacity=3, rate=2.0, clock=fake.clock)

    async def take(n):
        for _ in range(n):
            await bucket.acquire()

    asyncio.run(take(3))
    assert fake.sleeps == []
    asyncio.run(take(2))
    assert fake.sleeps == pytest.approx([0.5, 0.5])
    assert bucket.waited == pytest.approx(1.0)


def test_pause_holds_every_caller_and_empties_the_bucket(fake):
    bucket = TokenBucket(capacity=5, rate=1.0, clock=fake.clock)
    asyncio.run(bucket.acquire())
    bucket.pause(7)
    asyncio.run(bucket.acquire())
    assert sum(fake.sleeps) == pytest.approx(7.0)


def test_buckets_follow_the_catalog_numbers_and_the_scale():
    limits = load_catalog().section("check")["rate_limits"]
    buckets = buckets_from_catalog(limits, 0.5)
    assert set(buckets) == set(limits["buckets"])
    spec = limits["buckets"]["new"]
    assert buckets["new"].capacity == int(spec["capacity"] * 0.5)
    assert buckets["new"].rate == pytest.approx(spec["refill_rate"] * 0.5 / spec["refill_seconds"] * HEADROOM)
    assert buckets_from_catalog(limits, 0) == {}


def test_the_server_headers_take_over_from_the_catalog(fake):
    """RateLimit-Limit sets capacity and refill over the catalog's period; the bucket never holds
    more than RateLimit-Remaining; a scale applies to the server's figure too; absent headers change
    nothing."""
    bucket = TokenBucket(capacity=100, rate=100 / 60, clock=fake.clock, period=60)
    bucket.observe(None, None)
    assert bucket.capacity == 100 and bucket.source == "catalog"
    bucket.observe(1200, 1198)
    assert bucket.capacity == 1200 and bucket.source == "server"
    assert bucket.rate == pytest.approx(1200 / 60 * HEADROOM)
    bucket.observe(1200, 2)
    for _ in range(2):
        asyncio.run(bucket.acquire())
    assert fake.sleeps == [], "two tokens were left"
    asyncio.run(bucket.acquire())
    assert sum(fake.sleeps) == pytest.approx(1 / bucket.rate), "the third waits for the refill"
    half = TokenBucket(capacity=50, rate=50 / 60, clock=fake.clock, period=60, scale=0.5)
    half.observe(1200, None)
    assert half.capacity == 600
    assert half.describe() == {"capacity": 600, "per_seconds": 60, "source": "server", "waited_seconds": 0.0}


def test_rate_limit_headers_as_numbers():
    assert [header_int(v) for v in ("1200", " 7 ", None, "", "x", "-3", "1.5")] == [
        1200,
        7,
        None,
        None,
        None,
        None,
        None,
    ]


def test_retry_after_as_seconds_or_http_date():
    now = datetime(2026, 1, 22, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Thu, 22 Jan 2026 12:00:05 GMT", now) == 5.0
    assert retry_after_seconds("Thu, 22 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("99999") == 120.0  # capped
