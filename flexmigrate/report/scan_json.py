"""``--format json`` for ``scan`` and ``fix``; schema in docs/findings-json.md (version 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from flexmigrate import __version__
from flexmigrate.models.findings import Finding, FixKind
from flexmigrate.models.scan_results import FileResult, ScanResult

SCHEMA_VERSION = 1


def finding_dict(f: Finding, repository: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"repository": f.repository or repository} if (f.repository or repository) else {}
    return out | {
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
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "flexmigrate", "version": __version__},
    }
    if result.repository:
        document["repository"] = result.repository
    if result.shard:
        document["shard"] = {"index": result.shard[0], "count": result.shard[1]}
    if result.dry_run:
        document["dry_run"] = True  # fix --check/--diff: "applied" is what fix would write
    return document | {
        "findings": [finding_dict(f, result.repository) for f in findings],
        "errors": [_error_dict(p, m, result) for p, m in result.errors],
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


def _error_dict(path: Path, message: str, result: ScanResult) -> dict[str, Any]:
    repository = next(
        (r.repository for r in result.files if r.path == path and r.repository), result.repository
    )
    out: dict[str, Any] = {"repository": repository} if repository else {}
    return out | {"path": str(path), "message": message}


def from_document(document: dict[str, Any]) -> ScanResult:
    """A scan result read back from a JSON report (``flexmigrate merge``): findings, errors and the
    number of files looked at; each finding keeps its repository.  ``KeyError``/``TypeError`` on a
    document that is not a flexmigrate report."""
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    if document.get("tool", {}).get("name") != "flexmigrate" or "findings" not in document:
        raise KeyError("no flexmigrate tool name or findings list")
    default_repo = document.get("repository")
    files: dict[tuple[str | None, str], FileResult] = {}

    def file_of(repository: str | None, path: str) -> FileResult:
        key = (repository, path)
        if key not in files:
            files[key] = FileResult(Path(path), parsed=True, repository=repository)
        return files[key]

    for raw in document["findings"]:
        repository = raw.get("repository", default_repo)
        label = raw["fix"]
        finding = Finding(
            path=raw["path"],
            line=int(raw["line"]),
            column=int(raw["column"]),
            end_line=raw.get("end_line"),
            end_column=raw.get("end_column"),
            rule=raw["rule"],
            message=raw["message"],
            fix=FixKind.SAFE if label == "applied" else FixKind(label),
            operation=raw.get("operation"),
            replacement=raw.get("replacement"),
            applied=label == "applied",
            language=raw.get("language"),
            repository=repository,
        )
        file_of(repository, raw["path"]).findings.append(finding)
    for raw in document.get("errors", []):
        file_of(raw.get("repository", default_repo), raw["path"]).error = raw["message"]
    looked_at = int(document.get("summary", {}).get("files", len(files)))
    extra = [FileResult(Path(""), repository=default_repo) for _ in range(max(0, looked_at - len(files)))]
    shard = document.get("shard")
    return ScanResult(
        files=[*files.values(), *extra],
        repository=default_repo,
        shard=(int(shard["index"]), int(shard["count"])) if shard else None,
        dry_run=bool(document.get("dry_run", False)),
    )


def render_json(result: ScanResult, out: TextIO) -> None:
    json.dump(to_document(result), out, indent=2)
    out.write("\n")


def render_jsonl(result: ScanResult, out: TextIO) -> None:
    """``--format jsonl``: one JSON object per line, each finding then each error (``"kind"`` says
    which), ending with the summary: easy to stream, grep and concatenate across shards."""
    document = to_document(result)
    for finding in document["findings"]:
        out.write(json.dumps({"kind": "finding", **finding}) + "\n")
    for error in document["errors"]:
        out.write(json.dumps({"kind": "error", **error}) + "\n")
    out.write(json.dumps({"kind": "summary", "schema_version": SCHEMA_VERSION, **document["summary"]}) + "\n")
