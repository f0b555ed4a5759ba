"""Scripts, docs, configuration, Go and TypeScript: every retired reference is reported, with its
replacement; near misses stay quiet.  Real files on disk, through the scanner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flexmigrate.cli import main
from flexmigrate.languages import language_for
from flexmigrate.scan.pipeline import ScanOptions, scan

# (file name, content, [(rule, line, column, retired operation)]): positions counted by hand.
CASES = [
    (
        "restore.sh",
        '#!/bin/sh\ncurl -H "Accept: application/vnd.atlas.2023-01-01+json" \\\n'
        '  "$BASE/api/atlas/v2/groups/${GROUP_ID}/clusters/${CLUSTER}/backup/tenant/restores/${RESTORE_ID}"\n',
        [("FM601", 3, 9, "getBackupTenantRestore")],
    ),
    (
        "nightly.yml",
        "jobs:\n  backup:\n    steps:\n      - run: atlas api sharedTierSnapshots listSharedClusterBackups "
        "--clusterName c --groupId g\n",
        [("FM602", 4, 14, "listClusterBackupSnapshots")],
    ),
    (
        "atlas.postman_collection.json",
        '{"request": {"url": "{{base}}/groups/{{groupId}}/clusters/{{cluster}}/backup/tenant/download"}}\n',
        [("FM601", 1, 30, "downloadClusterBackupTenant")],
    ),
    (
        "runbook.md",
        "# Restore\n\n```bash\ncurl https://cloud.mongodb.com/api/atlas/v2/groups/<group-id>/clusters/"
        "<cluster>/backup/tenant/restore -d @body.json\n```\n",
        [("FM601", 4, 31, "createBackupTenantRestore")],
    ),
    (
        "restores.go",
        "func get() {\n\tjob, _, err := c.SharedTierRestoreJobsApi.GetBackupTenantRestore(ctx, cl, g, r).Execute()\n}\n",
        [("FM603", 2, 19, "getBackupTenantRestore")],
    ),
    (
        "index.ts",
        "const s = mongodbatlas.getSharedTierSnapshotsOutput({projectId: p, clusterName: c});\n",
        [("FM604", 1, 24, "listClusterBackupSnapshots")],
    ),
    (
        "README.rst",
        "Prose names ``mongodbatlas_shared_tier_snapshot`` and stays quiet.\n\n.. code-block:: hcl\n\n"
        "   output = data.mongodbatlas_shared_tier_restore_job.job.snapshot_url\n\nDone.\n",
        [("FM604", 5, 18, "getBackupTenantRestore")],
    ),
    (
        "CHANGELOG.md",
        "* `data.mongodbatlas_shared_tier_snapshot`: deprecated\n\n    atlas api sharedTierSnapshots "
        "getSharedClusterBackup --clusterName c\n",
        [("FM602", 3, 5, "getBackupTenantSnapshot")],
    ),
    (
        ".env.example",
        "RESTORE_PATH=/api/atlas/v2/groups/$G/clusters/$C/backup/tenant/restores\n",
        [("FM601", 1, 14, "listBackupTenantRestores")],
    ),
    (
        "main.go",
        "jobs, err := mongodbatlas.LookupSharedTierRestoreJobs(ctx, &mongodbatlas.LookupSharedTierRestoreJobsArgs{})\n",
        [("FM604", 1, 27, "listBackupTenantRestores")],
    ),
    (
        "Program.cs",
        "var job = GetSharedTierRestoreJob.Invoke(new() { ClusterName = c });\n",
        [("FM604", 1, 11, "getBackupTenantRestore")],
    ),
    (
        "App.java",
        "final var snaps = MongodbatlasFunctions.getSharedTierSnapshots(GetSharedTierSnapshotsArgs.builder().build());\n",
        [("FM604", 1, 41, "listClusterBackupSnapshots")],
    ),
    (
        "endpoints.json",
        '{"get": "getBackupTenantSnapshot", "list": "listFlexBackupSnapshots"}\n',
        [("FM605", 1, 10, "getBackupTenantSnapshot")],
    ),
]

NEAR_MISSES = [
    ("azure.sh", 'az login --tenant "$TENANT_ID"\ncurl "$API/tenant/settings"\n'),
    ("service.yaml", "routes:\n  - /tenants/{tenant}/backup\n  - /v1/tenant/restores\n"),
    ("dedicated.md", 'data "mongodbatlas_cloud_backup_snapshot_restore_job" "x" {}\n'),
    ("cli.sh", "atlas backups restores list myCluster\natlas backups snapshots describe abc\n"),
    ("flex.ts", "await api.get(`/api/atlas/v2/groups/${g}/flexClusters/${c}/backup/restoreJobs/${r}`);\n"),
    ("main.go", "x := client.FlexRestoreJobsAPI.GetFlexRestoreJob(ctx, g, n, r)\n"),
    ("notes.md", "Maintenant, the tenant_id and the tenants list are unrelated.\n"),
    (
        "upgrade.md",
        "The `mongodbatlas_shared_tier_restore_jobs` data source and getBackupTenantRestore are gone.\n",
    ),
]


@pytest.mark.parametrize("name,content,expected", CASES, ids=[c[0] for c in CASES])
def test_each_reference_is_reported_with_its_replacement(tmp_path: Path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    result = scan([tmp_path])
    found = [(f.rule, f.line, f.column, f.operation) for f in result.findings]
    assert found == expected
    language = language_for(name)
    assert language is not None
    for f in result.findings:
        assert f.language == language.name
        assert f.fix.value == "manual" and not f.edits
        assert f.replacement and ("flex" in f.message or "Flex" in f.message), f.message
    # Reported, never rewritten: a fix run leaves the bytes alone.
    before = path.read_bytes()
    scan([tmp_path], ScanOptions(fix=True, write=True, unsafe_fixes=True))
    assert path.read_bytes() == before


@pytest.mark.parametrize("name,content", NEAR_MISSES, ids=[c[0] for c in NEAR_MISSES])
def test_near_misses_stay_quiet(tmp_path: Path, name, content):
    (tmp_path / name).write_text(content, "utf-8")
    assert scan([tmp_path]).findings == []


def test_the_language_is_in_every_output(tmp_path: Path, capsys):
    (tmp_path / "r.sh").write_text(CASES[0][1], "utf-8")
    assert main(["scan", "--isolated", "--format", "json", str(tmp_path)]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["language"] == "shell"
    assert main(["scan", "--isolated", "--format", "sarif", str(tmp_path)]) == 1
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["properties"]["language"] == "shell"
    assert main(["scan", "--isolated", str(tmp_path)]) == 1
    assert "FM601 [manual] (shell)" in capsys.readouterr().out


def test_a_suppression_comment_silences_a_line(tmp_path: Path):
    (tmp_path / "r.sh").write_text(
        "curl $B/groups/$G/clusters/$C/backup/tenant/snapshots  # flexmigrate: ignore[FM601]\n"
        "curl $B/groups/$G/clusters/$C/backup/tenant/snapshots  # flexmigrate: ignore[FM2]\n",
        "utf-8",
    )
    assert [f.line for f in scan([tmp_path]).findings] == [2]


@pytest.mark.parametrize(
    "name,language",
    [
        ("main.tf.json", "terraform-json"),
        ("x.json", "json"),
        ("Makefile", "makefile"),
        ("Dockerfile", "dockerfile"),
        (".env", "env"),
        (".env.production", "env"),
        ("prod.env", "env"),
        ("a.yaml", "yaml"),
        ("b.mjs", "javascript"),
        ("c.tsx", "typescript"),
        ("d.py", "python"),
        ("e.txt", None),
        ("f.png", None),
    ],
)
def test_file_names_are_claimed_by_their_type(name, language):
    found = language_for(name)
    assert (found.name if found else None) == language


GENERATED_GO = (
    "// Code generated by pulumi-language-go DO NOT EDIT.\n"
    "// *** WARNING: Do not edit by hand unless you're certain you know what you are doing! ***\n\n"
)


def test_a_generated_file_gets_one_finding_and_only_when_it_refers_to_a_retired_endpoint(tmp_path: Path):
    (tmp_path / "calls.go").write_text(
        GENERATED_GO + "func GetSharedTierRestoreJob(ctx *pulumi.Context) {}\n"
        "// see /groups/{groupId}/clusters/{clusterName}/backup/tenant/restores\n",
        "utf-8",
    )
    # Prose in a generated file ("the shared/tenant tier") is not a call (a helper found this one).
    (tmp_path / "advancedCluster.go").write_text(
        GENERATED_GO + "// M2/M5 are the shared/tenant tier sizes.\n", "utf-8"
    )
    (tmp_path / "api.py").write_text(
        '"""\n    Generated by OpenAPI Generator (https://openapi-generator.tech)\n\n    Do not edit the class manually.\n"""\n'
        '_PATH = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant/snapshots"\n',
        "utf-8",
    )
    found = sorted((Path(f.path).name, f.rule, f.line, f.fix.value) for f in scan([tmp_path]).findings)
    assert found == [("api.py", "FM650", 1, "manual"), ("calls.go", "FM650", 1, "manual")]
    before = (tmp_path / "api.py").read_bytes()
    scan([tmp_path], ScanOptions(fix=True, write=True, unsafe_fixes=True))
    assert (tmp_path / "api.py").read_bytes() == before, "a generated file is never edited"


def test_include_narrows_the_file_types_and_a_run_on_nothing_fails(tmp_path: Path, capsys):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "r.sh").write_text(CASES[0][1], "utf-8")
    (tmp_path / "nightly.yml").write_text(CASES[1][1], "utf-8")
    assert {Path(f.path).name for f in scan([tmp_path]).findings} == {"r.sh", "nightly.yml"}
    only_shell = scan([tmp_path], ScanOptions(include=("*.sh",)))
    assert [Path(f.path).name for f in only_shell.findings] == ["r.sh"]
    by_path = scan([tmp_path], ScanOptions(include=("infra/*",)))
    assert [Path(f.path).name for f in by_path.findings] == ["r.sh"]
    assert main(["scan", "--isolated", "--include", "*.tf", str(tmp_path)]) == 2
    assert "holds no file matching --include *.tf" in capsys.readouterr().out


def test_a_module_that_defines_a_wrapper_is_reported_not_rewritten(tmp_path: Path):
    """A vendored SDK defines ``get_shared_tier_restore_job``: its callers move, the definition stays."""
    source = (
        "import requests\n\n\ndef get_shared_tier_restore_job(cluster_name, job_id, project_id):\n"
        '    url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{project_id}/clusters/{cluster_name}'
        '/backup/tenant/restores/{job_id}"\n'
        '    return requests.get(url, headers={"Accept": "application/vnd.atlas.2023-01-01+json"}).json()\n'
    )
    (tmp_path / "sdk.py").write_text(source, "utf-8")
    result = scan([tmp_path], ScanOptions(fix=True, write=True, unsafe_fixes=True))
    assert (tmp_path / "sdk.py").read_text("utf-8") == source
    assert result.findings and all(f.fix.value == "manual" and not f.edits for f in result.findings)
    assert all("defines get_shared_tier_restore_job" in f.message for f in result.findings)


def test_names_are_found_as_whole_words_exactly_as_a_regex_finds_them():
    """The text scan finds names by their anchors with ``str.find``; hold it to the plain regex
    (a whole-word alternation of every name) over every example text and over names set against
    word characters, punctuation and the edges of the text."""
    import re

    from flexmigrate.catalog import load_catalog
    from flexmigrate.languages import textscan

    catalog = load_catalog()
    info = textscan._patterns(catalog).name_info
    ordered = sorted(info, key=len, reverse=True)
    regex = re.compile(rf"(?<![A-Za-z0-9_])(?:{'|'.join(map(re.escape, ordered))})(?![A-Za-z0-9_])")
    texts = [content for _, content, _ in CASES] + [content for _, content in NEAR_MISSES]
    texts += [p.read_text("utf-8") for p in (Path(__file__).parent / "fixtures").rglob("*") if p.is_file()]
    for name in ordered[:: max(1, len(ordered) // 25)]:
        texts += [
            name,
            f"x{name}",
            f"{name}_",
            f"{name}9 {name}",
            f"({name}).{name}\n",
            f"é{name}é",
            name * 2,
        ]
    for text in texts:
        expected = sorted((m.start(), m.end()) for m in regex.finditer(text))
        found = sorted(
            (m.start, m.end) for m in textscan.scan_text(text, catalog) if m.rule in ("FM604", "FM605")
        )
        # A name inside a wider match (a CLI command, a URL) is reported as part of that one.
        wider = [
            (m.start, m.end) for m in textscan.scan_text(text, catalog) if m.rule not in ("FM604", "FM605")
        ]
        assert found == [s for s in expected if not any(a <= s[0] and s[1] <= b for a, b in wider)], text


def test_a_long_word_full_of_anchors_is_read_once():
    """A 60 KB word made of a name's pieces took 27 s: every anchor in it expanded the whole word
    again.  Count the searches instead of timing them: a word is expanded once per anchor."""
    from flexmigrate.catalog import load_catalog
    from flexmigrate.languages import textscan

    class Counted(str):
        finds = 0

        def find(self, *args):  # type: ignore[override]
            Counted.finds += 1
            return super().find(*args)

    anchors = textscan._patterns(load_catalog()).name_anchors
    text = Counted("SharedTier" * 6000 + " getBackupTenantRestore")
    spans = textscan._whole_words_around(text, anchors)
    assert (len("SharedTier" * 6000) + 1, len(text)) in spans
    assert Counted.finds <= 3 * len(anchors), Counted.finds


def test_a_path_literal_never_holds_the_optional_version_prefix():
    """The regex takes ``/api/atlas/<version>`` as optional, so the literal that gates it must come
    from ``/groups`` on: with a ``v1.0`` path the prefix tied the tail in length and won."""
    from dataclasses import replace

    from flexmigrate.catalog import load_catalog
    from flexmigrate.languages import textscan

    ep = next(e for e in load_catalog() if e.old.path.endswith("/backup/tenant/restore"))
    legacy = replace(ep, old=replace(ep.old, path=ep.old.path.replace("/v2/", "/v1.0/")))
    literal = textscan._path_literal(legacy)
    assert literal == "/backup/tenant/restore", literal
    assert literal in "/groups/a/clusters/b/backup/tenant/restore"
