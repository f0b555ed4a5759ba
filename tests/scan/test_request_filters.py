"""A request migrates whole, whatever the user filters: every filter against every kind of member.

Two requests in one file.  ``restore_source`` has a URL (FM101), a version header (FM201) and a
response-field read (FM301); ``download`` has a URL, a request body (FM401) and two version headers.
A member is filtered out by a ``# flexmigrate: ignore`` comment, an ``ignore[CODE]`` comment,
``--ignore``, ``--select`` of the other rules, or ``ignore`` in ``[tool.flexmigrate]``.  Then no
other member of its request may be applied, the others are reported ``manual`` naming the member
that held them back, and the other request migrates whole.  Each case runs through ``fix``,
``fix --diff`` (the patch applied with git), ``fix --check`` and the libcst command.  The expected
texts are written out by hand, request by request.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from flexmigrate.cli import main
from tests.codemods.libcst_runner import USER_CONFIG, run_libcst_command

HEAD = 'import requests\n\nBASE = "https://cloud.mongodb.com/api/atlas/v2"\n\n\n'

# Each request before and after, with {URL} {HDR} ... where a comment may be put at a line's end.
RESTORE_BEFORE = """def restore_source(group, cluster, restore_id, auth):
    resp = requests.get(
        f"{BASE}/groups/{group}/clusters/{cluster}/backup/tenant/restores/{restore_id}",<URL1>
        headers={"Accept": "application/vnd.atlas.2023-01-01+json"},<HDR1>
        auth=auth,
    )
    return resp.json()["clusterName"]<FIELD>
"""
RESTORE_AFTER = """def restore_source(group, cluster, restore_id, auth):
    resp = requests.get(
        f"{BASE}/groups/{group}/flexClusters/{cluster}/backup/restoreJobs/{restore_id}",<URL1>
        headers={"Accept": "application/vnd.atlas.2024-11-13+json"},<HDR1>
        auth=auth,
    )
    return resp.json()["instanceName"]<FIELD>
"""
DOWNLOAD_BEFORE = """def download(group, cluster, snapshot_id, auth):
    return requests.post(
        f"{BASE}/groups/{group}/clusters/{cluster}/backup/tenant/download",<URL2>
        json={"snapshotId": snapshot_id, "targetProjectId": group},<BODY>
        headers={"Accept": "application/vnd.atlas.2023-01-01+json",
                 "Content-Type": "application/vnd.atlas.2023-01-01+json"},
        auth=auth,
    )
"""
DOWNLOAD_AFTER = """def download(group, cluster, snapshot_id, auth):
    return requests.post(
        f"{BASE}/groups/{group}/flexClusters/{cluster}/backup/download",<URL2>
        json={"snapshotId": snapshot_id},<BODY>
        headers={"Accept": "application/vnd.atlas.2024-11-13+json",
                 "Content-Type": "application/vnd.atlas.2024-11-13+json"},
        auth=auth,
    )
"""
MARKERS = ("<URL1>", "<HDR1>", "<FIELD>", "<URL2>", "<BODY>")
# Which request each member belongs to, its rule code and its line in the assembled file.
MEMBERS = {
    "<URL1>": ("restore", "FM101", 8),
    "<HDR1>": ("restore", "FM201", 9),
    "<FIELD>": ("restore", "FM301", 12),
    "<URL2>": ("download", "FM101", 17),
    "<BODY>": ("download", "FM401", 18),
}
CODES = {"restore": {"FM101", "FM201", "FM301"}, "download": {"FM101", "FM201", "FM401"}}


def assemble(restore: str, download: str, comments: dict[str, str]) -> str:
    text = HEAD + restore + "\n\n" + download
    for marker in MARKERS:
        text = text.replace(marker, f"  {comments[marker]}" if marker in comments else "")
    return text


@dataclass(frozen=True)
class Case:
    name: str
    member: str  # the marker of the member filtered out
    comment: str | None = None  # put at the member's line
    args: tuple[str, ...] = ()  # added to the command line
    config: str | None = None  # [tool.flexmigrate] table

    @property
    def held(self) -> set[str]:
        """The requests that must stay as they were."""
        request, code, _ = MEMBERS[self.member]
        if self.comment is not None:
            return {request}
        return {r for r, codes in CODES.items() if code in codes}

    def comments(self) -> dict[str, str]:
        return {self.member: self.comment} if self.comment else {}

    def before(self) -> str:
        return assemble(RESTORE_BEFORE, DOWNLOAD_BEFORE, self.comments())

    def expected(self) -> str:
        return assemble(
            RESTORE_BEFORE if "restore" in self.held else RESTORE_AFTER,
            DOWNLOAD_BEFORE if "download" in self.held else DOWNLOAD_AFTER,
            self.comments(),
        )


def _cases() -> list[Case]:
    out = []
    for marker, (_, code, _) in MEMBERS.items():
        label = marker.strip("<>").lower()
        others = ",".join(sorted({"FM1", "FM2", "FM3", "FM4", "FM5"} - {code[:3]}))
        out += [
            Case(f"{label}-comment", marker, comment="# flexmigrate: ignore"),
            Case(f"{label}-comment-code", marker, comment=f"# flexmigrate: ignore[{code}]"),
            Case(f"{label}-ignore-flag", marker, args=("--ignore", code)),
            Case(f"{label}-select-others", marker, args=("--select", others)),
            Case(f"{label}-config", marker, config=f'[tool.flexmigrate]\nignore = ["{code}"]\n'),
        ]
    return out


CASES = _cases()


def _project(root: Path, case: Case) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(case.config or "[project]\nname = 'x'\n", "utf-8")
    target = root / "backups.py"
    target.write_text(case.before(), "utf-8")
    return target


def _held_messages_ok(findings: list[dict], case: Case) -> None:
    """Every reported member of a held request is manual and names the member that held it back."""
    _, code, line = MEMBERS[case.member]
    held_lines = {
        "restore": range(6, 13),
        "download": range(15, 23),
    }
    for request in case.held:
        mine = [f for f in findings if f["line"] in held_lines[request]]
        assert mine, f"the held request {request} must still be reported"
        for f in mine:
            assert f["fix"] == "manual", f
            assert "held back:" in f["message"] and "of this request (line " in f["message"], f
        if case.comment is not None:
            assert all(f"held back: {code} of this request (line {line})" in f["message"] for f in mine)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fix_writes_whole_requests_only(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    target = _project(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    assert main(["fix", *case.args, "backups.py"]) == 1
    capsys.readouterr()
    assert target.read_text("utf-8") == case.expected()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fix_check_reports_the_held_members(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    target = _project(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "--check", "--format", "json", *case.args, "backups.py"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert target.read_text("utf-8") == case.before(), "--check writes nothing"
    _held_messages_ok(document["findings"], case)
    applied_lines = {f["line"] for f in document["findings"] if f["fix"] == "applied"}
    for request, lines in (("restore", range(6, 13)), ("download", range(15, 23))):
        if request not in case.held:
            assert applied_lines & set(lines), f"{request} must migrate whole"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to apply the patch")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fix_diff_is_the_same_migration(case: Case, tmp_path: Path, monkeypatch, capsysbinary) -> None:
    target = _project(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    assert main(["fix", "--diff", *case.args, "backups.py"]) == 1
    patch = capsysbinary.readouterr().out
    assert target.read_text("utf-8") == case.before(), "--diff writes nothing"
    if case.expected() == case.before():
        assert patch == b"", "nothing may change when every request is held back"
        return
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    done = subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=patch, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert target.read_text("utf-8") == case.expected()


COMMENT_CASES = [c for c in CASES if c.comment is not None]


def test_the_libcst_command_honours_suppression_comments(tmp_path: Path) -> None:
    """One run of ``python -m libcst.tool codemod`` over a file per comment case."""
    (tmp_path / ".libcst.codemod.yaml").write_text(USER_CONFIG, "utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for case in COMMENT_CASES:
        (pkg / f"{case.name.replace('-', '_')}.py").write_text(case.before(), "utf-8")
    done = run_libcst_command(tmp_path)
    assert done.returncode == 0, done.stderr
    for case in COMMENT_CASES:
        got = (pkg / f"{case.name.replace('-', '_')}.py").read_text("utf-8")
        assert got == case.expected(), case.name
    assert "held back: " in done.stderr


# -- fix kinds: a member whose fix is not allowed holds the rest of its request ------------------------

UNSAFE_URL = """import requests


def restore_source(project_url, cluster, restore_id, auth):
    resp = requests.get(
        f"{project_url}/clusters/{cluster}/backup/tenant/restores/{restore_id}",
        headers={"Accept": "application/vnd.atlas.2023-01-01+json"},
        auth=auth,
    )
    return resp.json()["clusterName"]
"""
UNSAFE_URL_FIXED = """import requests


def restore_source(project_url, cluster, restore_id, auth):
    resp = requests.get(
        f"{project_url}/flexClusters/{cluster}/backup/restoreJobs/{restore_id}",
        headers={"Accept": "application/vnd.atlas.2024-11-13+json"},
        auth=auth,
    )
    return resp.json()["instanceName"]
"""
MANUAL_HEADER = """import requests


def restore_with(group, cluster, restore_id, auth, headers):
    resp = requests.get(
        f"https://cloud.mongodb.com/api/atlas/v2/groups/{group}/clusters/{cluster}/backup/tenant/restores/{restore_id}",
        headers=headers,
        auth=auth,
    )
    return resp.json()["clusterName"]
"""


def _fix_json(tmp_path: Path, monkeypatch, capsys, text: str, *args: str) -> tuple[str, list[dict]]:
    target = tmp_path / "backups.py"
    target.write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    main(["fix", "--isolated", "--format", "json", *args, "backups.py"])
    return target.read_text("utf-8"), json.loads(capsys.readouterr().out)["findings"]


def test_an_unsafe_url_holds_its_safe_header_and_field(tmp_path: Path, monkeypatch, capsys) -> None:
    text, findings = _fix_json(tmp_path, monkeypatch, capsys, UNSAFE_URL)
    assert text == UNSAFE_URL
    assert {f["rule"]: f["fix"] for f in findings} == {
        "FM105": "unsafe",
        "FM201": "unsafe",
        "FM301": "unsafe",
    }
    for f in findings:
        if f["rule"] != "FM105":
            assert "unsafe: FM105 of this request (line 6) is unsafe" in f["message"], f
    text, findings = _fix_json(tmp_path, monkeypatch, capsys, UNSAFE_URL, "--unsafe-fixes")
    assert text == UNSAFE_URL_FIXED
    assert {f["fix"] for f in findings} == {"applied"}


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe-only", "unsafe-fixes"])
def test_a_header_that_needs_a_human_holds_the_url_even_with_unsafe_fixes(
    unsafe: bool, tmp_path: Path, monkeypatch, capsys
) -> None:
    text, findings = _fix_json(
        tmp_path, monkeypatch, capsys, MANUAL_HEADER, *(["--unsafe-fixes"] if unsafe else [])
    )
    assert text == MANUAL_HEADER
    assert {f["fix"] for f in findings} == {"manual"}
    url = next(f for f in findings if f["rule"] == "FM101")
    assert "held back: FM203 of this request (line 7) needs a human" in url["message"]
