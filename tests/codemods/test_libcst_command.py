"""``python -m libcst.tool codemod migrate_to_flex.MigrateToFlex``, run for real in a subprocess.

The project is installed, so ``flexmigrate.codemods`` is importable; the temporary directory carries
the ``.libcst.codemod.yaml`` that docs/libcst-codemod.md tells users to write.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from flexmigrate.codemods.fixer import fix_source
from flexmigrate.models.fix_policy import FixPolicy
from tests.codemods.libcst_runner import USER_CONFIG, run_libcst_command

pytestmark = pytest.mark.timeout(180)

CONFIG = USER_CONFIG

SHARED_SESSION = textwrap.dedent(
    """\
    import requests

    session = requests.Session()
    session.headers.update({"Accept": "application/vnd.atlas.2023-01-01+json"})


    def list_snapshots(group_id, cluster):
        url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{group_id}/clusters/{cluster}/backup/tenant/snapshots"
        return session.get(url).json()
    """
)

OWN_HEADER = textwrap.dedent(
    """\
    import requests


    def restore_source(group, cluster, restore_id, auth):
        url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{group}/clusters/{cluster}/backup/tenant/restores/{restore_id}"
        resp = requests.get(url, auth=auth, headers={"Accept": "application/vnd.atlas.2023-01-01+json"})
        return resp.json()["clusterName"]


    def show(job):
        # the tenant restores listing (listBackupTenantRestores) is not used here
        print(job["clusterName"])
    """
)

UNRELATED = "import requests\n\nrequests.get('https://example.com/api')  # nothing Atlas here\n"


def _tree(tmp_path: Path) -> Path:
    (tmp_path / ".libcst.codemod.yaml").write_text(CONFIG, "utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "shared_session.py").write_text(SHARED_SESSION, "utf-8")
    (pkg / "own_header.py").write_text(OWN_HEADER, "utf-8")
    (pkg / "unrelated.py").write_text(UNRELATED, "utf-8")
    return pkg


def _run(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_libcst_command(cwd, *extra)


def _expected(source: str, unsafe: bool) -> str:
    return fix_source(source, policy=FixPolicy(unsafe_fixes=unsafe)).text


def test_safe_fixes_only_by_default(tmp_path: Path) -> None:
    pkg = _tree(tmp_path)
    done = _run(tmp_path)
    assert done.returncode == 0, done.stderr

    own = (pkg / "own_header.py").read_text("utf-8")
    assert own == _expected(OWN_HEADER, unsafe=False)
    assert "/flexClusters/" in own and "/backup/tenant/" not in own
    assert "application/vnd.atlas.2024-11-13+json" in own and "2023-01-01" not in own
    assert 'resp.json()["instanceName"]' in own
    assert 'job["clusterName"]' in own, "an untraceable read must not be rewritten"
    cst.parse_module(own)

    shared = (pkg / "shared_session.py").read_text("utf-8")
    assert "session.get(url).json()" in shared, "the unsafe own-header fix needs --unsafe-fixes"
    assert shared.count("2023-01-01") == 1, "the shared session header is never edited"

    assert (pkg / "unrelated.py").read_text("utf-8") == UNRELATED
    assert "FM302 [manual]" in done.stderr
    assert "FM202 [unsafe, use --unsafe-fixes]" in done.stderr
    assert "FM502" not in done.stderr, "comments are reported only with --report-comments"
    assert "Skipped codemodding" in done.stderr and "unrelated.py" in done.stderr


def test_unsafe_fixes_and_second_run_is_a_no_op(tmp_path: Path) -> None:
    pkg = _tree(tmp_path)
    done = _run(tmp_path, "--unsafe-fixes", "--report-comments")
    assert done.returncode == 0, done.stderr
    assert "FM502 [manual]" in done.stderr
    assert "# the tenant restores listing (listBackupTenantRestores)" in (pkg / "own_header.py").read_text(
        "utf-8"
    )
    shared = (pkg / "shared_session.py").read_text("utf-8")
    assert shared == _expected(SHARED_SESSION, unsafe=True)
    assert 'session.get(url, headers={"Accept": "application/vnd.atlas.2024-11-13+json"})' in shared
    assert 'session.headers.update({"Accept": "application/vnd.atlas.2023-01-01+json"})' in shared

    snapshot = {p.name: p.read_bytes() for p in pkg.iterdir()}
    again = _run(tmp_path, "--unsafe-fixes")
    assert again.returncode == 0, again.stderr
    assert {p.name: p.read_bytes() for p in pkg.iterdir()} == snapshot
    assert "Transformed 0 files" in again.stderr


def test_help_describes_the_command(tmp_path: Path) -> None:
    (tmp_path / ".libcst.codemod.yaml").write_text(CONFIG, "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "migrate_to_flex.MigrateToFlex", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--unsafe-fixes" in done.stdout and "--report-comments" in done.stdout
    assert "Flex" in done.stdout


def test_the_repositorys_own_codemods_folder_serves_the_command(tmp_path: Path) -> None:
    """From a clone, the top-level codemods/ folder (not installed) is where libcst finds the command."""
    repo = Path(__file__).resolve().parents[2]
    assert (repo / ".libcst.codemod.yaml").read_text("utf-8").count("'codemods'") == 1
    target = tmp_path / "own_header.py"
    target.write_text(OWN_HEADER, "utf-8")
    done = run_libcst_command(repo, target=str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text("utf-8") == _expected(OWN_HEADER, unsafe=False)
