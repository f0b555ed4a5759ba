"""``--format gitlab``: a GitLab Code Quality report (a JSON list of issues).

GitLab shows these in merge requests (``artifacts: reports: codequality``).  Each issue has a
``fingerprint`` that stays the same while the finding does (file, rule, line, column, message), so
GitLab can tell new findings from fixed ones.  Manual findings are ``major``: a human must act.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from flexmigrate.models.findings import Finding
from flexmigrate.models.scan_results import ScanResult

_SEVERITY = {"safe": "minor", "unsafe": "minor", "manual": "major", "applied": "info"}


def _issue(f: Finding) -> dict[str, Any]:
    path = f"{f.repository}/{f.path}" if f.repository else f.path
    key = "\0".join((path, f.rule, str(f.line), str(f.column), f.message))
    return {
        "type": "issue",
        "check_name": f.rule,
        "description": f"{f.rule} [{f.fix_label}] {f.message}",
        "categories": ["Compatibility"],
        "severity": _SEVERITY[f.fix_label],
        "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest(),
        "location": {"path": path, "lines": {"begin": f.line, "end": f.end_line or f.line}},
    }


def render_gitlab(result: ScanResult, out: TextIO) -> None:
    issues = [_issue(f) for f in result.findings]
    for path, message in result.errors:
        key = f"{path}\0FM000\0{message}"
        issues.append(
            {
                "type": "issue",
                "check_name": "FM000",
                "description": f"FM000 [error] {message}",
                "categories": ["Bug Risk"],
                "severity": "critical",
                "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest(),
                "location": {"path": str(path), "lines": {"begin": 1}},
            }
        )
    json.dump(issues, out, indent=2)
    out.write("\n")
