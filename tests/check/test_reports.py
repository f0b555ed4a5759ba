"""The check reports are views of one result model: JSON (streamed), JUnit, Markdown and text."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

from flexmigrate.report.check_json import JsonRenderer, read_report
from flexmigrate.report.check_junit import JunitRenderer
from flexmigrate.report.check_markdown import MarkdownRenderer
from flexmigrate.report.check_output import Output
from flexmigrate.report.check_text import TextRenderer
from flexmigrate.models.check_results import CheckResult, Difference, DiffKind, ListDelta, RunSummary, Verdict

R = "get_restore_job"
RESULTS = [
    CheckResult(R, "restoreId", "c1", "a" * 24, Verdict.MATCH, compared=("id", "status")),
    CheckResult(
        R,
        "restoreId",
        "c1",
        "b" * 24,
        Verdict.MISMATCH,
        differences=(Difference("status", DiffKind.DIFFERENT, "COMPLETED", "FAILED"),),
        compared=("id", "status"),
    ),
    CheckResult(R, "restoreId", "c1", "c" * 24, Verdict.ERROR, error="replacement family: HTTP 503"),
    CheckResult(R, "restoreId", "c1", "d" * 24, Verdict.OLD_RETIRED, old_status=410, new_status=200),
    CheckResult(R, "restoreId", "c1", "e" * 24, Verdict.MISSING_IN_NEW, old_status=200, new_status=404),
]
DELTA = ListDelta("list_restore_jobs", "c1", only_in_old=("e" * 24,), only_in_new=())


def drive(renderer):
    summary = RunSummary(
        settings={"group_id": "f" * 24, "clusters": ["c1"], "resources": ["restores"], "seed": 3}
    )
    renderer.start(summary.settings)
    renderer.list_delta(DELTA)
    summary.add_list(DELTA)
    for r in RESULTS:
        summary.add(r)
        renderer.result(r)
    renderer.finish(summary)
    return summary


def test_summary_counts_rates_and_exit_code():
    summary = drive(JsonRenderer(io.StringIO()))
    assert summary.counts == {
        "match": 1, "mismatch": 1, "old-retired": 1, "missing-in-new": 1, "only-in-new": 0, "error": 1
    }  # fmt: skip
    assert summary.fields["status"].compared == 2 and summary.fields["status"].rate == 0.5
    assert summary.exit_code == 2  # one ID could not be checked
    assert not summary.parity


def test_json_document_matches_the_documented_shape():
    out = io.StringIO()
    drive(JsonRenderer(out))
    doc = json.loads(out.getvalue())
    assert doc["format"] == "flexmigrate-check" and doc["version"] == 1
    assert set(doc["summary"]["counts"]) == {v.value for v in Verdict}
    first = doc["results"][1]
    assert first["restore_id"] == "b" * 24 and first["verdict"] == "mismatch"
    assert first["differences"] == [
        {"field": "status", "old": "COMPLETED", "new": "FAILED", "kind": "different"}
    ]
    assert doc["summary"]["lists"][0]["only_in_old"] == ["e" * 24]


def test_a_cut_json_report_still_yields_its_complete_results(tmp_path):
    out = io.StringIO()
    drive(JsonRenderer(out))
    text = out.getvalue()
    cut = text[: text.index('"verdict":"error"') + 5]  # killed while writing the third result
    path = tmp_path / "cut.json"
    path.write_text(cut)
    data = read_report(path)
    assert [r["id"] for r in data["results"]] == ["a" * 24, "b" * 24]
    assert data["summary"] is None and data["settings"]["seed"] == 3


def test_junit_has_one_testcase_per_id_and_marks_failures_and_errors():
    out = io.StringIO()
    drive(JunitRenderer(out))
    suite = ET.fromstring(out.getvalue()).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == len(RESULTS) + 1  # plus the list comparison
    assert suite.get("failures") == "3" and suite.get("errors") == "1"
    by_name = {c.get("name"): c for c in cases}
    assert by_name["b" * 24].find("failure") is not None
    assert by_name["c" * 24].find("error") is not None
    assert by_name["a" * 24].find("failure") is None


def test_markdown_audit_lists_settings_fields_and_the_ids_that_did_not_match():
    out = io.StringIO()
    drive(MarkdownRenderer(out))
    text = out.getvalue()
    assert "# Flex parity check" in text and "| mismatch | 1 |" in text
    assert "| `status` | 2 | 1 | 50.00% |" in text
    assert "b" * 24 in text and "a" * 24 not in text
    out_all = io.StringIO()
    drive(MarkdownRenderer(out_all, show_ids=True))
    assert "a" * 24 in out_all.getvalue()


def test_text_summary_has_verdicts_fields_and_rows():
    out = io.StringIO()
    drive(TextRenderer(out, show_ids=True, color=False))
    text = out.getvalue()
    for needle in ("Verdicts", "Fields", "status", "50.00%", "c" * 24, "HTTP 503", "incomplete"):
        assert needle in text


def test_atomic_output_appears_only_when_complete(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.xml"
    out = Output(target, atomic=True)
    out.stream.write("<partial")
    assert not target.exists()
    out.stream.write("/>")
    out.close()
    assert target.read_text() == "<partial/>"
    assert [p.name for p in folder.iterdir()] == ["report.xml"], "no temporary file is left behind"
