"""Both families answer over real HTTP with Digest auth, from the same seeded data."""

from __future__ import annotations

import httpx
import pytest

from flexmigrate.catalog import load_catalog

pytestmark = pytest.mark.timeout(60)


def test_same_restore_job_through_both_families(sandbox):
    ep = load_catalog().endpoint("get_restore_job")
    cluster = sandbox.dataset.first_cluster()
    job_id = cluster.restore_job_ids[0]
    auth = httpx.DigestAuth(sandbox.credentials.public_key, sandbox.credentials.private_key)
    values = dict(zip(ep.old.path_params, (cluster.project_id, cluster.name, job_id)))
    new_values = dict(zip(ep.new.path_params, (cluster.project_id, cluster.name, job_id)))
    with httpx.Client(base_url=sandbox.base_url, auth=auth) as client:
        old = client.get(ep.old.path.format(**values), headers={"Accept": ep.old.media_type})
        new = client.get(ep.new.path.format(**new_values), headers={"Accept": ep.new.media_type})
    assert old.status_code == 200 and new.status_code == 200
    assert old.headers["content-type"] == ep.old.media_type + ";charset=utf-8"
    assert new.headers["content-type"] == ep.new.media_type + ";charset=utf-8"  # as recorded
    renames = ep.response_field_renames
    old_body, new_body = old.json(), new.json()
    assert old_body["id"] == new_body["id"] == job_id
    for old_name, new_name in renames.items():
        if old_name in old_body:
            assert old_body[old_name] == new_body[new_name] == cluster.name
