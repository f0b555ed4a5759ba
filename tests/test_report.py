"""``flexmigrate report``: one readiness page from real scan reports and real check reports.

The check reports come from ``flexmigrate check`` run against the sandbox on loopback (once with
parity, once with drift injected); the scan reports from scanning a copy of the sample project.
The HTML page is held to html5lib's strict parser and, where Chromium is installed, rendered and
printed by it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest

from flexmigrate.cli import main
from flexmigrate.commands.demo import copy_sample
from flexmigrate.sandbox import DriftRule, FaultConfig, SandboxConfig, serve_in_background


def _check(
    tmp_path: Path, name: str, drift: tuple = (), output: tuple[str, ...] | None = None, retired: bool = False
) -> Path:
    """A real check run against the sandbox; its report (``--json-report``, or ``output`` flags)."""
    report = tmp_path / name
    flags = list(output) if output is not None else ["--json-report", str(report)]
    with serve_in_background(SandboxConfig(seed=3, drift=drift, retired=retired)) as sb:
        cluster = sb.dataset.first_cluster()
        env = {
            "MONGODB_ATLAS_PUBLIC_API_KEY": sb.credentials.public_key,
            "MONGODB_ATLAS_PRIVATE_API_KEY": sb.credentials.private_key,
        }
        done = subprocess.run(
            [sys.executable, "-m", "flexmigrate", "check", "--base-url", sb.base_url, "--group-id",
             cluster.project_id, "--cluster", cluster.name, "--snapshots", "--seed", "3", "--sample", "4",
             "--no-progress", *flags],
            capture_output=True, text=True, env={**__import__("os").environ, **env}, timeout=120,
        )  # fmt: skip
    assert done.returncode == (1 if drift else 0), done.stdout + done.stderr
    if output is None:
        assert "ID(s) checked" in done.stdout  # the terminal still shows the text report
    return report


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("reports")
    project = copy_sample(tmp)
    scan = tmp / "scan.json"
    assert (
        main(["scan", "--format", "json", "--repository", "acme/backups", "-o", str(scan), str(project)]) == 1
    )
    clean = tmp / "clean"
    clean.mkdir()
    (clean / "ok.py").write_text("import requests\n", "utf-8")
    clean_scan = tmp / "clean.json"
    assert main(["scan", "--format", "json", "-o", str(clean_scan), str(clean)]) == 0
    return {
        "scan": scan,
        "clean_scan": clean_scan,
        "parity": _check(tmp, "parity.json"),
        "drift": _check(tmp, "drift.json", (DriftRule(field="status", fraction=0.5),)),
    }


SVG = "{http://www.w3.org/2000/svg}"


def _one_call_tree(tmp_path: Path) -> Path:
    """A folder with one retired call that fix migrates whole (its URL and its version header)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "backups.py").write_text(
        'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/restores/{r}", '
        'headers={"Accept": "application/vnd.atlas.2023-01-01+json"})\n',
        "utf-8",
    )
    return tree


def _report(*args: str, capsys) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_says_what_is_left_and_what_the_check_proved(reports, capsys) -> None:
    code, out, _ = _report(str(reports["scan"]), str(reports["parity"]), capsys=capsys)
    assert code == 1  # code is left: not ready
    assert re.search(r"retired on 2026-01-22, \d+ days ago", out)
    assert "## By repository" in out and "| acme/backups |" in out
    assert "| terraform |" in out and "| notebook |" in out and "| markdown |" in out
    assert "## What the data check proved" in out
    proved = re.search(r"parity\.json: project \w+, cluster\(s\) \S+; a sample of 4 per cluster and resource "
                       r"\(seed 3\)\. (\d+) of (\d+) matched: parity\.", out)  # fmt: skip
    assert proved and proved.group(1) == proved.group(2) != "0"
    assert "| getBackupTenantRestore -> getFlexBackupRestoreJob |" in out
    assert "the Flex endpoints return the same data" in out


def test_ready_only_when_no_code_is_left_and_every_check_matched(reports, capsys) -> None:
    assert _report(str(reports["clean_scan"]), str(reports["parity"]), capsys=capsys)[0] == 0
    code, out, _ = _report(str(reports["clean_scan"]), str(reports["drift"]), capsys=capsys)
    assert code == 1
    assert "| status |" in out  # the field that differed, with how many IDs
    assert re.search(r"The data check found [1-9]\d* ID\(s\) whose Flex answer differs", out)


def test_a_report_that_cannot_be_read_is_named_and_the_rest_reported(reports, tmp_path, capsys) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", "utf-8")
    code, out, err = _report(str(reports["scan"]), str(bad), str(tmp_path / "missing.json"), capsys=capsys)
    assert code == 2
    assert f"flexmigrate report: {bad}: not a flexmigrate JSON report" in err
    assert "missing.json: cannot read" in err
    assert "## By operation" in out  # the readable report is still reported
    assert "No data check is in this report" in out


def test_a_killed_check_run_is_reported_as_unfinished(reports, tmp_path, capsys) -> None:
    lines = reports["parity"].read_text("utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(lines[: lines.index('"summary"')].rstrip().rstrip(","), "utf-8")
    code, out, _ = _report(str(reports["clean_scan"]), str(cut), capsys=capsys)
    assert code == 1
    assert "did not finish" in out


def _html(reports, tmp_path, capsys) -> Path:
    page = tmp_path / "readiness.html"
    code, _, _ = _report("--format", "html", "-o", str(page), str(reports["scan"]), str(reports["drift"]),
                         capsys=capsys)  # fmt: skip
    assert code == 1
    return page


def test_html_is_valid_self_contained_and_charts_are_inline_svg(reports, tmp_path, capsys) -> None:
    text = _html(reports, tmp_path, capsys).read_text("utf-8")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    doc = parser.parse(text)  # raises on any parse error of the HTML standard
    assert doc.find("head/title") is not None
    svgs = doc.findall(f".//{SVG}svg")
    titles = [svg.find(f"{SVG}title").text for svg in svgs]
    assert {"By operation", "By file type", "By repository"} <= set(titles)
    assert any(t.startswith("Verdicts of ") for t in titles)
    assert (
        not doc.findall(".//script")
        and "<link" not in text
        and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    )
    assert "@media print" in text


CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)


@pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed (apt install chromium): the page is not rendered"
)
def test_html_renders_and_prints_in_headless_chromium(reports, tmp_path, capsys) -> None:
    page = _html(reports, tmp_path, capsys)
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = html5lib.parse(dom.stdout, namespaceHTMLElements=False)
    assert len(rendered.findall(f".//{SVG}svg")) >= 4 and rendered.findall(f".//{SVG}svg//{SVG}rect")
    assert "What the data check proved" in dom.stdout
    pdf = tmp_path / "readiness.pdf"
    printed = subprocess.run([*flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert printed.returncode == 0 and pdf.read_bytes().startswith(b"%PDF"), printed.stderr[-2000:]
    assert re.search(rb"/Type\s*/Page\b", pdf.read_bytes())  # at least one printed page


def test_check_json_report_matches_the_json_format(reports, tmp_path) -> None:
    """``--json-report`` writes the document ``--format json`` writes for the same run."""
    with serve_in_background(SandboxConfig(seed=3)) as sb:
        cluster = sb.dataset.first_cluster()
        env = {
            **__import__("os").environ,
            "MONGODB_ATLAS_PUBLIC_API_KEY": sb.credentials.public_key,
            "MONGODB_ATLAS_PRIVATE_API_KEY": sb.credentials.private_key,
        }
        base = [sys.executable, "-m", "flexmigrate", "check", "--base-url", sb.base_url, "--group-id",
                cluster.project_id, "--cluster", cluster.name, "--snapshots", "--seed", "3", "--sample", "4",
                "--no-progress"]  # fmt: skip
        both = subprocess.run([*base, "--format", "json", "-o", str(tmp_path / "format.json"), "--json-report",
                               str(tmp_path / "beside.json")], capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert both.returncode == 0, both.stderr
    shown, beside = (json.loads((tmp_path / n).read_text("utf-8")) for n in ("format.json", "beside.json"))
    assert beside["format"] == "flexmigrate-check" and beside["summary"]["parity"] is True
    assert beside["results"] == shown["results"] and beside["settings"] == shown["settings"]
    assert beside["summary"]["counts"] == shown["summary"]["counts"]


def test_json_report_may_not_be_another_file_of_the_run(tmp_path, capsys) -> None:
    baseline = tmp_path / "baseline.jsonl"
    baseline.write_text("recorded answers that cannot be recorded again\n", "utf-8")
    code = main(["check", "--group-id", "a" * 24, "--cluster", "c", "--baseline", str(baseline),
                 "--json-report", str(baseline)])  # fmt: skip
    assert code == 2
    assert "--json-report and --baseline must be different files" in capsys.readouterr().err
    assert baseline.read_text("utf-8") == "recorded answers that cannot be recorded again\n"


def test_a_fixed_tree_and_a_matching_check_are_ready(reports, tmp_path, capsys) -> None:
    """Applied fixes are not "left in the code": a fix report where every finding was applied is ready."""
    tree = _one_call_tree(tmp_path)
    fixed = tmp_path / "fixed.json"
    assert main(["fix", "--isolated", "--format", "json", "-o", str(fixed), str(tree)]) == 1
    capsys.readouterr()
    code, out, _ = _report(str(fixed), str(reports["parity"]), capsys=capsys)
    assert code == 0
    assert "Nothing calls a retired endpoint any more." in out and "applied 2 fix(es)" in out


def test_ready_takes_a_scan_and_a_check(reports, capsys) -> None:
    code, out, err = _report(str(reports["parity"]), capsys=capsys)
    assert code == 1 and "no scan report given" in err
    assert "No scan report is in this report" in out and "Nothing calls a retired endpoint" not in out
    code, out, err = _report(str(reports["clean_scan"]), capsys=capsys)
    assert code == 1 and "no check report given" in err and "No data check is in this report" in out


def test_a_jsonl_check_run_killed_mid_line_is_unfinished_not_unreadable(reports, tmp_path, capsys) -> None:
    streamed = _check(tmp_path, "run.jsonl", output=("--format", "jsonl", "-o", str(tmp_path / "run.jsonl")))
    lines = streamed.read_text("utf-8").splitlines()
    results = [line for line in lines if json.loads(line)["type"] == "result"]
    assert json.loads(lines[-1])["type"] == "summary" and len(results) >= 2
    cut = tmp_path / "killed.jsonl"  # killed while writing its last result: no summary, half a line
    cut.write_text(
        "\n".join(lines[: lines.index(results[-1])]) + "\n" + results[-1][: len(results[-1]) // 2], "utf-8"
    )
    code, out, err = _report(str(reports["clean_scan"]), str(cut), capsys=capsys)
    assert code == 1 and "cannot be read" not in err
    reached = len(results) - 1
    assert "did not finish" in out and f"{reached} of {reached} matched" in out


def test_a_json_document_of_another_shape_is_named_not_a_traceback(tmp_path, capsys) -> None:
    odd = tmp_path / "list.json"
    odd.write_text("[1]", "utf-8")
    code, _, err = _report(str(odd), capsys=capsys)
    assert code == 2 and f"{odd}: not a flexmigrate JSON scan report" in err and "Traceback" not in err


def test_many_repositories_and_checks_make_one_page(reports, tmp_path, capsys) -> None:
    """An audit: one scan report per repository and one check report per cluster, on one page."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "restore.sh").write_text("curl $B/groups/$G/clusters/$C/backup/tenant/download\n", "utf-8")
    second = tmp_path / "other.json"
    assert main(["scan", "--format", "json", "--repository", "acme/ops", "-o", str(second), str(other)]) == 1
    code, out, _ = _report(str(reports["scan"]), str(second), str(reports["parity"]), str(reports["drift"]),
                           capsys=capsys)  # fmt: skip
    assert code == 1
    by_repo = out.split("## By repository", 1)[1].split("\n## ", 1)[0]
    assert "| acme/backups |" in by_repo and "| acme/ops | 0 | 0 | 1 | 0 | 1 |" in by_repo
    assert out.count("parity.json: project") == 1 and out.count("drift.json: project") == 1


def test_a_dry_run_fix_report_is_not_ready(reports, tmp_path, capsys) -> None:
    """``fix --check --format json`` lists as applied what it would write: nothing was written."""
    tree = _one_call_tree(tmp_path)
    checked = tmp_path / "checked.json"
    assert main(["fix", "--check", "--isolated", "--format", "json", "-o", str(checked), str(tree)]) == 1
    capsys.readouterr()
    code, out, _ = _report(str(checked), str(reports["parity"]), capsys=capsys)
    assert code == 1
    assert "is a dry run" in out and "Nothing calls a retired endpoint" not in out


def test_a_sharded_report_holds_to_the_published_schema(tmp_path, capsys) -> None:
    import jsonschema

    (tmp_path / "restore.sh").write_text("curl $B/groups/$G/clusters/$C/backup/tenant/download\n", "utf-8")
    out = tmp_path / "shard.json"
    main(["scan", "--isolated", "--shard", "1/1", "--repository", "acme/ops", "--format", "json", "-o", str(out),
          str(tmp_path / "restore.sh")])  # fmt: skip
    schema = json.loads(
        (Path(__file__).resolve().parents[1] / "docs/schemas/findings-v1.schema.json").read_text()
    )
    jsonschema.validate(json.loads(out.read_text("utf-8")), schema)


def test_after_the_sunset_a_schema_violation_is_not_parity(reports, tmp_path, capsys) -> None:
    """The retired family answers 410: every ID is ``old-retired``, a verdict that does not fail by
    itself, and the Flex answers are held to their schema. One that breaks it fails the run, and the
    page must not call that parity."""
    broken = _check(tmp_path, "sunset.json", (DriftRule(field="status", kind="type"),), retired=True)
    doc = json.loads(broken.read_text("utf-8"))
    assert {r["verdict"] for r in doc["results"]} == {"old-retired"} and doc["summary"]["parity"] is False
    code, out, _ = _report(str(reports["clean_scan"]), str(broken), capsys=capsys)
    assert code == 1
    assert ": parity." not in out and re.search(
        r"The data check found [1-9]\d* ID\(s\) whose Flex answer differs", out
    )


def test_ids_the_check_could_not_check_are_not_called_differences(reports, tmp_path, capsys) -> None:
    """``error`` verdicts (the Flex side answered 500, no retry) prove nothing either way: the page
    says they were not checked, not that the data differs, and does not call the run parity."""
    faults = FaultConfig(error_rate=0.5, error_statuses=(500,), families=("new",))
    report = tmp_path / "errors.json"
    with serve_in_background(SandboxConfig(seed=3, faults=faults)) as sb:
        cluster = sb.dataset.first_cluster()
        env = {
            **__import__("os").environ,
            "MONGODB_ATLAS_PUBLIC_API_KEY": sb.credentials.public_key,
            "MONGODB_ATLAS_PRIVATE_API_KEY": sb.credentials.private_key,
        }
        subprocess.run(
            [sys.executable, "-m", "flexmigrate", "check", "--base-url", sb.base_url, "--group-id",
             cluster.project_id, "--cluster", cluster.name, "--snapshots", "--seed", "3", "--no-progress",
             "--max-attempts", "1", "--json-report", str(report)],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
    errors = sum(r["verdict"] == "error" for r in json.loads(report.read_text("utf-8"))["results"])
    assert errors >= 1
    code, out, _ = _report(str(reports["clean_scan"]), str(report), capsys=capsys)
    assert code == 1
    assert f"{errors} ID(s) could not be checked (error)" in out and f"{errors} not checked." in out
    assert "whose Flex answer differs" not in out
