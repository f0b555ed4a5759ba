"""``envelope=true`` and ``pretty=true`` as the Atlas docs describe them.

Envelope (the spec's ``envelope`` parameter and MongoDB's API guideline IPA-115): HTTP 200 always; a
single resource (or an error) becomes ``{"status": <code>, "content": <body>}``; a list keeps its shape
and gains ``status``.
"""

from __future__ import annotations

import json

import pytest

from tests.sandbox.helpers import FAMILIES, call, digest_client, ids

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("family", FAMILIES)
def test_envelope_wraps_a_single_resource(sandbox, family):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        plain = call(client, "get_restore_job", family, *ids(cluster, cluster.restore_job_ids[0]))
        wrapped = call(
            client,
            "get_restore_job",
            family,
            *ids(cluster, cluster.restore_job_ids[0]),
            params={"envelope": "true"},
        )
    assert wrapped.status_code == 200
    assert wrapped.json() == {"status": 200, "content": plain.json()}


@pytest.mark.parametrize("family", FAMILIES)
def test_envelope_on_a_list_adds_status(sandbox, family):
    with digest_client(sandbox) as client:
        plain = call(client, "list_snapshots", family, *ids(sandbox.dataset.first_cluster()))
        wrapped = call(
            client,
            "list_snapshots",
            family,
            *ids(sandbox.dataset.first_cluster()),
            params={"envelope": "true"},
        )
    body = wrapped.json()
    assert wrapped.status_code == 200 and body.pop("status") == 200
    # the self link carries the request's own query only for paginated lists; compare the rest
    assert body["results"] == plain.json()["results"]


@pytest.mark.parametrize("family", FAMILIES)
def test_envelope_turns_an_error_into_200(sandbox, family):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        response = call(
            client, "get_restore_job", family, *ids(cluster, "0" * 24), params={"envelope": "true"}
        )
        success = call(
            client,
            "get_restore_job",
            family,
            *ids(cluster, cluster.restore_job_ids[0]),
            params={"envelope": "true"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 404
    assert body["content"]["error"] == 404 and body["content"]["errorCode"]
    # The content type an enveloped success has (issue 9), not the plain error's application/json.
    assert response.headers["content-type"] == success.headers["content-type"] != "application/json"


@pytest.mark.parametrize("family", FAMILIES)
def test_pretty_indents_the_same_document(sandbox, family):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        plain = call(client, "get_snapshot", family, *ids(cluster, cluster.snapshot_ids[0]))
        pretty = call(
            client, "get_snapshot", family, *ids(cluster, cluster.snapshot_ids[0]), params={"pretty": "true"}
        )
    assert "\n" not in plain.text
    assert pretty.text.startswith('{\n  "')
    assert json.loads(pretty.text) == plain.json()


@pytest.mark.parametrize("params", [{"includeCount": "maybe"}, {"envelope": "yes"}, {"pretty": "1"}])
def test_invalid_boolean_is_a_bad_request(sandbox, params):
    with digest_client(sandbox) as client:
        response = call(client, "list_snapshots", "new", *ids(sandbox.dataset.first_cluster()), params=params)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_QUERY_PARAMETER"
    assert response.json()["parameters"] == list(params)


def test_booleans_are_case_insensitive(sandbox):
    with digest_client(sandbox) as client:
        response = call(
            client,
            "list_snapshots",
            "old",
            *ids(sandbox.dataset.first_cluster()),
            params={"envelope": "TRUE"},
        )
    assert response.json()["status"] == 200
