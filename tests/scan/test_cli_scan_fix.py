"""``flexmigrate scan`` / ``fix`` end to end, on real files in a temporary folder."""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flexmigrate.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"

GET_BEFORE = (
    "import requests\n"
    "\n"
    "def get(g, c, r):\n"
    '    url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restores/{r}"\n'
    '    return requests.get(url, headers={"Accept": "application/vnd.atlas.2023-01-01+json"})\n'
)
GET_AFTER = GET_BEFORE.replace(
    "clusters/{c}/backup/tenant/restores", "flexClusters/{c}/backup/restoreJobs"
).replace("2023-01-01", "2024-11-13")
UNRELATED = "def tenant_name(t):\n    return t.tenant_id\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "backups.py").write_text(GET_BEFORE)
    (tmp_path / "app" / "other.py").write_text(UNRELATED)
    (tmp_path / "app" / "clean.py").write_text("x = 1\n")
    return tmp_path


def test_scan_reports_and_exits_1_without_writing(project, capsys):
    before = (project / "app" / "backups.py").read_bytes()
    code, out, _ = run(capsys, "scan", str(project))
    assert code == 1
    line = next(text for text in out.splitlines() if "backups.py" in text)
    assert ":4:" in line and "FM1" in line and "getBackupTenantRestore -> getFlexBackupRestoreJob" in line
    assert (project / "app" / "backups.py").read_bytes() == before


def test_scan_of_clean_tree_exits_0(tmp_path, capsys):
    (tmp_path / "a.py").write_text(UNRELATED)
    code, out, _ = run(capsys, "scan", str(tmp_path))
    assert code == 0 and "no retired endpoint calls found" in out


def test_missing_path_is_an_error_but_the_rest_is_scanned(project, capsys):
    code, out, _ = run(capsys, "scan", str(project), str(project / "nope"))
    assert code == 2
    assert "backups.py" in out and "no such file" in out


def test_fix_rewrites_then_second_fix_changes_nothing(project, capsys):
    target = project / "app" / "backups.py"
    code, _, _ = run(capsys, "fix", str(project))
    assert code == 1  # it changed a file: make the user look
    assert target.read_text() == GET_AFTER
    stat_before = target.stat()
    code, out, _ = run(capsys, "fix", str(project))
    assert code == 0, out
    assert target.read_text() == GET_AFTER
    assert target.stat().st_mtime_ns == stat_before.st_mtime_ns  # not even rewritten


def test_diff_writes_nothing_and_applies_cleanly(project, capsys, tmp_path_factory):
    target = project / "app" / "backups.py"
    code, out, err = run(capsys, "fix", "--diff", str(project))
    assert code == 1
    assert target.read_text() == GET_BEFORE
    assert out.startswith("--- a/") and "+++ b/" in out and "flexClusters" in out
    if shutil.which("patch"):
        copy = tmp_path_factory.mktemp("patched") / "backups.py"
        copy.write_text(GET_BEFORE)
        subprocess.run(["patch", "-s", str(copy)], input=out, text=True, check=True)
        assert copy.read_text() == GET_AFTER


def test_check_writes_nothing_and_exits_1(project, capsys):
    code, _, _ = run(capsys, "fix", "--check", str(project))
    assert code == 1
    assert (project / "app" / "backups.py").read_text() == GET_BEFORE


def test_diff_with_json_is_a_usage_error(project, capsys):
    code, _, err = run(capsys, "fix", "--diff", "--format", "json", str(project))
    assert code == 2 and "--diff" in err


def test_json_output_follows_the_documented_schema(project, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DOCS / "schemas" / "findings-v1.schema.json").read_text())
    code, out, _ = run(capsys, "scan", "--format", "json", str(project))
    doc = json.loads(out)
    jsonschema.validate(doc, schema)
    url, header = [f for f in doc["findings"] if f["path"].endswith("backups.py")]
    assert url["rule"].startswith("FM1") and header["rule"].startswith("FM2")
    for finding in (url, header):
        assert finding["operation"] == "getBackupTenantRestore"
        assert finding["replacement"] == "getFlexBackupRestoreJob"
        assert finding["fix"] == "safe"
    assert (url["line"], header["line"]) == (4, 5)
    code, out, _ = run(capsys, "fix", "--format", "json", str(project))
    doc = json.loads(out)
    jsonschema.validate(doc, schema)
    assert [f["fix"] for f in doc["findings"]] == ["applied", "applied"]


def test_sarif_output_validates(project, capsys, shared_dir):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    code, out, _ = run(capsys, "scan", "--format", "sarif", str(project))
    doc = json.loads(out)
    jsonschema.validate(doc, schema)
    results = doc["runs"][0]["results"]
    assert results and results[0]["ruleId"].startswith("FM1")
    rule_ids = [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]
    assert results[0]["ruleId"] in rule_ids


def test_github_annotations_and_exit_zero(project, capsys):
    """``--format github``: one workflow command per finding, escaped as the runner expects."""
    code, out, _ = run(capsys, "scan", "--isolated", "--format", "github", str(project))
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith("::warning file=") for line in lines)
    first = lines[0]
    assert ",line=4,col=" in first and "title=FM1" in first and "%3A" not in first.split("::", 2)[2]
    assert str(project / "app" / "backups.py").replace(":", "%3A").replace(",", "%2C") in first
    code, _, _ = run(capsys, "scan", "--isolated", "--exit-zero", str(project))
    assert code == 0, "--exit-zero: findings do not fail the step"
    (project / "app" / "broken.py").write_bytes(b"x = '/backup/tenant/restores\n")
    code, out, _ = run(capsys, "scan", "--isolated", "--exit-zero", "--format", "github", str(project))
    assert code == 2, "a file that could not be looked at still does"
    assert any(line.startswith("::error file=") and "broken.py" in line for line in out.splitlines())


def test_statistics_count_findings_per_rule(project, capsys):
    code, out, _ = run(capsys, "scan", "--isolated", "--statistics", str(project))
    assert code == 1
    rows = [line.split("\t") for line in out.splitlines() if "\t" in line]
    detailed = json.loads(run(capsys, "scan", "--isolated", "--format", "json", str(project))[1])["findings"]
    expected = {}
    for f in detailed:
        expected[f["rule"]] = expected.get(f["rule"], 0) + 1
    assert {rule: int(n) for n, rule, *_ in rows} == expected
    assert [int(n) for n, *_ in rows] == sorted((int(n) for n, *_ in rows), reverse=True)
    assert "finding(s) remaining" in out.splitlines()[-1]


def test_sarif_uris_are_percent_encoded(tmp_path, capsys, shared_dir, monkeypatch):
    """A folder whose name has a space (or a ``#``, or a non-ASCII letter) made the SARIF invalid."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    folder = tmp_path / "my repo #1 é"
    folder.mkdir()
    (folder / "backups.py").write_text(GET_BEFORE)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", "--isolated", "--format", "sarif", "my repo #1 é")
    doc = json.loads(out)
    jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]
    }
    assert uris == {"my%20repo%20%231%20%C3%A9/backups.py"}
    bases = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
        for r in doc["runs"][0]["results"]
    }
    assert bases == {"%SRCROOT%"}
    assert doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_sarif_fixes_rebuild_the_fixed_file(tmp_path, capsys, shared_dir, monkeypatch):
    """Every safe finding carries its edits as a SARIF fix; applying them gives what fix writes."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    (tmp_path / "backups.py").write_text(GET_BEFORE)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "scan", "--isolated", "--format", "sarif", "backups.py")
    doc = json.loads(out)
    jsonschema.validate(doc, schema)
    lines = GET_BEFORE.splitlines(keepends=True)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines) + 1)]
    edits = []
    for result in doc["runs"][0]["results"]:
        assert result["fixes"], result["ruleId"]
        for change in result["fixes"][0]["artifactChanges"]:
            assert change["artifactLocation"] == {"uri": "backups.py", "uriBaseId": "%SRCROOT%"}
            for rep in change["replacements"]:
                region = rep["deletedRegion"]
                start = starts[region["startLine"] - 1] + region["startColumn"] - 1
                end = starts[region["endLine"] - 1] + region["endColumn"] - 1
                edits.append((start, end, rep["insertedContent"]["text"]))
    text = GET_BEFORE
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    assert text == GET_AFTER


@pytest.mark.parametrize(
    "prefix, newline, encoding",
    [
        (codecs.BOM_UTF8, "\n", "utf-8"),
        (b"", "\r\n", "utf-8"),
        (b"# -*- coding: latin-1 -*-\n", "\n", "latin-1"),
    ],
)
def test_bom_crlf_and_cookie_survive(tmp_path, capsys, prefix, newline, encoding):
    body = ("# caf\u00e9\n" + GET_BEFORE).replace("\n", newline)
    expected = ("# caf\u00e9\n" + GET_AFTER).replace("\n", newline)
    if prefix.startswith(b"#"):
        body = body.replace(newline, "\n")
        expected = expected.replace(newline, "\n")
    target = tmp_path / "m.py"
    target.write_bytes(prefix + body.encode(encoding))
    code, _, _ = run(capsys, "fix", str(target))
    assert code == 1
    assert target.read_bytes() == prefix + expected.encode(encoding)


def test_bytes_libcst_would_not_round_trip_are_kept(tmp_path, capsys):
    # libcst drops the space in `except X :`; we splice edits into the original text instead.
    odd = "try:\n    pass\nexcept ValueError :\n    pass\n"
    target = tmp_path / "m.py"
    target.write_text(odd + GET_BEFORE)
    run(capsys, "fix", str(target))
    assert target.read_text() == odd + GET_AFTER


def test_unparseable_file_is_reported_and_the_run_goes_on(project, capsys):
    (project / "app" / "broken.py").write_text("x = 'backup/tenant/restores'\ndef (:\n")
    code, out, _ = run(capsys, "fix", str(project))
    assert code == 2
    assert "broken.py" in out and "not valid Python" in out
    assert (project / "app" / "backups.py").read_text() == GET_AFTER


def test_suppression_comment_silences_and_keeps_code(tmp_path, capsys):
    target = tmp_path / "m.py"
    src = GET_BEFORE.replace('/{r}"\n', '/{r}"  # flexmigrate: ignore\n').replace(
        '+json"})\n', '+json"})  # flexmigrate: ignore[FM2]\n'
    )
    target.write_text(src)
    code, _, _ = run(capsys, "fix", str(target))
    assert code == 0 and target.read_text() == src


def test_select_and_ignore(project, capsys):
    code, out, _ = run(capsys, "scan", "--ignore", "FM", str(project))
    assert code == 0
    code, out, _ = run(capsys, "scan", "--select", "FM1", str(project))
    assert code == 1


def test_parallel_and_serial_runs_agree(tmp_path, capsys):
    for i in range(30):
        (tmp_path / f"m{i:02}.py").write_text(GET_BEFORE if i % 3 else UNRELATED + "# tenant\n")
    _, serial, _ = run(capsys, "scan", "--format", "json", "-j", "1", str(tmp_path))
    _, parallel, _ = run(capsys, "scan", "--format", "json", "-j", "2", str(tmp_path))
    assert json.loads(serial) == json.loads(parallel)
    assert json.loads(serial)["summary"]["findings"] == 20 * 2  # URL + header in each


def test_python_dash_m_entry_point(project):
    proc = subprocess.run(
        [sys.executable, "-m", "flexmigrate", "scan", str(project)], capture_output=True, text=True
    )
    assert proc.returncode == 1 and "FM1" in proc.stdout
