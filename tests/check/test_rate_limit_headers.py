"""The checker's buckets start from the catalog and follow the server's RateLimit-* headers (issue 9).

The real Flex endpoints answer ``Ratelimit-Limit: 1200``; the catalog starts the Flex bucket there
and the tenant bucket at 100 per minute (never recorded).  A sandbox that sends its buckets' headers
is followed (``source: server``); one that sends none leaves the catalog's figures in force.
"""

from __future__ import annotations

from flexmigrate.catalog import load_catalog

LIMITS = load_catalog().section("check")["rate_limits"]["buckets"]


def test_the_server_figures_take_over(sandbox_factory, run_check) -> None:
    sb = sandbox_factory(rate_limit_scale=0.5)  # the server's buckets: half of the catalog's
    outcome = run_check(sb, "--sample", "3", "--seed", "2")
    assert outcome.code == 0, outcome.stderr
    used = outcome.summary["settings"]["rate_limits"]
    assert used["new"]["source"] == used["old"]["source"] == "server"
    assert used["new"]["capacity"] == LIMITS["new"]["capacity"] // 2
    assert used["old"]["capacity"] == LIMITS["old"]["capacity"] // 2


def test_without_headers_the_catalog_figures_stay(sandbox_factory, run_check) -> None:
    sb = sandbox_factory(rate_limit_headers=False)
    outcome = run_check(sb, "--sample", "3", "--seed", "2")
    used = outcome.summary["settings"]["rate_limits"]
    assert {family: (v["capacity"], v["source"]) for family, v in used.items()} == {
        family: (LIMITS[family]["capacity"], "catalog") for family in ("new", "old")
    }


def test_no_client_side_limits_with_scale_zero(sandbox_factory, run_check) -> None:
    outcome = run_check(sandbox_factory(rate_limit_scale=0), "--sample", "2", "--rate-limit-scale", "0")
    assert "rate_limits" not in outcome.summary["settings"]
