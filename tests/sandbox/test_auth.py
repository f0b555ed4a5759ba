"""Authentication as Atlas does it: HTTP Digest (RFC 7616, MD5, qop=auth) with an API key pair, and
OAuth 2.0 client credentials for service accounts (token, expiry, revocation)."""

from __future__ import annotations

import hashlib
import re
import time

import httpx
import pytest

from tests.sandbox.helpers import FACTS, call, digest_client, error_code, ids, op, path

pytestmark = pytest.mark.timeout(60)
OAUTH = FACTS["oauth"]


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _challenge(response: httpx.Response) -> dict[str, str]:
    header = response.headers["www-authenticate"]
    assert header.startswith("Digest ")
    return {k: v1 or v2 for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]+))', header)}


def _digest_header(creds, challenge, method, uri, nc="00000001", cnonce="0a4f113b", password=None):
    ha1 = _md5(f"{creds.public_key}:{challenge['realm']}:{password or creds.private_key}")
    ha2 = _md5(f"{method}:{uri}")
    response = _md5(f"{ha1}:{challenge['nonce']}:{nc}:{cnonce}:auth:{ha2}")
    return (
        f'Digest username="{creds.public_key}", realm="{challenge["realm"]}", nonce="{challenge["nonce"]}", '
        f'uri="{uri}", qop=auth, nc={nc}, cnonce="{cnonce}", response="{response}", algorithm=MD5'
    )


def _target(sandbox):
    operation = op("list_snapshots", "new")
    return path(operation, *ids(sandbox.dataset.first_cluster())), {"Accept": operation.media_type}


def test_missing_credentials_get_a_digest_challenge_and_atlas_body(sandbox):
    uri, headers = _target(sandbox)
    with httpx.Client(base_url=sandbox.base_url) as client:
        response = client.get(uri, headers=headers)
    assert response.status_code == 401
    challenge = _challenge(response)
    assert challenge["realm"] == FACTS["digest"]["realm"]
    assert challenge["qop"] == "auth" and challenge["algorithm"] == "MD5" and challenge["stale"] == "false"
    # As the real Atlas lays a 401 out: pretty, error/reason/detail, no parameters, no errorCode.
    assert list(response.json()) == FACTS["wire"]["unauthorized"]["keys"] == ["error", "reason", "detail"]
    assert response.json()["error"] == 401 and '"error" : 401' in response.text
    assert "X-Error-Code" not in response.headers


def test_httpx_digest_auth_works_and_reuses_the_nonce(sandbox):
    uri, headers = _target(sandbox)
    with digest_client(sandbox) as client:
        statuses = [client.get(uri, headers=headers).status_code for _ in range(5)]
    assert statuses == [200] * 5


def test_wrong_private_key_is_refused(sandbox):
    uri, headers = _target(sandbox)
    with httpx.Client(
        base_url=sandbox.base_url, auth=httpx.DigestAuth(sandbox.credentials.public_key, "wrong")
    ) as client:
        response = client.get(uri, headers=headers)
    assert response.status_code == 401 and "errorCode" not in response.json()
    assert response.json()["detail"] == "You are not authorized for this resource."


def test_hand_signed_request_works_once_and_replay_is_refused(sandbox):
    uri, headers = _target(sandbox)
    with httpx.Client(base_url=sandbox.base_url) as client:
        challenge = _challenge(client.get(uri, headers=headers))
        signed = {**headers, "Authorization": _digest_header(sandbox.credentials, challenge, "GET", uri)}
        first = client.get(uri, headers=signed)
        replay = client.get(uri, headers=signed)
        next_nc = {
            **headers,
            "Authorization": _digest_header(sandbox.credentials, challenge, "GET", uri, nc="00000002"),
        }
        second = client.get(uri, headers=next_nc)
        other_uri = {
            **headers,
            "Authorization": _digest_header(
                sandbox.credentials, challenge, "GET", "/elsewhere", nc="00000003"
            ),
        }
        mismatched = client.get(uri, headers=other_uri)
    assert first.status_code == 200
    assert replay.status_code == 401
    assert second.status_code == 200
    assert mismatched.status_code == 401


def test_a_repeated_count_with_a_fresh_cnonce_is_not_a_replay(sandbox):
    uri, headers = _target(sandbox)
    with httpx.Client(base_url=sandbox.base_url) as client:
        challenge = _challenge(client.get(uri, headers=headers))
        answers = [
            client.get(
                uri,
                headers={
                    **headers,
                    "Authorization": _digest_header(
                        sandbox.credentials, challenge, "GET", uri, cnonce=cnonce
                    ),
                },
            )
            for cnonce in ("aaaa1111", "bbbb2222")
        ]
    assert [a.status_code for a in answers] == [200, 200]


def test_expired_nonce_gets_a_stale_challenge_and_httpx_recovers(sandbox_factory):
    sandbox = sandbox_factory(nonce_ttl_seconds=0.2)
    uri, headers = _target(sandbox)
    with httpx.Client(base_url=sandbox.base_url) as client:
        challenge = _challenge(client.get(uri, headers=headers))
        time.sleep(0.3)
        late = client.get(
            uri,
            headers={**headers, "Authorization": _digest_header(sandbox.credentials, challenge, "GET", uri)},
        )
    assert late.status_code == 401 and _challenge(late)["stale"] == "true"
    with digest_client(sandbox) as client:
        assert client.get(uri, headers=headers).status_code == 200
        time.sleep(0.3)
        assert client.get(uri, headers=headers).status_code == 200  # httpx answers the fresh challenge


def _token(sandbox, secret=None, grant="client_credentials"):
    creds = sandbox.credentials
    with httpx.Client(base_url=sandbox.base_url) as client:
        return client.post(
            OAUTH["token_path"],
            data={"grant_type": grant},
            auth=(creds.client_id, secret or creds.client_secret),
        )


def test_client_credentials_token_and_bearer_use(sandbox):
    response = _token(sandbox)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["access_token"]
    uri, headers = _target(sandbox)
    with httpx.Client(base_url=sandbox.base_url) as client:
        ok = client.get(uri, headers={**headers, "Authorization": f"Bearer {body['access_token']}"})
        bad = client.get(uri, headers={**headers, "Authorization": "Bearer not-a-token"})
    assert ok.status_code == 200
    assert bad.status_code == 401 and error_code(bad) == FACTS["errors"]["token_expired"]["errorCode"]


def test_wrong_client_secret_and_grant_type(sandbox):
    wrong = _token(sandbox, secret="nope")
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    grant = _token(sandbox, grant="password")
    assert grant.status_code == 400 and grant.json() == {"error": "unsupported_grant_type"}


def test_token_expires(sandbox_factory):
    sandbox = sandbox_factory(token_ttl_seconds=0.2)
    token = _token(sandbox).json()["access_token"]
    uri, headers = _target(sandbox)
    auth = {**headers, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=sandbox.base_url) as client:
        assert client.get(uri, headers=auth).status_code == 200
        time.sleep(0.3)
        expired = client.get(uri, headers=auth)
    assert expired.status_code == 401 and error_code(expired) == "INVALID_OAUTH_TOKEN"


def test_revoked_token_is_refused(sandbox):
    creds = sandbox.credentials
    token = _token(sandbox).json()["access_token"]
    uri, headers = _target(sandbox)
    auth = {**headers, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=sandbox.base_url) as client:
        assert client.get(uri, headers=auth).status_code == 200
        unauth_revoke = client.post(OAUTH["revoke_path"], data={"token": token})
        assert unauth_revoke.status_code == 401
        assert client.get(uri, headers=auth).status_code == 200
        revoked = client.post(
            OAUTH["revoke_path"], data={"token": token}, auth=(creds.client_id, creds.client_secret)
        )
        assert revoked.status_code == 200
        assert client.get(uri, headers=auth).status_code == 401


def test_each_family_accepts_both_schemes(sandbox):
    token = _token(sandbox).json()["access_token"]
    cluster = sandbox.dataset.first_cluster()
    with httpx.Client(base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        assert call(client, "list_restore_jobs", "old", *ids(cluster)).status_code == 200
    with digest_client(sandbox) as client:
        assert call(client, "list_restore_jobs", "old", *ids(cluster)).status_code == 200


def test_concurrent_digest_clients_all_succeed(sandbox):
    """Threads sharing one Digest client (as a concurrent checker does) never see a 401 they cannot
    recover from: replayed or out-of-order nonce counts are answered with a fresh challenge."""
    from concurrent.futures import ThreadPoolExecutor

    uri, headers = _target(sandbox)
    with digest_client(sandbox) as client, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: client.get(uri, headers=headers).status_code, range(200)))
    assert statuses == [200] * 200


def test_a_used_up_nonce_is_retired_as_stale():
    from flexmigrate.sandbox.auth import Authenticator
    from flexmigrate.sandbox.config import Credentials

    creds = Credentials()
    auth = Authenticator(creds, FACTS["digest"]["realm"], nonce_ttl=300, token_ttl=60, nonce_uses=2)
    header = auth.challenge()
    challenge = {k: v1 or v2 for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]+))', header)}
    results = [
        auth.authenticate(_digest_header(creds, challenge, "GET", "/x", nc=f"{n:08x}"), "GET", "/x")
        for n in (1, 2, 3)
    ]
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].problem == "stale" and "stale=true" in results[2].challenge
