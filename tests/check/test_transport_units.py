"""Client-side rate limiting and Retry-After, on a fake clock (no waiting, no timing assertions)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check import ratelimit
from flexmigrate.check.ratelimit import HEADROOM, TokenBucket, buckets_from_catalog
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
    limits = load_catalog().section("sandbox")["rate_limits"]
    buckets = buckets_from_catalog(limits, 0.5)
    assert set(buckets) == set(limits["buckets"])
    spec = limits["buckets"]["new"]
    assert buckets["new"].capacity == int(spec["capacity"] * 0.5)
    assert buckets["new"].rate == pytest.approx(spec["refill_rate"] * 0.5 / spec["refill_seconds"] * HEADROOM)
    assert buckets_from_catalog(limits, 0) == {}


def test_retry_after_as_seconds_or_http_date():
    now = datetime(2026, 1, 22, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Thu, 22 Jan 2026 12:00:05 GMT", now) == 5.0
    assert retry_after_seconds("Thu, 22 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("99999") == 120.0  # capped
