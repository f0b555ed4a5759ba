"""``--format markdown`` and ``--format html``: the pre-sunset audit page of a scan."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from flexmigrate.cli import main
from flexmigrate.report.readiness import render_html, render_markdown
from flexmigrate.scan.pipeline import scan

CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'
TF = 'data "mongodbatlas_shared_tier_snapshots" "s" {\n  cluster_name = "c"\n}\noutput "n" {\n  value = data.mongodbatlas_shared_tier_snapshots.s.total_count\n}\n'


def _result(tmp_path: Path):
    (tmp_path / "app.py").write_text(CALL, "utf-8")
    (tmp_path / "main.tf").write_text(TF, "utf-8")
    (tmp_path / "bad.py").write_text('u = "/groups/g/clusters/c/backup/tenant/snapshots"\ndef (:\n', "utf-8")
    return scan([tmp_path])


def test_markdown_says_how_long_ago_what_is_left_and_what_needs_a_human(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = io.StringIO()
    render_markdown(result, out, today=dt.date(2026, 12, 5))
    text = out.getvalue()
    assert "retired on 2026-01-22, 317 days ago" in text
    manual = [f for f in result.findings if f.fix.value == "manual"]
    assert (
        manual
        and f"| {len([f for f in result.findings if f.fix.value == 'safe'])} | 0 | {len(manual)} | 0 | 1 |"
        in text
    )
    section = text.split("## What needs a human, and why")[1].split("##")[0]
    assert all(f"{f.path}:{f.line} | {f.rule}" in section for f in manual)
    assert "## By file type" in text and "| terraform |" in text and "| python |" in text
    assert "bad.py" in text.split("## Files not looked at")[1]


def test_html_is_self_contained_and_well_formed(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = io.StringIO()
    render_html(result, out, today=dt.date(2026, 12, 5))
    page = out.getvalue()
    root = ET.fromstring(page.split("\n", 1)[1])  # well-formed without the doctype
    assert root.tag == "html" and root.find("head/title") is not None
    assert "<script" not in page and not re.search(r"(src|href)=\"https?:", page), "no network, no script"
    assert page.count("<svg") >= 2 and "@media print" in page
    assert "317 days ago" in page


def test_the_formats_are_offered_on_the_command_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "app.py").write_text(CALL, "utf-8")
    for fmt, marker in (("markdown", "# Retired Atlas backup endpoints"), ("html", "<!DOCTYPE html>")):
        assert main(["scan", "--isolated", "--format", fmt, str(tmp_path)]) == 1
        assert capsys.readouterr().out.startswith(marker)
