"""``--format sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from flexmigrate import __version__
from flexmigrate.models.findings import Finding
from flexmigrate.models.scan_results import ScanResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"safe": "warning", "unsafe": "warning", "manual": "warning", "applied": "note"}


def _uri(path: str) -> str:
    """A file's URI reference: a relative path percent-encoded (RFC 3986: a space is ``%20``), an
    absolute one as a ``file:`` URI.  A folder named ``my repo`` must not make the report invalid."""
    p = Path(path)
    return quote(p.as_posix(), safe="/") if not p.is_absolute() else p.as_uri()


def _result(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": f.line, "startColumn": f.column}
    if f.end_line:
        region.update(endLine=f.end_line, endColumn=f.end_column)
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _LEVEL[f.fix_label],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.path)}, "region": region}}],
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
    return res


def to_sarif(result: ScanResult) -> dict[str, Any]:
    from flexmigrate.languages import rule_summaries

    summaries = rule_summaries()
    rules = [{"id": code, "shortDescription": {"text": text}} for code, text in summaries.items()]
    index = {code: i for i, code in enumerate(summaries)}
    results = [_result(f, index) for f in result.findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": msg},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(str(p))}}}],
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
        "results": results,
        "invocations": [
            {"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}
        ],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: ScanResult, out: TextIO) -> None:
    json.dump(to_sarif(result), out, indent=2)
    out.write("\n")
