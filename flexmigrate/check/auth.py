"""httpx authentication for the Atlas Admin API: API keys (HTTP Digest) and service accounts (OAuth 2).

A service account trades its client ID and secret for a bearer token at ``{base_url}/api/oauth/token``
(client credentials grant, Basic authentication, form body).  The token is cached, renewed shortly
before it expires, and renewed once more if the API still answers 401 (revoked or clock skew).  One
lock makes concurrent requests share one renewal instead of stampeding the token endpoint.  This POST
is the only non-GET request the checker makes, and it goes to the token endpoint, not the Admin API.
"""

from __future__ import annotations

import asyncio
import time
from typing import AsyncGenerator, Callable, Generator
from urllib.parse import urlsplit

import httpx

from flexmigrate.check.credentials import Credentials


class TokenError(Exception):
    """The token endpoint refused the client credentials or answered nonsense."""


class ServiceAccountAuth(httpx.Auth):
    """Bearer tokens from the OAuth client-credentials grant, cached and renewed."""

    requires_response_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str,
        renew_before: float = 60.0,
        default_lifetime: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._basic = httpx.BasicAuth(client_id, client_secret)
        self._token_url = token_url
        self._renew_before = renew_before
        self._default_lifetime = default_lifetime
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lifetime = default_lifetime
        self._lock: asyncio.Lock | None = None
        self.tokens_issued = 0  # how many tokens this run obtained (reported, and asserted in tests)

    def __repr__(self) -> str:
        return "ServiceAccountAuth(<redacted>)"

    def _token_request(self) -> httpx.Request:
        request = httpx.Request(
            "POST",
            self._token_url,
            data={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
        )
        return next(self._basic.auth_flow(request))

    def _accept(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            raise TokenError(f"token endpoint answered HTTP {response.status_code}")
        try:
            body = response.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError):
            raise TokenError("token endpoint answered without an access_token") from None
        lifetime = float(body.get("expires_in") or self._default_lifetime)
        self._token = token
        self._lifetime = lifetime
        self._expires_at = self._clock() + lifetime
        self.tokens_issued += 1

    def _fresh(self) -> bool:
        margin = min(self._renew_before, self._lifetime / 10)  # short-lived tokens: renew at 90 %
        return self._token is not None and self._clock() < self._expires_at - margin

    def _authorise(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self._token}"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not self._fresh():
            self._accept((yield self._token_request()))
        self._authorise(request)
        response = yield request
        if response.status_code == 401:
            self._accept((yield self._token_request()))
            self._authorise(request)
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        if not self._fresh():
            async with self._lock:
                if not self._fresh():  # another request may have renewed while we waited
                    await self._renew((yield self._token_request()))
        used = self._token
        self._authorise(request)
        response = yield request
        if response.status_code == 401:
            await response.aread()
            async with self._lock:
                if self._token == used:  # nobody renewed since we sent it: renew now, once
                    await self._renew((yield self._token_request()))
            self._authorise(request)
            yield request

    async def _renew(self, response: httpx.Response) -> None:
        await response.aread()
        self._accept(response)


def token_url(base_url: str, catalog_token_url: str) -> str:
    """The token endpoint on the API host in use (the catalog's URL names the commercial cloud)."""
    return base_url.rstrip("/") + urlsplit(catalog_token_url).path


def build_auth(credentials: Credentials, base_url: str, auth_facts: dict, renew_before: float) -> httpx.Auth:
    """The httpx auth for these credentials (service account preferred when both are set)."""
    if credentials.method == "service-account":
        assert credentials.client_id and credentials.client_secret
        return ServiceAccountAuth(
            credentials.client_id,
            credentials.client_secret,
            token_url(base_url, auth_facts["service_account_token_url"]),
            renew_before=renew_before,
            default_lifetime=float(auth_facts.get("token_lifetime_seconds", 3600)),
        )
    assert credentials.public_key and credentials.private_key
    return httpx.DigestAuth(credentials.public_key, credentials.private_key)
