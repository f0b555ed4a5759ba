"""Token buckets, one per endpoint family and project, as Atlas meters its Administration API.

Atlas's documented model (https://www.mongodb.com/docs/atlas/api/api-rate-limit): a bucket holds up to
``capacity`` tokens, each request takes one, and ``refill_rate`` tokens come back every
``refill_seconds``.  The capacities for the backup endpoint sets are not published; ``sandbox.json``
holds the defaults and says so.  ``scale`` shrinks or grows both capacity and refill so tests can reach
the limit in a handful of requests; ``scale == 0`` turns limiting off.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BucketSpec", "Decision", "RateLimiter"]


@dataclass(frozen=True)
class BucketSpec:
    endpoint_set: str
    capacity: int
    refill_rate: float
    refill_seconds: float

    @classmethod
    def from_data(cls, raw: Mapping[str, Any], scale: float) -> BucketSpec:
        return cls(
            endpoint_set=raw["endpoint_set"],
            capacity=max(1, int(raw["capacity"] * scale)),
            refill_rate=max(1.0, raw["refill_rate"] * scale),
            refill_seconds=float(raw["refill_seconds"]),
        )

    @property
    def tokens_per_second(self) -> float:
        return self.refill_rate / self.refill_seconds


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # whole seconds until a token is back (0 when allowed)
    spec: BucketSpec


class RateLimiter:
    """Continuous-refill token buckets keyed by (family, scope value)."""

    def __init__(
        self,
        specs: Mapping[str, BucketSpec],
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.specs = dict(specs)
        self.enabled = enabled
        self.clock = clock
        self._buckets: dict[tuple[str, str], list[float]] = {}  # key -> [tokens, last refill time]

    def take(self, family: str, scope: str) -> Decision:
        spec = self.specs[family]
        if not self.enabled:
            return Decision(True, spec.capacity, spec.capacity, 0, spec)
        now = self.clock()
        bucket = self._buckets.get((family, scope))
        if bucket is None:
            bucket = self._buckets[(family, scope)] = [float(spec.capacity), now]
        tokens = min(spec.capacity, bucket[0] + (now - bucket[1]) * spec.tokens_per_second)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return Decision(True, spec.capacity, int(bucket[0]), 0, spec)
        bucket[0] = tokens
        wait = (1.0 - tokens) / spec.tokens_per_second
        return Decision(False, spec.capacity, 0, max(1, math.ceil(wait)), spec)
