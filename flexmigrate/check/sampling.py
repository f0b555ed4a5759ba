"""Uniform, reproducible sampling of the IDs to check.

The population is de-duplicated and sorted before sampling, so the sample depends only on the set of
IDs, the size and the seed, never on the order a server listed them in: the same ``--seed`` picks the
same IDs tomorrow.  The sample is returned in sorted order for the same reason.
"""

from __future__ import annotations

import random
import secrets
from typing import Iterable, TypeVar

T = TypeVar("T")


def new_seed() -> int:
    """A fresh seed for a run that was given none (reported, so the run can be repeated)."""
    return secrets.randbelow(2**31)


def sample(population: Iterable[T], size: int | None, seed: int) -> list[T]:
    """``size`` items drawn uniformly without replacement; all of them when ``size`` is None, 0 or too big."""
    items = sorted(set(population))
    if not size or size >= len(items):
        return items
    return sorted(random.Random(seed).sample(items, size))
