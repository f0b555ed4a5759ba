"""``--format json`` for ``scan`` and ``fix``; schema in docs/findings-json.md (version 1)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from flexmigrate import __version__
from flexmigrate.models.findings import Finding
from flexmigrate.models.scan_results import ScanResult

SCHEMA_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "language": f.language,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "rule": f.rule,
        "operation": f.operation,
        "replacement": f.replacement,
        "fix": f.fix_label,
        "message": f.message,
    }


def to_document(result: ScanResult) -> dict[str, Any]:
    findings = result.findings
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "flexmigrate", "version": __version__},
        "findings": [finding_dict(f) for f in findings],
        "errors": [{"path": str(p), "message": m} for p, m in result.errors],
        "summary": {
            "files": len(result.files),
            "files_parsed": sum(1 for r in result.files if r.parsed),
            "files_changed": len(result.changed),
            "findings": len(findings),
            "by_fix": {
                k: sum(1 for f in findings if f.fix_label == k)
                for k in ("safe", "unsafe", "manual", "applied")
            },
            "errors": len(result.errors),
        },
    }


def render_json(result: ScanResult, out: TextIO) -> None:
    json.dump(to_document(result), out, indent=2)
    out.write("\n")
