"""Notebooks: code cells fixed through the Python engine, everything else kept byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from flexmigrate.scan.pipeline import ScanOptions, scan

FIX = ScanOptions(fix=True, write=True)


def _notebook(path: Path, cells: list, output: str = "résumé ✓\n") -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.cells[-1].outputs = (
        [nbformat.v4.new_output("stream", text=output)] if cells[-1].cell_type == "code" else []
    )
    nbformat.write(nb, str(path))
    return path.read_text("utf-8")


CODE_BASE = (
    "%pip install requests\nimport requests\n"
    'BASE = "https://cloud.mongodb.com/api/atlas/v2"\n'
    'HEADERS = {"Accept": "application/vnd.atlas.2023-01-01+json"}\n'
)
CODE_CALL = (
    "def restore(g, c, r):\n"
    '    url = f"{BASE}/groups/{g}/clusters/{c}/backup/tenant/restores/{r}"\n'
    '    resp = requests.get(url, headers={"Accept": "application/vnd.atlas.2023-01-01+json"})\n'
    '    return resp.json()["clusterName"]\n'
    "restore?\n"
)


def test_code_cells_are_fixed_and_the_rest_stays(tmp_path: Path) -> None:
    path = tmp_path / "restore.ipynb"
    before = _notebook(
        path,
        [
            nbformat.v4.new_markdown_cell("# Restores\nThe old `/backup/tenant/restores` path, in prose."),
            nbformat.v4.new_code_cell(CODE_BASE),
            nbformat.v4.new_code_cell(CODE_CALL),
        ],
    )
    result = scan([tmp_path], FIX)
    assert not result.errors
    after = path.read_text("utf-8")
    nbformat.validate(nbformat.reads(after, as_version=4))
    old, new = json.loads(before), json.loads(after)
    # Only the third cell's source changed: markdown, outputs, metadata and the other cell are equal.
    assert old["cells"][:2] == new["cells"][:2] and old["metadata"] == new["metadata"]
    assert old["cells"][2]["outputs"] == new["cells"][2]["outputs"]
    source = "".join(new["cells"][2]["source"])
    assert source == (
        CODE_CALL.replace(
            "clusters/{c}/backup/tenant/restores/{r}", "flexClusters/{c}/backup/restoreJobs/{r}"
        )
        .replace("2023-01-01", "2024-11-13")
        .replace('"clusterName"', '"instanceName"')
    )
    assert "restore?\n" in source and "%pip install requests\n" in "".join(new["cells"][1]["source"])
    # Every byte before the changed source is the original's (layout, indentation, escapes).
    start = before.index('"def restore')
    assert after[:start] == before[:start]
    assert {f.language for f in result.findings} == {"notebook"}
    assert all("cell 3" in f.message for f in result.findings if f.applied)
    assert not scan([tmp_path], FIX).changed, "a second fix changes nothing"


def test_shell_cells_and_escapes_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "cli.ipynb"
    _notebook(
        path,
        [
            nbformat.v4.new_code_cell(
                "!atlas api sharedTierSnapshots listClusterBackupSnapshots --clusterName c --groupId g\nfiles = !ls\n"
            ),
            nbformat.v4.new_code_cell('%%bash\ncurl "$BASE/groups/$G/clusters/$C/backup/tenant/download"\n'),
        ],
    )
    findings = scan([tmp_path]).findings
    assert [(f.rule, f.message.split(":")[0]) for f in findings] == [
        ("FM602", "cell 1, line 1"),
        ("FM601", "cell 2, line 2"),
    ]


def test_a_cell_that_is_not_python_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    before = _notebook(
        path,
        [
            nbformat.v4.new_code_cell("x = 1\n"),
            nbformat.v4.new_code_cell('url = "/groups/g/clusters/c/backup/tenant/snapshots"\ndef broken(:\n'),
        ],
    )
    result = scan([tmp_path], FIX)
    ((where, message),) = result.errors
    assert where == path and message.startswith("cell 2, line 2: not valid Python")
    assert path.read_text("utf-8") == before


@pytest.mark.parametrize("content", ["{", '{"cells": 3}', "[]"])
def test_a_file_that_is_not_a_notebook_is_named(tmp_path: Path, content: str) -> None:
    (tmp_path / "x.ipynb").write_text(content + '\n"/groups/g/clusters/c/backup/tenant/snapshots"', "utf-8")
    ((_, message),) = scan([tmp_path]).errors
    assert message.startswith("not a notebook")
