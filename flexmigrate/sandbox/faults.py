"""Fault injection: decide, per API request, how the answer misbehaves.

Every request draws the same number of values from one ``random.Random`` stream seeded from the sandbox
seed, in arrival order, so a repeated run with the same seed and the same requests meets the same
faults.  The server carries the plan out (waits, closes, cuts, garbles or dribbles).
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass

from flexmigrate.sandbox.config import FaultConfig

__all__ = ["FaultInjector", "FaultPlan", "NO_FAULT"]

KINDS = ("error", "drop", "truncate", "malformed", "slow")


@dataclass(frozen=True)
class FaultPlan:
    delay: float = 0.0  # seconds before the answer starts
    kind: str = "none"  # "none" or one of KINDS
    status: int = 0  # for kind == "error"
    chunk: int = 0  # for kind == "slow": bytes per write
    interval: float = 0.0  # for kind == "slow": seconds between writes


NO_FAULT = FaultPlan()


class FaultInjector:
    def __init__(self, config: FaultConfig, seed: int, history: int = 10_000) -> None:
        self.config = config
        self.rng = random.Random(f"faults/{seed}")
        self.history: deque[FaultPlan] = deque(maxlen=history)

    def _latency(self, u: float, g: float) -> float:
        """Seconds of delay from two draws (uniform u in [0,1), standard normal g)."""
        mean = self.config.latency_ms / 1000.0
        kind = self.config.latency
        if kind == "fixed":
            return mean
        if kind == "uniform":
            return 2.0 * mean * u
        if kind == "normal":
            return max(0.0, mean + g * mean / 4.0)
        if kind == "exponential":
            return -mean * math.log(1.0 - u) if mean else 0.0
        return 0.0

    def plan(self, family: str) -> FaultPlan:
        if not self.config.active or family not in self.config.families:
            return NO_FAULT
        u, g, roll, pick = self.rng.random(), self.rng.gauss(0.0, 1.0), self.rng.random(), self.rng.random()
        delay = self._latency(u, g)
        kind, edge = "none", 0.0
        for name, rate in zip(KINDS, self.config.rates()):
            edge += rate
            if roll < edge:
                kind = name
                break
        statuses = self.config.error_statuses
        status = statuses[int(pick * len(statuses))] if kind == "error" else 0
        plan = FaultPlan(delay=delay, kind=kind, status=status)
        if kind == "slow":
            plan = FaultPlan(
                delay=delay,
                kind=kind,
                chunk=max(1, self.config.slow_body_chunk),
                interval=self.config.slow_body_interval_ms / 1000.0,
            )
        self.history.append(plan)
        return plan
