"""Atlas's error bodies and codes: not found at each level, malformed path parameters, unknown routes."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import CATALOG, FACTS, FAMILIES, call, digest_client, ids, op, path

pytestmark = pytest.mark.timeout(60)
ERROR_FIELDS = {"error", "detail", "reason", "errorCode", "parameters"}
ITEM_ENDPOINTS = ("get_restore_job", "get_snapshot")


def _check_body(response, status):
    body = response.json()
    assert response.status_code == status
    assert set(body) >= ERROR_FIELDS and body["error"] == status
    assert set(body) <= set(CATALOG.error_body_fields)
    return body


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("endpoint", [ep.key for ep in CATALOG])
def test_unknown_project_and_cluster(sandbox, endpoint, family):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        no_project = call(client, endpoint, family, "f" * 24, cluster.name, "0" * 24, json={})
        no_cluster = call(client, endpoint, family, cluster.project_id, "ghost", "0" * 24, json={})
    assert _check_body(no_project, 404)["errorCode"] == FACTS["errors"]["group_not_found"]["errorCode"]
    body = _check_body(no_cluster, 404)
    assert body["errorCode"] == "CLUSTER_NOT_FOUND"
    assert "ghost" in body["detail"] and body["parameters"] == ["ghost", cluster.project_id]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(
    "endpoint,code",
    [("get_restore_job", "TENANT_RESTORE_NOT_FOUND"), ("get_snapshot", "TENANT_SNAPSHOT_NOT_FOUND")],
)
def test_unknown_item(sandbox, endpoint, code, family):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        response = call(client, endpoint, family, *ids(cluster, "a" * 24))
    body = _check_body(response, 404)
    assert body["errorCode"] == code
    assert body["detail"].endswith(f"ID {'a' * 24} exists for cluster {cluster.name}.")
    assert code in CATALOG.errors[endpoint]["not_found"]


@pytest.mark.parametrize("family", FAMILIES)
def test_malformed_group_id(sandbox, family):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        response = call(client, "list_restore_jobs", family, "NOT-HEX", cluster.name)
    body = _check_body(response, 404)  # as Atlas answers it
    assert body["errorCode"] == FACTS["errors"]["invalid_group_id"]["errorCode"] == "INVALID_GROUP_ID"
    assert body["detail"] == "An invalid group ID NOT-HEX was specified."
    assert body["parameters"] == ["NOT-HEX"]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("endpoint", ITEM_ENDPOINTS)
def test_malformed_cluster_name_and_item_id(sandbox, endpoint, family):
    cluster = sandbox.dataset.first_cluster()
    operation = op(endpoint, family)
    with digest_client(sandbox) as client:
        bad_name = call(client, endpoint, family, cluster.project_id, "-starts-with-dash", "0" * 24)
        bad_item = call(client, endpoint, family, cluster.project_id, cluster.name, "XYZ")
    for response, param, value in (
        (bad_name, operation.path_params[1], "-starts-with-dash"),
        (bad_item, operation.path_params[2], "XYZ"),
    ):
        body = _check_body(response, 400)
        assert body["errorCode"] == FACTS["errors"]["invalid_path_param"]["errorCode"] == "VALIDATION_ERROR"
        assert body["parameters"] == [param, value]  # the family's own parameter name
        assert body["badRequestDetail"]["fields"][0]["field"] == param


def test_unknown_route_and_wrong_method(sandbox):
    operation = op("get_snapshot", "new")
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        unknown = client.get("/api/atlas/v2/nowhere")
        wrong = client.delete(
            path(operation, *ids(cluster, cluster.snapshot_ids[0])), headers={"Accept": operation.media_type}
        )
    assert _check_body(unknown, 404)["errorCode"] == "RESOURCE_NOT_FOUND"
    assert _check_body(wrong, 405)["errorCode"] == FACTS["errors"]["method_not_allowed"]["errorCode"]


def test_malformed_http_is_answered_400_and_closed(sandbox):
    import socket

    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        data = sock.recv(65536)
    assert data.startswith(b"HTTP/1.1 400 ")


@pytest.mark.parametrize("family", FAMILIES)
def test_trailing_newline_does_not_pass_a_pattern(sandbox, family):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        response = call(client, "get_snapshot", family, *ids(cluster, cluster.snapshot_ids[0] + "%0A"))
    assert _check_body(response, 400)["errorCode"] == "VALIDATION_ERROR"


def test_oversized_body_is_refused_and_expect_continue_is_honoured(sandbox_factory):
    import socket

    sandbox = sandbox_factory()
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/oauth/token HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 2000000\r\n\r\n"
        )
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(b"x" * 1_100_000)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 413 ")
