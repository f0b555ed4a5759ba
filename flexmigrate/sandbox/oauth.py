"""The service-account endpoints: OAuth 2.0 client-credentials token (RFC 6749 section 4.4) and
token revocation (RFC 7009), both authenticated with HTTP Basic ``client_id:client_secret``.

Their error bodies are RFC 6749's (``{"error": "invalid_client"}``...), not Atlas's ApiError: they are
the OAuth server's answers, not the Administration API's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from flexmigrate.sandbox.auth import Authenticator
from flexmigrate.sandbox.http import Request, Response, json_bytes

__all__ = ["oauth_endpoint"]


def _form(body: bytes) -> dict[str, str]:
    try:
        return {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    except UnicodeDecodeError:
        return {}


def oauth_endpoint(kind: str, request: Request, auth: Authenticator, facts: Mapping[str, Any]) -> Response:
    """Answer ``kind`` ("token" or "revoke"); ``facts`` is ``sandbox.json`` ``oauth``."""
    if not auth.check_client(request.headers.get("authorization", "")):
        return Response(
            401,
            json_bytes({"error": "invalid_client"}),
            headers=[("WWW-Authenticate", 'Basic realm="oauth"')],
        )
    form = _form(request.body)
    if kind == "revoke":
        auth.revoke(form.get("token", ""))
        return Response(200, b"")  # RFC 7009: 200 whether or not the token was known
    if form.get("grant_type") != facts["grant_type"]:
        return Response(400, json_bytes({"error": "unsupported_grant_type"}))
    token, expires_in = auth.issue_token()
    body = {"access_token": token, "token_type": facts["token_type"], "expires_in": expires_in}
    return Response(200, json_bytes(body), headers=[("Cache-Control", "no-store")])
