"""One source of truth: with a catalog whose Flex paths and parameter names differ, everything follows it.

A copy of the shipped catalog moves every Flex path (``flexClusters/{name}`` ->
``flexibleClusters/{flexName}``, ``restoreJobs/{restoreJobId}`` -> ``restoreTasks/{taskId}``,
``snapshots/{snapshotId}`` -> ``snapshotCopies/{copyId}``) and is put in force with
``FLEXMIGRATE_CATALOG``.  Then the codemod rewrites to the new paths, the sandbox serves them (and
no longer the shipped ones), and the checker proves parity against that sandbox.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import httpx
import pytest

from flexmigrate.catalog import CATALOG_ENV, load_catalog
from flexmigrate.cli import main
from flexmigrate.sandbox import SandboxConfig, serve_in_background

MOVES = {
    "/flexClusters/{name}": "/flexibleClusters/{flexName}",
    "/restoreJobs/{restoreJobId}": "/restoreTasks/{taskId}",
    "/restoreJobs": "/restoreTasks",
    "/snapshots/{snapshotId}": "/snapshotCopies/{copyId}",
    "/flexClusters": "/flexibleClusters",
}
PARAMS = {"name": "flexName", "restoreJobId": "taskId", "snapshotId": "copyId"}


def _moved(path: str) -> str:
    for old, new in MOVES.items():
        path = path.replace(old, new)
    return path


@pytest.fixture
def moved_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(Path(str(resources.files("flexmigrate.catalog").joinpath("data"))), folder)
    data = json.loads((folder / "endpoints.json").read_text("utf-8"))
    for ep in data["endpoints"]:
        ep["new"]["path"] = _moved(ep["new"]["path"])
        renames = {old: PARAMS.get(new, new) for old, new in ep["path_param_renames"].items()}
        for param in ep["old"]["path"].split("{")[1:]:
            name = param.split("}")[0]
            if name in PARAMS and name not in renames:
                renames[name] = PARAMS[name]
        ep["path_param_renames"] = {k: v for k, v in renames.items() if k != v}
    for old, new in PARAMS.items():
        data["path_patterns"][new] = data["path_patterns"][old]
    (folder / "endpoints.json").write_text(json.dumps(data), "utf-8")
    check = json.loads((folder / "check.json").read_text("utf-8"))
    check["cluster_discovery"]["path"] = _moved(check["cluster_discovery"]["path"])
    (folder / "check.json").write_text(json.dumps(check), "utf-8")
    monkeypatch.setenv(CATALOG_ENV, str(folder))
    assert load_catalog().endpoint("get_restore_job").new.path.endswith("/restoreTasks/{taskId}")
    return folder


def test_the_codemod_rewrites_to_the_catalogs_paths(moved_catalog: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "backups.py"
    source.write_text(
        "import requests\n\n\ndef get(g, c, r):\n"
        '    return requests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restores/{r}",\n'
        '                        headers={"Accept": "application/vnd.atlas.2023-01-01+json"})\n',
        "utf-8",
    )
    assert main(["fix", "--isolated", str(source)]) == 1
    text = source.read_text("utf-8")
    assert "/groups/{g}/flexibleClusters/{c}/backup/restoreTasks/{r}" in text
    assert "flexClusters" not in text and "tenant" not in text


def test_the_sandbox_serves_the_catalogs_paths(moved_catalog: Path) -> None:
    with serve_in_background(SandboxConfig(seed=3)) as sb:
        cluster = sb.dataset.first_cluster()
        job = cluster.restore_job_ids[0]
        auth = httpx.DigestAuth(sb.credentials.public_key, sb.credentials.private_key)
        media = load_catalog().endpoint("get_restore_job").new.media_type
        base = f"{sb.base_url}/api/atlas/v2/groups/{cluster.project_id}"
        moved = httpx.get(
            f"{base}/flexibleClusters/{cluster.name}/backup/restoreTasks/{job}",
            headers={"Accept": media},
            auth=auth,
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["id"] == job
        shipped = httpx.get(
            f"{base}/flexClusters/{cluster.name}/backup/restoreJobs/{job}",
            headers={"Accept": media},
            auth=auth,
        )
        assert shipped.status_code == 404


def test_the_checker_follows_the_catalog(moved_catalog: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    with serve_in_background(SandboxConfig(seed=3, rate_limit_scale=0)) as sb:
        monkeypatch.setenv("MONGODB_ATLAS_PUBLIC_API_KEY", sb.credentials.public_key)
        monkeypatch.setenv("MONGODB_ATLAS_PRIVATE_API_KEY", sb.credentials.private_key)
        cluster = sb.dataset.first_cluster()
        report = tmp_path / "report.json"
        code = main(
            [
                "check",
                "--group-id",
                cluster.project_id,
                "--base-url",
                sb.base_url,
                "--no-progress",
                "--snapshots",
                "--sample",
                "5",
                "--seed",
                "1",
                "--format",
                "json",
                "--output",
                str(report),
            ]
        )
    data = json.loads(report.read_text("utf-8"))
    assert code == 0, capsys.readouterr()
    assert data["results"] and {r["verdict"] for r in data["results"]} == {"match"}
    assert {r["resource"] for r in data["results"]} == {"get_restore_job", "get_snapshot"}
