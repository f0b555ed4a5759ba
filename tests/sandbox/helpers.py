"""Small helpers the sandbox tests share: clients, URLs from the catalog, and ids from the data set."""

from __future__ import annotations

from typing import Any

import httpx

from flexmigrate.catalog import Endpoint, Operation, load_catalog
from flexmigrate.sandbox import RunningSandbox
from flexmigrate.sandbox.dataset import Cluster

CATALOG = load_catalog()
FACTS = CATALOG.section("sandbox")
FAMILIES = ("old", "new")


def op(endpoint: Endpoint | str, family: str) -> Operation:
    ep = CATALOG.endpoint(endpoint) if isinstance(endpoint, str) else endpoint
    return ep.old if family == "old" else ep.new


def path(operation: Operation, *values: str) -> str:
    """``operation``'s path with its parameters filled in order (project, cluster, item)."""
    out = operation.path
    for name, value in zip(operation.path_params, values):
        out = out.replace("{" + name + "}", value)
    return out


def digest_client(sandbox: RunningSandbox, **kwargs: Any) -> httpx.Client:
    creds = sandbox.credentials
    return httpx.Client(
        base_url=sandbox.base_url,
        auth=httpx.DigestAuth(creds.public_key, creds.private_key),
        timeout=10,
        **kwargs,
    )


def call(
    client: httpx.Client, endpoint: str, family: str, *values: str, accept: str | None = None, **kwargs: Any
) -> httpx.Response:
    """Request ``endpoint`` of ``family`` with the family's Accept header (or ``accept``)."""
    operation = op(endpoint, family)
    headers = {"Accept": operation.media_type if accept is None else accept, **kwargs.pop("headers", {})}
    return client.request(operation.method, path(operation, *values), headers=headers, **kwargs)


def ids(cluster: Cluster, item: str | None = None) -> tuple[str, ...]:
    return (cluster.project_id, cluster.name) + ((item,) if item else ())


def request_body(endpoint: str, family: str, cluster: Cluster) -> dict[str, str] | None:
    """A valid POST body for ``endpoint`` of ``family`` (every required attribute); None for a GET."""
    if endpoint not in FACTS["request_bodies"]:
        return None
    # A completed snapshot, as a real restore takes one (the data set has one per cluster at least).
    finished = [i for i, snap in cluster.snapshots.items() if "finishTime" in snap] or cluster.snapshot_ids
    body = {"snapshotId": finished[0], "targetDeploymentItemName": cluster.name}
    required = FACTS["request_bodies"][endpoint][family]["required"]
    return {k: v for k, v in body.items() if k in required}


def create_restore_job(sandbox: Any, family: str = "new") -> httpx.Response:
    """POST a valid restore job to the first cluster of ``sandbox`` through ``family``."""
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        return call(
            client,
            "create_restore_job",
            family,
            *ids(cluster),
            json=request_body("create_restore_job", family, cluster),
        )


def error_code(response: httpx.Response) -> str:
    return response.json()["errorCode"]
