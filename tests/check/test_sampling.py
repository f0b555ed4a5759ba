"""Sampling is uniform, reproducible, and independent of the order IDs were listed in."""

from __future__ import annotations

from collections import Counter

from flexmigrate.check.sampling import sample

IDS = [f"{i:024x}" for i in range(200)]


def test_same_seed_same_sample_whatever_the_listing_order():
    assert sample(IDS, 10, seed=7) == sample(list(reversed(IDS)), 10, seed=7)
    assert sample(IDS, 10, seed=7) != sample(IDS, 10, seed=8)


def test_sample_has_the_requested_size_without_duplicates_and_all_when_too_big():
    picked = sample(IDS + IDS, 25, seed=1)
    assert len(picked) == len(set(picked)) == 25
    assert sample(IDS, 500, seed=1) == sorted(IDS)
    assert sample(IDS, 0, seed=1) == sorted(IDS)
    assert sample(IDS, None, seed=1) == sorted(IDS)


def test_every_id_is_about_equally_likely():
    counts = Counter(i for seed in range(2000) for i in sample(IDS, 20, seed))
    expected = 2000 * 20 / len(IDS)  # 200 draws per ID
    chi2 = sum((counts[i] - expected) ** 2 / expected for i in IDS)
    # 199 degrees of freedom: the 99.9th percentile is about 267; a biased sampler lands far beyond.
    assert chi2 < 267
    assert set(counts) == set(IDS)
