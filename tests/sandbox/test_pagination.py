"""Flex lists paginate (pageNum, itemsPerPage 1..500 default 100, includeCount, links); tenant lists
do not."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sandbox.helpers import FACTS, call, digest_client, ids

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def big(request):
    from flexmigrate.sandbox import SandboxConfig, serve_in_background

    with serve_in_background(
        SandboxConfig(
            projects=1,
            clusters_per_project=1,
            restore_jobs_per_cluster=250,
            snapshots_per_cluster=7,
            rate_limit_scale=0,
        )
    ) as running:
        yield running


def _page(sandbox, endpoint, family, params):
    with digest_client(sandbox) as client:
        return call(client, endpoint, family, *ids(sandbox.dataset.first_cluster()), params=params).json()


def _links(body):
    return {link["rel"]: link["href"] for link in body["links"]}


def test_default_page_is_100_with_count_and_links(big):
    cluster = big.dataset.first_cluster()
    with digest_client(big) as client:
        body = call(client, "list_restore_jobs", "new", *ids(cluster)).json()
    assert FACTS["pagination"]["items_per_page"]["default"] == 100
    assert len(body["results"]) == 100 and body["totalCount"] == 250
    links = _links(body)
    assert set(links) == {"self", "next"}
    query = parse_qs(urlsplit(links["next"]).query)
    assert query["pageNum"] == ["2"] and query["itemsPerPage"] == ["100"]
    assert links["self"].startswith(big.base_url + "/api/atlas/v2/")


def test_following_next_links_visits_every_job_once_in_order(big):
    cluster = big.dataset.first_cluster()
    seen, pages = [], 0
    with digest_client(big) as client:
        url = call(client, "list_restore_jobs", "new", *ids(cluster), params={"itemsPerPage": 60}).request.url
        while url:
            body = client.get(url, headers={"Accept": "application/vnd.atlas.2024-11-13+json"}).json()
            seen += [r["id"] for r in body["results"]]
            pages += 1
            links = _links(body)
            assert ("previous" in links) == (pages > 1)
            url = links.get("next")
    assert seen == cluster.restore_job_ids
    assert pages == 5


def test_page_past_the_end_is_empty_with_previous_link(big):
    body = _page(big, "list_restore_jobs", "new", {"pageNum": 9, "itemsPerPage": 100})
    assert body["results"] == [] and body["totalCount"] == 250
    assert set(_links(body)) == {"self", "previous"}


def test_include_count_false_omits_total(big):
    body = _page(big, "list_snapshots", "new", {"includeCount": "false"})
    assert "totalCount" not in body and len(body["results"]) == 7


@pytest.mark.parametrize(
    "params",
    [
        {"itemsPerPage": 0},
        {"itemsPerPage": 501},
        {"pageNum": 0},
        {"pageNum": "x"},
        {"itemsPerPage": "1.5"},
        {"pageNum": "+2"},
        {"itemsPerPage": "1_0"},
        {"pageNum": " 2"},
    ],
)
def test_out_of_range_paging_is_a_bad_request(big, params):
    with digest_client(big) as client:
        response = call(client, "list_restore_jobs", "new", *ids(big.dataset.first_cluster()), params=params)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_QUERY_PARAMETER"


def test_max_page_size_is_accepted(big):
    body = _page(big, "list_restore_jobs", "new", {"itemsPerPage": 500})
    assert len(body["results"]) == 250 and set(_links(body)) == {"self"}


def test_tenant_lists_do_not_paginate(big):
    body = _page(big, "list_restore_jobs", "old", {"itemsPerPage": 10, "pageNum": 2})
    assert len(body["results"]) == 250 and body["totalCount"] == 250
    assert set(_links(body)) == {"self"}
