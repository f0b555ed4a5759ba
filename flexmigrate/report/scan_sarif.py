"""``--format sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from flexmigrate import __version__
from flexmigrate.models.findings import Finding
from flexmigrate.models.lines import LineIndex
from flexmigrate.models.scan_results import ScanResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"safe": "warning", "unsafe": "warning", "manual": "warning", "applied": "note"}


SRCROOT = "%SRCROOT%"


def _location(path: str) -> dict[str, Any]:
    """A file's ``artifactLocation``: relative to ``%SRCROOT%`` (the working folder, as code-scanning
    uploads expect) and percent-encoded (RFC 3986: a space is ``%20``); a file outside the working
    folder as an absolute ``file:`` URI.  A folder named ``my repo`` must not make the report invalid."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = Path(os.path.abspath(p)).relative_to(os.path.abspath(Path.cwd()))  # a link is not followed
        except ValueError:
            return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _fixes(f: Finding, lines: LineIndex | None, path: str) -> list[dict[str, Any]]:
    """The finding's edits as a SARIF ``fix`` (regions in the file as it is on disk)."""
    if not f.edits or f.applied or lines is None or f.fix.value == "manual":
        return []
    replacements = []
    for edit in f.edits:
        start_line, start_col = lines.line_col(edit.start)
        end_line, end_col = lines.line_col(edit.end)
        replacements.append(
            {
                "deletedRegion": {
                    "startLine": start_line,
                    "startColumn": start_col,
                    "endLine": end_line,
                    "endColumn": end_col,
                },
                "insertedContent": {"text": edit.text},
            }
        )
    label = (
        "applied by `flexmigrate fix`"
        if f.fix.value == "safe"
        else "applied by `flexmigrate fix --unsafe-fixes`"
    )
    return [
        {
            "description": {"text": f"{f.rule}: {label}"},
            "artifactChanges": [{"artifactLocation": _location(path), "replacements": replacements}],
        }
    ]


def _result(f: Finding, rule_index: dict[str, int], lines: LineIndex | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": f.line, "startColumn": f.column}
    if f.end_line:
        region.update(endLine=f.end_line, endColumn=f.end_column)
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _LEVEL[f.fix_label],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": _location(f.path), "region": region}}],
        "properties": {
            "fix": f.fix_label,
            "operation": f.operation,
            "replacement": f.replacement,
            "language": f.language,
            **({"repository": f.repository} if f.repository else {}),
        },
    }
    if f.rule in rule_index:
        res["ruleIndex"] = rule_index[f.rule]
    fixes = _fixes(f, lines, f.path)
    if fixes:
        res["fixes"] = fixes
    return res


def _lines_of(r) -> LineIndex | None:
    """The positions of the file on disk, for fix regions (only when a finding has edits)."""
    if not any(f.edits and not f.applied for f in r.findings):
        return None
    try:
        return LineIndex(r.path.read_text("utf-8-sig"))
    except (OSError, ValueError):
        return None


def to_sarif(result: ScanResult) -> dict[str, Any]:
    from flexmigrate.languages import rule_summaries

    summaries = rule_summaries()
    rules = [
        {
            "id": code,
            "name": code,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {
                "text": f"{text}. `flexmigrate rules` lists every rule; docs/libcst-codemod.md and docs/file-types.md explain them."
            },
            "properties": {"tags": ["mongodb-atlas", "retired-api"]},
        }
        for code, text in summaries.items()
    ]
    index = {code: i for i, code in enumerate(summaries)}
    results = [_result(f, index, _lines_of(r)) for r in result.files for f in r.findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": msg},
            "locations": [{"physicalLocation": {"artifactLocation": _location(str(p))}}],
        }
        for p, msg in result.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "flexmigrate",
                "version": __version__,
                "informationUri": "https://pypi.org/project/flexmigrate/",
                "rules": rules,
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"uri": Path(os.path.abspath(Path.cwd())).as_uri().rstrip("/") + "/"}
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [
            {"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}
        ],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: ScanResult, out: TextIO) -> None:
    json.dump(to_sarif(result), out, indent=2)
    out.write("\n")
