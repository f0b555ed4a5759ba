"""Without drift the two families tell the same story: every restore job and snapshot is equal field
for field once the catalog's renames are applied.  Hypermedia differs: the tenant family's items link
to themselves (the spec), the Flex items carry no links (the real Atlas, sandbox.json ``wire``)."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import CATALOG, call, digest_client, ids, op

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("endpoint", ["list_restore_jobs", "list_snapshots"])
def test_every_record_is_the_same_through_both_families(sandbox, endpoint):
    renames = CATALOG.endpoint(CATALOG.endpoint(endpoint).list_item).response_field_renames
    checked = 0
    with digest_client(sandbox) as client:
        for cluster in sandbox.dataset.clusters():
            old = call(client, endpoint, "old", *ids(cluster)).json()["results"]
            new = call(client, endpoint, "new", *ids(cluster), params={"itemsPerPage": 500}).json()["results"]
            assert len(old) == len(new) > 0
            for old_record, new_record in zip(old, new):
                renamed = {renames.get(k, k): v for k, v in old_record.items() if k != "links"}
                assert renamed == {k: v for k, v in new_record.items() if k != "links"}
                assert old_record["links"][0]["rel"] == "self" and "links" not in new_record
                checked += 1
    assert checked == sum(
        len(c.restore_jobs if endpoint == "list_restore_jobs" else c.snapshots)
        for c in sandbox.dataset.clusters()
    )


def test_item_links_resolve_in_their_own_family(sandbox):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        listed = call(client, "list_restore_jobs", "old", *ids(cluster)).json()["results"][0]
        again = client.get(
            listed["links"][0]["href"], headers={"Accept": op("get_restore_job", "old").media_type}
        )
        assert again.status_code == 200 and again.json() == listed
        flex = call(client, "list_restore_jobs", "new", *ids(cluster)).json()
        assert "links" not in flex["results"][0] and [link["rel"] for link in flex["links"]] == ["self"]
