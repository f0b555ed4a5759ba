"""Each family answers only its declared version and echoes it; anything else gets the version error."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import FACTS, FAMILIES, call, digest_client, error_code, ids, op

pytestmark = pytest.mark.timeout(60)
OTHER = {"old": "new", "new": "old"}


@pytest.mark.parametrize("family", FAMILIES)
def test_declared_version_is_answered_and_echoed(sandbox, family):
    with digest_client(sandbox) as client:
        response = call(client, "list_snapshots", family, *ids(sandbox.dataset.first_cluster()))
    assert response.status_code == 200
    assert response.headers["content-type"] == op("list_snapshots", family).media_type + ";charset=utf-8"


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(
    "accept", ["", "application/json", "*/*", "application/vnd.atlas.2099-01-01+json", "other"]
)
def test_missing_or_unknown_version_is_refused(sandbox, family, accept):
    accept = op("list_snapshots", OTHER[family]).media_type if accept == "other" else accept
    with digest_client(sandbox) as client:
        response = call(
            client, "list_snapshots", family, *ids(sandbox.dataset.first_cluster()), accept=accept
        )
    assert response.status_code == FACTS["version_error"]["default_status"] == 406
    assert error_code(response) == FACTS["version_error"]["errorCode"]
    assert response.json()["error"] == 406


def test_version_error_status_is_configurable(sandbox_factory):
    sandbox = sandbox_factory(version_error_status=400)
    with digest_client(sandbox) as client:
        response = call(
            client, "get_snapshot", "new", *ids(sandbox.dataset.first_cluster(), "0" * 24), accept=""
        )
    assert response.status_code == 400
    assert response.json()["error"] == 400
    assert error_code(response) == FACTS["version_error"]["errorCode"]


@pytest.mark.parametrize("family", FAMILIES)
def test_version_among_several_media_ranges_and_with_parameters(sandbox, family):
    accept = f"application/json;q=0.5, {op('list_snapshots', family).media_type};charset=utf-8"
    with digest_client(sandbox) as client:
        response = call(
            client, "list_snapshots", family, *ids(sandbox.dataset.first_cluster()), accept=accept
        )
    assert response.status_code == 200
