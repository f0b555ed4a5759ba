"""Client-side token buckets, so the checker stays under Atlas's per-project buckets instead of
learning them from 429s.

The numbers (capacity, refill per period, one bucket per endpoint family) are catalog data
(``sandbox.json`` ``rate_limits.buckets``); ``--rate-limit-scale`` multiplies them, as the sandbox's
own knob does, and 0 turns client-side limiting off.  A 429 with Retry-After also pauses the whole
bucket, so the other workers do not walk into the same wall.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Mapping


class TokenBucket:
    """``capacity`` requests at once, refilled at ``rate`` per second; ``acquire`` waits for a token."""

    def __init__(self, capacity: float, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if capacity < 1 or rate <= 0:
            raise ValueError("a token bucket needs capacity >= 1 and a positive refill rate")
        self.capacity = capacity
        self.rate = rate
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
        out[family] = TokenBucket(capacity, rate)
    return out
