"""Token buckets per endpoint family (and project), scaled down so a test reaches the limit."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import FACTS, call, digest_client, error_code, ids

pytestmark = pytest.mark.timeout(60)
LIMITS = FACTS["rate_limits"]
NEW_CAPACITY = LIMITS["buckets"]["new"]["capacity"]


def test_bucket_empties_then_429_with_atlas_body_and_retry_after(sandbox_factory):
    sandbox = sandbox_factory(rate_limit_scale=3 / NEW_CAPACITY)  # Flex capacity 3, refill 3 per 60 s
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        answers = [call(client, "list_snapshots", "new", *ids(cluster)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Limit"] for a in answers] == ["3"] * 4
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all("Retry-After" not in a.headers for a in answers[:3])  # Atlas sends it only when limited
    limited = answers[-1]
    body = limited.json()
    assert error_code(limited) == LIMITS["errorCode"] == "RATE_LIMITED_TOKEN_BUCKET"
    retry_after = int(limited.headers["Retry-After"])
    assert 1 <= retry_after <= 20  # one token of 3 per 60 s comes back within 20 s
    spec = LIMITS["buckets"]["new"]
    assert body["parameters"] == [spec["endpoint_set"], retry_after, 3, 3, spec["refill_seconds"]]
    assert body["detail"] == (
        f"Rate limit exceeded for {spec['endpoint_set']}. Please retry after {retry_after} "
        f"seconds. Request capacity: 3. Refill rate: 3 per {spec['refill_seconds']} seconds."
    )


def test_families_and_projects_have_separate_buckets(sandbox_factory):
    sandbox = sandbox_factory(rate_limit_scale=1 / NEW_CAPACITY)  # capacity 1 for both families
    first, second = (next(iter(p.clusters.values())) for p in sandbox.dataset.projects.values())
    with digest_client(sandbox) as client:
        assert call(client, "list_snapshots", "new", *ids(first)).status_code == 200
        assert call(client, "list_snapshots", "new", *ids(first)).status_code == 429
        assert call(client, "list_snapshots", "old", *ids(first)).status_code == 200
        assert call(client, "list_snapshots", "new", *ids(second)).status_code == 200


def test_headers_can_be_omitted_and_limiting_turned_off(sandbox_factory):
    quiet = sandbox_factory(rate_limit_headers=False)
    unlimited = sandbox_factory(rate_limit_scale=0)
    with digest_client(quiet) as client:
        response = call(client, "list_snapshots", "old", *ids(quiet.dataset.first_cluster()))
    assert response.status_code == 200 and "RateLimit-Limit" not in response.headers
    with digest_client(unlimited) as client:
        statuses = {
            call(client, "list_snapshots", "old", *ids(unlimited.dataset.first_cluster())).status_code
            for _ in range(150)
        }
    assert statuses == {200}


@pytest.mark.parametrize("family", ["old", "new"])
def test_default_capacity_comes_from_the_catalog(sandbox_factory, family):
    sandbox = sandbox_factory()
    with digest_client(sandbox) as client:
        response = call(client, "list_snapshots", family, *ids(sandbox.dataset.first_cluster()))
    assert response.headers["RateLimit-Limit"] == str(LIMITS["buckets"][family]["capacity"])
    assert LIMITS["buckets"]["new"]["capacity"] == 1200, "the capacity the real Atlas sends for Flex"


def test_bucket_refills_continuously():
    from flexmigrate.sandbox.ratelimit import BucketSpec, RateLimiter

    now = [0.0]
    limiter = RateLimiter({"new": BucketSpec("set", 2, 1.0, 10.0)}, clock=lambda: now[0])
    assert [limiter.take("new", "p").allowed for _ in range(3)] == [True, True, False]
    assert limiter.take("new", "p").retry_after == 10
    now[0] = 5.0
    decision = limiter.take("new", "p")
    assert not decision.allowed and decision.retry_after == 5
    now[0] = 10.0
    assert limiter.take("new", "p").allowed


def test_errors_after_the_bucket_also_report_it(sandbox_factory):
    sandbox = sandbox_factory(rate_limit_scale=0.05)  # capacity 5
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        missing = call(client, "get_restore_job", "old", *ids(cluster, "d" * 24))
    assert missing.status_code == 404
    assert missing.headers["RateLimit-Limit"] == "5" and missing.headers["RateLimit-Remaining"] == "4"
