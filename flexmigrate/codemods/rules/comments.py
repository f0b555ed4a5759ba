"""FM5xx: retired paths and operation IDs mentioned in comments and docstrings (opt-in, never edited).

Prose about an endpoint goes stale when the code moves to Flex, but rewriting prose is a human's
call (a changelog entry or an explanation of the migration should keep the old name).  So these
findings are only produced with ``AnalyzeOptions.report_comments`` and are always manual.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterator

import libcst as cst

from flexmigrate.codemods.context import ModuleContext
from flexmigrate.codemods.rules import flow
from flexmigrate.catalog import Catalog, Endpoint
from flexmigrate.models.findings import Finding, FixKind

RULES = {
    "FM501": "retired endpoint path in a comment or docstring (with report_comments): manual",
    "FM502": "retired operation ID in a comment or docstring (with report_comments): manual",
}

_PLACEHOLDER = r"[^/\s]+"


class _Mentions:
    """One regex for every retired path (longest first) and one for every retired operation name."""

    def __init__(self, catalog: Catalog) -> None:
        prefixes = {catalog.legacy_v1.get("v2_prefix", ""), catalog.legacy_v1.get("prefix", "")} - {""}
        prefix = "(?:" + "|".join(re.escape(p) for p in sorted(prefixes)) + ")?" if prefixes else ""
        paths: list[tuple[str, Endpoint]] = []
        self.by_name: dict[str, Endpoint] = {}
        for ep in catalog:
            rest = ep.old.path
            for p in prefixes:
                if rest.startswith(p):
                    rest = rest[len(p) :]
            segments = rest.strip("/").split("/")
            parts = [_PLACEHOLDER if s.startswith("{") else re.escape(s) for s in segments]
            head = ""
            if len(parts) > 2 and not segments[0].startswith("{") and segments[1].startswith("{"):
                head = "(?:/" + parts[0] + "/" + parts[1] + ")?"  # "/groups/{groupId}" may be left out
                parts = parts[2:]
            paths.append((prefix + head + "/" + "/".join(parts) + r"(?![\w-])", ep))
            for name in ep.old.names:
                self.by_name[name] = ep
        paths.sort(key=lambda item: len(item[1].old.path), reverse=True)
        self.paths = [(re.compile(p), ep) for p, ep in paths]
        names = sorted(self.by_name, key=len, reverse=True)
        self.names = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else None

    def find(self, text: str) -> Iterator[tuple[int, int, str, Endpoint]]:
        taken: list[tuple[int, int]] = []
        for pattern, ep in self.paths:
            for m in pattern.finditer(text):
                if not any(m.start() < e and s < m.end() for s, e in taken):
                    taken.append((m.start(), m.end()))
                    yield m.start(), m.end(), "FM501", ep
        if self.names is not None:
            for m in self.names.finditer(text):
                yield m.start(), m.end(), "FM502", self.by_name[m.group(1)]


def _docstring(node: cst.CSTNode) -> cst.BaseExpression | None:
    body: object = getattr(node, "body", None)
    if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        body = body.body
    if not isinstance(body, (list, tuple)) or not body:
        return None
    first = body[0]
    statement = first.body[0] if isinstance(first, cst.SimpleStatementLine) and first.body else first
    if isinstance(statement, cst.Expr) and isinstance(
        statement.value, (cst.SimpleString, cst.ConcatenatedString)
    ):
        return statement.value
    return None


def _prose(ctx: ModuleContext) -> Iterator[tuple[cst.CSTNode, str]]:
    """Every comment and docstring node, with what to call it in a message."""
    doc = _docstring(ctx.module)
    if doc is not None:
        yield doc, "docstring"
    for node in flow.all_nodes(ctx):
        if isinstance(node, cst.Comment):
            yield node, "comment"
        elif isinstance(node, (cst.ClassDef, cst.FunctionDef)):
            doc = _docstring(node)
            if doc is not None:
                yield doc, "docstring"


def check_comments(ctx: ModuleContext) -> Iterator[Finding]:
    if not ctx.options.report_comments:
        return
    mentions = _Mentions(ctx.catalog)
    for node, kind in _prose(ctx):
        start, end = ctx.span(node)
        text = ctx.source[start:end]
        for m_start, m_end, rule, ep in mentions.find(text):
            what = "path" if rule == "FM501" else "operation ID"
            finding = ctx.finding(
                node,
                rule,
                f"{kind} mentions the retired {what} {text[m_start:m_end]!r} ({ep.old.method} {ep.old.operation_id}); "
                f"it is replaced by {ep.new.method} {ep.new.path} ({ep.new.operation_id})",
                FixKind.MANUAL,
                ep,
            )
            line, column = ctx.line_col(start + m_start)
            end_line, end_column = ctx.line_col(start + m_end)
            yield dataclasses.replace(
                finding, line=line, column=column, end_line=end_line, end_column=end_column
            )
