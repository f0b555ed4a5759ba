"""listFlexClusters (cluster discovery), served when the catalog declares it: each project's clusters,
paginated like every Flex list, under the Flex version only."""

from __future__ import annotations

import pytest

from flexmigrate.sandbox.facts import facts
from tests.sandbox.helpers import digest_client, error_code, path

pytestmark = pytest.mark.timeout(60)
DISCOVERY = facts().cluster_list()


@pytest.fixture(autouse=True)
def _declared():
    if DISCOVERY is None:
        pytest.skip("the catalog declares no cluster list (check section cluster_discovery)")


def test_lists_every_cluster_of_the_project(sandbox):
    for project in sandbox.dataset.projects.values():
        with digest_client(sandbox) as client:
            response = client.get(path(DISCOVERY, project.id), headers={"Accept": DISCOVERY.media_type})
        assert response.status_code == 200
        assert response.headers["content-type"] == DISCOVERY.media_type + ";charset=utf-8"
        body = response.json()
        assert [c["name"] for c in body["results"]] == project.cluster_names
        assert body["totalCount"] == len(project.clusters)
        assert {c["groupId"] for c in body["results"]} == {project.id}
        assert len({c["id"] for c in body["results"]}) == len(project.clusters)


def test_paginates(sandbox_factory):
    sandbox = sandbox_factory(projects=1, clusters_per_project=5, restore_jobs_per_cluster=1)
    project = next(iter(sandbox.dataset.projects.values()))
    with digest_client(sandbox) as client:
        page2 = client.get(
            path(DISCOVERY, project.id),
            params={"itemsPerPage": 2, "pageNum": 2},
            headers={"Accept": DISCOVERY.media_type},
        ).json()
    assert [c["name"] for c in page2["results"]] == project.cluster_names[2:4]
    assert {link["rel"] for link in page2["links"]} == {"previous", "self", "next"}


def test_unknown_project_and_wrong_version(sandbox):
    with digest_client(sandbox) as client:
        missing = client.get(path(DISCOVERY, "e" * 24), headers={"Accept": DISCOVERY.media_type})
        tenant_version = client.get(
            path(DISCOVERY, sandbox.dataset.project_ids[0]),
            headers={"Accept": "application/vnd.atlas.2023-01-01+json"},
        )
    assert missing.status_code == 404 and error_code(missing) == "GROUP_NOT_FOUND"
    assert tenant_version.status_code == 406


def test_one_cluster_is_served_and_an_unknown_name_is_cluster_not_found(sandbox):
    """getFlexCluster (issue 9): the description the list gives, without links, as recorded."""
    project = sandbox.dataset.projects[sandbox.dataset.project_ids[0]]
    cluster = next(iter(project.clusters.values()))
    one = path(DISCOVERY, project.id) + "/" + cluster.name
    with digest_client(sandbox) as client:
        listed = client.get(path(DISCOVERY, project.id), headers={"Accept": DISCOVERY.media_type}).json()
        found = client.get(one, headers={"Accept": DISCOVERY.media_type})
        missing = client.get(
            path(DISCOVERY, project.id) + "/nosuch", headers={"Accept": DISCOVERY.media_type}
        )
    assert found.status_code == 200 and found.json() in listed["results"]
    assert all("links" not in item for item in listed["results"])
    assert missing.status_code == 404 and error_code(missing) == "CLUSTER_NOT_FOUND"


def test_a_cluster_is_described_in_full(sandbox):
    """Every field mongodb/atlas-sdk-go documents for FlexClusterDescription20241113 (but links),
    with the documented defaults (issue 9)."""
    project = sandbox.dataset.projects[sandbox.dataset.project_ids[0]]
    with digest_client(sandbox) as client:
        listed = client.get(path(DISCOVERY, project.id), headers={"Accept": DISCOVERY.media_type}).json()
    described = listed["results"][0]
    assert set(described) == {
        "backupSettings", "clusterType", "connectionStrings", "createDate", "groupId", "id",
        "mongoDBVersion", "name", "providerSettings", "stateName", "tags",
        "terminationProtectionEnabled", "versionReleaseSystem",
    }  # fmt: skip
    assert described["providerSettings"]["providerName"] == "FLEX"
    assert described["backupSettings"] == {"enabled": True}
    assert described["versionReleaseSystem"] == "LTS" and described["terminationProtectionEnabled"] is False
    assert described["connectionStrings"]["standardSrv"].startswith("mongodb+srv://")
