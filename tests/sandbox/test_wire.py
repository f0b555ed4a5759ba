"""The HTTP/1.1 layer: keep-alive, pipelining in order, Connection: close, HTTP/1.0."""

from __future__ import annotations

import socket

import pytest

from tests.sandbox.helpers import FACTS

pytestmark = pytest.mark.timeout(30)


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_pipelined_requests_are_answered_in_order(sandbox):
    unknown = [f"/api/atlas/v2/nowhere/{n}" for n in range(3)]
    raw = b"".join(f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for p in unknown)
    raw += b"GET /api/atlas/v2/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(raw)
        data = _read_all(sock)  # the server closes after the last answer
    assert data.count(b"HTTP/1.1 404 ") == 4
    positions = [data.index(p.encode()) for p in [*unknown, "/api/atlas/v2/last"]]
    assert positions == sorted(positions)
    assert data.count(b"Connection: close") == 1


def test_http_1_0_closes_after_the_answer(sandbox):
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(b"GET /nowhere HTTP/1.0\r\n\r\n")
        data = _read_all(sock)
    assert data.startswith(b"HTTP/1.1 404 ") and b"Connection: close" in data


def test_oauth_token_over_a_raw_socket(sandbox):
    import base64

    creds = sandbox.credentials
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    body = b"grant_type=client_credentials"
    request = (
        f"POST {FACTS['oauth']['token_path']} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {basic}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(request)
        data = _read_all(sock)
    assert data.startswith(b"HTTP/1.1 200 ") and b'"token_type":"Bearer"' in data


def test_gzip_is_honoured_when_asked_and_only_then(sandbox):
    """Atlas honours Accept-Encoding: gzip (issue 9); identity, or gzip;q=0, gets the plain bytes."""
    import gzip
    import json

    from tests.sandbox.helpers import digest_client, ids, op, path

    cluster = sandbox.dataset.first_cluster()
    operation = op("list_snapshots", "new")
    with digest_client(sandbox) as client:
        for accept, compressed in (("gzip, deflate", True), ("identity", False), ("gzip;q=0", False)):
            with client.stream(
                "GET",
                path(operation, *ids(cluster)),
                headers={"Accept": operation.media_type, "Accept-Encoding": accept},
            ) as response:
                raw = b"".join(response.iter_raw())
            assert (response.headers.get("content-encoding") == "gzip") is compressed, accept
            body = json.loads(gzip.decompress(raw) if compressed else raw)
            assert "results" in body


def test_a_405_names_the_allowed_methods(sandbox):
    from tests.sandbox.helpers import digest_client, ids, op, path

    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        answer = client.delete(path(op("list_restore_jobs", "new"), *ids(cluster)))
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "GET, POST"
    assert answer.headers["X-Error-Code"] == "METHOD_NOT_ALLOWED"
