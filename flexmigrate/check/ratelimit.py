"""Client-side token buckets, so the checker stays under Atlas's per-project buckets instead of
learning them from 429s.

Each family's bucket starts from the catalog's figure (``check.json`` ``rate_limits.buckets``, each
with its source) and then follows the server: ``RateLimit-Limit`` sets the capacity (and the refill,
over the catalog's period), and the bucket never holds more tokens than ``RateLimit-Remaining``
says are left.  ``--rate-limit-scale`` multiplies whatever is in force (0 turns client-side limiting
off).  A 429 with Retry-After pauses the whole bucket, so the other workers do not walk into the
same wall.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Mapping


class TokenBucket:
    """``capacity`` requests at once, refilled at ``rate`` per second; ``acquire`` waits for a token."""

    def __init__(
        self,
        capacity: float,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        period: float = 60.0,
        scale: float = 1.0,
    ) -> None:
        if capacity < 1 or rate <= 0:
            raise ValueError("a token bucket needs capacity >= 1 and a positive refill rate")
        self.capacity = capacity
        self.rate = rate
        self.period = period  # the refill period a server's RateLimit-Limit is spread over
        self.scale = scale
        self.source = "catalog"  # "server" once a RateLimit-Limit header set the capacity
        self._clock = clock
        self._tokens = capacity
        self._stamp: float | None = None  # the server's bucket starts at our first request, so do we
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.waited = 0.0  # seconds spent waiting for tokens (reported)

    def _refill(self, now: float) -> None:
        if self._stamp is None:
            self._stamp = now
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        async with self._lock:  # FIFO: waiters are served in arrival order
            while True:
                now = self._clock()
                self._refill(now)
                delay = max(self._paused_until - now, 0.0)
                if delay == 0.0 and self._tokens >= 1:
                    self._tokens -= 1
                    return
                delay = max(delay, (1 - self._tokens) / self.rate)
                self.waited += delay
                await asyncio.sleep(delay)

    def observe(self, limit: int | None, remaining: int | None) -> None:
        """What the server said of its bucket: follow its capacity, never hold more than it has left."""
        now = self._clock()
        self._refill(now)
        if limit is not None and limit >= 1:
            capacity = max(1, int(limit * self.scale))
            if capacity != self.capacity or self.source != "server":
                self.capacity = capacity
                self.rate = max(1.0, limit * self.scale) / self.period * HEADROOM
                self.source = "server"
        if remaining is not None and remaining >= 0:
            self._tokens = min(self._tokens, remaining * self.scale)

    def describe(self) -> dict[str, Any]:
        """The limit in force, for the report."""
        return {
            "capacity": int(self.capacity),
            "per_seconds": self.period,
            "source": self.source,
            "waited_seconds": round(self.waited, 3),
        }

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` (a server said Retry-After); the bucket starts empty."""
        now = self._clock()
        self._paused_until = max(self._paused_until, now + seconds)
        self._tokens = 0.0
        self._stamp = now


#: Refill a little slower than the server does: our clock and the server's do not start at the same
#: instant, and a request arrives after it left, so an exact copy would now and then be a token ahead.
HEADROOM = 0.95


def buckets_from_catalog(rate_limits: Mapping[str, Any], scale: float) -> dict[str, TokenBucket]:
    """One bucket per family (``old``/``new``), or none at all when ``scale`` is 0."""
    if scale <= 0:
        return {}
    out = {}
    for family, spec in rate_limits["buckets"].items():
        capacity = max(1, int(spec["capacity"] * scale))
        rate = max(1.0, spec["refill_rate"] * scale) / spec["refill_seconds"] * HEADROOM
        out[family] = TokenBucket(capacity, rate, period=spec["refill_seconds"], scale=scale)
    return out


def header_int(value: str | None) -> int | None:
    """A RateLimit-* header's value as a number, or ``None`` when absent or not a number."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() else None
