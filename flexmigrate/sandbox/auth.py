"""The two ways Atlas authenticates API calls: HTTP Digest with an API key pair, and OAuth 2.0 bearer
tokens issued to a service account (client-credentials grant).

Digest follows RFC 7616 with MD5 and ``qop=auth``: the server hands out nonces that expire (a request
signed with an expired nonce gets a fresh challenge with ``stale=true``, which clients answer without
asking the user again) and refuses a signature it has already accepted (same nonce, nc and cnonce),
so a captured request cannot be replayed.  It does not insist that nc only grows: clients that share one
Digest state between threads (httpx does) send counts out of order or twice, each with a fresh cnonce,
and Atlas serves such clients.  Tokens are opaque random strings that expire after a configurable time
or on revocation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flexmigrate.sandbox.config import Credentials

__all__ = ["AuthResult", "Authenticator"]

_DIGEST_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 - RFC 7616 MD5 is the point


@dataclass(frozen=True)
class AuthResult:
    """The outcome for one request: ``ok``, or why not and which challenge to send."""

    ok: bool
    principal: str = ""
    problem: str = ""  # "missing", "invalid", "stale", "expired"
    challenge: str = ""  # WWW-Authenticate value for a 401


class Authenticator:
    """Checks Authorization headers; owns the nonce and token tables (one event-loop thread uses it)."""

    def __init__(
        self,
        credentials: Credentials,
        realm: str,
        nonce_ttl: float,
        token_ttl: float,
        clock: Callable[[], float] = time.monotonic,
        nonce_uses: int = 10_000,
    ) -> None:
        self.credentials = credentials
        self.realm = realm
        self.nonce_ttl = nonce_ttl
        # Signatures remembered per nonce are bounded: after this many the nonce is retired (answered
        # stale=true, which clients follow without a new password), so memory stays flat under load.
        self.nonce_uses = nonce_uses
        self.token_ttl = token_ttl
        self.clock = clock
        self._ha1 = _md5(f"{credentials.public_key}:{realm}:{credentials.private_key}")
        self._nonces: dict[str, tuple[float, set[str]]] = {}
        self._tokens: dict[str, float] = {}

    # -- Digest ---------------------------------------------------------------------------------

    def challenge(self, stale: bool = False) -> str:
        nonce = secrets.token_urlsafe(24)
        self._nonces[nonce] = (self.clock() + self.nonce_ttl, set())
        self._forget_expired()
        return (
            f'Digest realm="{self.realm}", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", '
            f"stale={'true' if stale else 'false'}"
        )

    def _forget_expired(self) -> None:
        if len(self._nonces) < 256:
            return
        now = self.clock()
        for nonce in [n for n, (expiry, _) in self._nonces.items() if expiry < now]:
            del self._nonces[nonce]

    def _check_digest(self, header: str, method: str, target: str) -> AuthResult:
        params = {
            m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
            for m in _DIGEST_PARAM.finditer(header)
        }
        needed = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
        if any(k not in params for k in needed) or params["qop"] != "auth":
            return AuthResult(False, problem="invalid", challenge=self.challenge())
        if params.get("algorithm", "MD5").upper() != "MD5" or params["realm"] != self.realm:
            return AuthResult(False, problem="invalid", challenge=self.challenge())
        if params["uri"] != target:
            return AuthResult(False, problem="invalid", challenge=self.challenge())
        if not hmac.compare_digest(params["username"], self.credentials.public_key):
            return AuthResult(False, problem="invalid", challenge=self.challenge())
        ha2 = _md5(f"{method}:{params['uri']}")
        expected = _md5(
            f"{self._ha1}:{params['nonce']}:{params['nc']}:{params['cnonce']}:{params['qop']}:{ha2}"
        )
        if not hmac.compare_digest(expected, params["response"].lower()):
            return AuthResult(False, problem="invalid", challenge=self.challenge())
        entry = self._nonces.get(params["nonce"])
        if entry is None or entry[0] < self.clock() or len(entry[1]) >= self.nonce_uses:
            # Right password, old (or used-up) nonce: RFC 7616 section 3.3 says answer stale=true.
            self._nonces.pop(params["nonce"], None)
            return AuthResult(False, problem="stale", challenge=self.challenge(stale=True))
        seen = entry[1]
        signature = f"{params['nc']}:{params['cnonce']}"
        if signature in seen:
            return AuthResult(False, problem="invalid", challenge=self.challenge())
        seen.add(signature)
        return AuthResult(True, principal=self.credentials.public_key)

    # -- OAuth ----------------------------------------------------------------------------------

    def check_client(self, header: str) -> bool:
        """True when ``header`` is HTTP Basic with the service account's id and secret."""
        if not header.lower().startswith("basic "):
            return False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, sep, secret = decoded.partition(":")
        return (
            bool(sep)
            and hmac.compare_digest(client_id, self.credentials.client_id)
            and hmac.compare_digest(secret, self.credentials.client_secret)
        )

    def issue_token(self) -> tuple[str, int]:
        token = secrets.token_urlsafe(32)
        self._tokens[token] = self.clock() + self.token_ttl
        now = self.clock()
        if len(self._tokens) > 1024:
            for old in [t for t, expiry in self._tokens.items() if expiry < now]:
                del self._tokens[old]
        return token, max(1, int(round(self.token_ttl)))

    def revoke(self, token: str) -> None:
        self._tokens.pop(token, None)

    def _check_bearer(self, token: str) -> AuthResult:
        expiry = self._tokens.get(token)
        if expiry is None:
            return AuthResult(False, problem="expired")
        if expiry < self.clock():
            del self._tokens[token]
            return AuthResult(False, problem="expired")
        return AuthResult(True, principal=self.credentials.client_id)

    # -- Entry point ----------------------------------------------------------------------------

    def authenticate(self, header: str | None, method: str, target: str) -> AuthResult:
        if not header:
            return AuthResult(False, problem="missing", challenge=self.challenge())
        scheme, _, rest = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "digest":
            return self._check_digest(rest, method, target)
        if scheme == "bearer":
            return self._check_bearer(rest.strip())
        return AuthResult(False, problem="invalid", challenge=self.challenge())
