"""Normalisation through the real catalog: field renames, timestamps, presigned URLs, catalog paths."""

from __future__ import annotations

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check.compare import compare
from flexmigrate.check.normalise import (
    CatalogPathMapper,
    Normaliser,
    Rules,
    timestamp_to_second,
    url_without_query,
)

CATALOG = load_catalog()
GET = CATALOG.endpoint("get_restore_job")
LIST = CATALOG.endpoint("list_restore_jobs")
ALL = Rules(normalise={"timestamp": ("*",), "url": ("*",), "catalog_path": ("links[].href",)})


def test_cluster_name_becomes_instance_name_through_the_catalog_field_map():
    norm = Normaliser(CATALOG, GET.response_field_renames, Rules())
    old = {"clusterName": "c1", "id": "a"}
    assert norm.old(old) == {"instanceName": "c1", "id": "a"}
    assert old == {"clusterName": "c1", "id": "a"}, "the raw response must not be mutated"


def test_renames_reach_into_list_items():
    norm = Normaliser(CATALOG, LIST.response_field_renames, Rules())
    old = {"results": [{"clusterName": "c1"}, {"clusterName": "c2"}], "totalCount": 2}
    assert norm.old(old)["results"] == [{"instanceName": "c1"}, {"instanceName": "c2"}]


def test_a_rename_that_moves_a_field_is_refused():
    with pytest.raises(ValueError):
        Normaliser(CATALOG, {"a.b": "c.b"}, Rules())


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05Z"),
        ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"),
        ("2026-01-02T05:04:05+02:00", "2026-01-02T03:04:05Z"),
        ("not a date", "not a date"),
        (17, 17),
    ],
)
def test_timestamps_compare_to_the_second_in_utc(raw, expected):
    assert timestamp_to_second(raw) == expected


def test_presigned_query_string_is_dropped_from_urls():
    url = "https://restore.example/snap.tgz?X-Amz-Signature=abc&X-Amz-Expires=14400#frag"
    assert url_without_query(url) == "https://restore.example/snap.tgz"
    assert url_without_query("plain") == "plain"


def test_retired_self_links_map_onto_the_replacement_paths():
    mapper = CatalogPathMapper(CATALOG)
    gid, rid = "a" * 24, "b" * 24
    old = f"https://cloud.mongodb.com/api/atlas/v2/groups/{gid}/clusters/c1/backup/tenant/restores/{rid}"
    new = f"/api/atlas/v2/groups/{gid}/flexClusters/c1/backup/restoreJobs/{rid}"
    assert mapper(old) == new
    assert mapper("https://cloud.mongodbgov.com" + new) == new, "the host is not part of the comparison"
    listing = f"/api/atlas/v2/groups/{gid}/clusters/c1/backup/tenant/snapshots"
    assert mapper(listing) == f"/api/atlas/v2/groups/{gid}/flexClusters/c1/backup/snapshots"


def test_a_whole_retired_document_equals_its_replacement_after_normalising():
    gid, rid = "a" * 24, "b" * 24
    old = {
        "clusterName": "c1",
        "id": rid,
        "restoreFinishedDate": "2026-01-02T03:04:05.999Z",
        "snapshotUrl": "https://dl.example/x.tgz?sig=1",
        "links": [
            {
                "rel": "self",
                "href": f"https://h/api/atlas/v2/groups/{gid}/clusters/c1/backup/tenant/restores/{rid}",
            }
        ],
    }
    new = {
        "instanceName": "c1",
        "id": rid,
        "restoreFinishedDate": "2026-01-02T03:04:05Z",
        "snapshotUrl": "https://dl.example/x.tgz?sig=2",
        "links": [
            {
                "rel": "self",
                "href": f"https://h/api/atlas/v2/groups/{gid}/flexClusters/c1/backup/restoreJobs/{rid}",
            }
        ],
    }
    norm = Normaliser(CATALOG, GET.response_field_renames, ALL)
    assert compare(norm.old(old), norm.new(new)).equal
    bare = Normaliser(CATALOG, GET.response_field_renames, Rules())
    fields = {d.field for d in compare(bare.old(old), bare.new(new)).differences}
    assert fields == {"restoreFinishedDate", "snapshotUrl", "links[0].href"}


def test_unknown_normaliser_is_refused():
    with pytest.raises(ValueError):
        Normaliser(CATALOG, {}, Rules(normalise={"rot13": ("*",)}))
