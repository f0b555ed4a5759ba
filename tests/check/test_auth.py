"""Service-account tokens against the sandbox's real OAuth endpoint: cached, renewed early, renewed on 401."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check.auth import ServiceAccountAuth, TokenError, token_url

CATALOG = load_catalog()
pytestmark = pytest.mark.timeout(60)


def item_url(sb):
    cluster = sb.dataset.first_cluster()
    ep = CATALOG.endpoint("get_restore_job")
    path = ep.new.path.format(
        groupId=cluster.project_id, name=cluster.name, restoreJobId=cluster.restore_job_ids[0]
    )
    return path, ep.new.media_type


def make_auth(sb, **kw):
    url = token_url(sb.base_url, CATALOG.auth["service_account_token_url"])
    return ServiceAccountAuth(sb.credentials.client_id, sb.credentials.client_secret, url, **kw)


async def _get(sb, auth, times=1, concurrently=False):
    path, media = item_url(sb)
    async with httpx.AsyncClient(base_url=sb.base_url, auth=auth) as client:
        if concurrently:
            return await asyncio.gather(*(client.get(path, headers={"Accept": media}) for _ in range(times)))
        return [await client.get(path, headers={"Accept": media}) for _ in range(times)]


def test_token_is_fetched_once_and_shared_by_concurrent_requests(sandbox_factory):
    sb = sandbox_factory(rate_limit_scale=0)
    auth = make_auth(sb)
    responses = asyncio.run(_get(sb, auth, times=10, concurrently=True))
    assert {r.status_code for r in responses} == {200}
    assert auth.tokens_issued == 1


def test_a_revoked_token_is_renewed_once_on_401(sandbox_factory):
    sb = sandbox_factory(rate_limit_scale=0)
    auth = make_auth(sb)
    assert asyncio.run(_get(sb, auth))[0].status_code == 200
    revoke = sb.base_url + CATALOG.auth["revoke_path"]
    httpx.post(
        revoke, data={"token": auth._token}, auth=(sb.credentials.client_id, sb.credentials.client_secret)
    )
    assert asyncio.run(_get(sb, auth))[0].status_code == 200
    assert auth.tokens_issued == 2


def test_token_is_renewed_before_it_expires(sandbox_factory):
    sb = sandbox_factory(rate_limit_scale=0, token_ttl_seconds=3600)
    now = [0.0]
    auth = make_auth(sb, renew_before=60, clock=lambda: now[0])
    asyncio.run(_get(sb, auth))
    now[0] = 3600 - 61  # still fresh
    asyncio.run(_get(sb, auth))
    assert auth.tokens_issued == 1
    now[0] = 3600 - 59  # inside the renewal margin: renewed before the server would refuse it
    asyncio.run(_get(sb, auth))
    assert auth.tokens_issued == 2


def test_wrong_client_secret_is_a_token_error_without_the_secret(sandbox_factory):
    sb = sandbox_factory(rate_limit_scale=0)
    url = token_url(sb.base_url, CATALOG.auth["service_account_token_url"])
    auth = ServiceAccountAuth(sb.credentials.client_id, "wrong-secret-value", url)
    with pytest.raises(TokenError) as info:
        asyncio.run(_get(sb, auth))
    assert "wrong-secret-value" not in str(info.value) and "wrong-secret-value" not in repr(auth)


def test_token_url_follows_the_base_url():
    assert token_url("http://127.0.0.1:8080/", "https://cloud.mongodb.com/api/oauth/token") == (
        "http://127.0.0.1:8080/api/oauth/token"
    )
