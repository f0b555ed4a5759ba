"""Parse once, find the retired endpoint calls, run every rule, return findings.

Data flows one way: source text -> libcst tree + metadata -> endpoint calls (``codemods.urls``) ->
rules (headers, response fields, bodies, ...) -> findings with edits.  The caller (the scanner or the
libcst command) decides which edits to apply and writes the result.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

from flexmigrate.catalog import Catalog, Endpoint, load_catalog
from flexmigrate.report.findings import Edit, Finding, FixKind

if TYPE_CHECKING:  # pragma: no cover
    pass

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class AnalyzeOptions:
    """Switches that change what is reported (never what counts as a safe rewrite)."""

    report_comments: bool = False  # also report retired paths in comments and docstrings


@dataclass
class EndpointCall:
    """A place where the code builds the URL of a retired endpoint.

    ``url_node`` is the whole string expression that was matched (an f-string, a ``+`` chain, a
    ``.format`` call, ...); ``call`` is the call that sends the request with that URL, when it can be
    traced (the URL is an argument of it, directly or through a local name).  ``rewritten`` says
    whether the URL itself received a safe or unsafe fix; rules that follow (headers, response
    fields) only act on calls whose URL is being rewritten.
    """

    endpoint: Endpoint
    url_node: cst.CSTNode
    call: cst.Call | None = None
    legacy_v1: bool = False
    rewritten: bool = False
    fix: FixKind = FixKind.SAFE
    url_finding: Finding | None = None
    # Findings of the rules about this same request (headers, body, response fields), recorded by
    # ``ModuleContext.finding(..., of_call=...)``; ``settle_requests`` reads them.
    dependents: list[Finding] = field(default_factory=list)


@dataclass
class ModuleContext:
    """Everything a rule needs about one module; built once per file."""

    source: str
    path: str
    wrapper: MetadataWrapper
    catalog: Catalog
    options: AnalyzeOptions
    endpoint_calls: list[EndpointCall] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(self.source))
        self._line_starts = starts

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    def metadata(self, provider, node: cst.CSTNode):
        return self.wrapper.resolve(provider)[node]

    def offset(self, line: int, column: int) -> int:
        """Offset in ``source`` of a libcst (1-based line, 0-based column) position."""
        return self._line_starts[line - 1] + column

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """``(start, end)`` offsets of ``node`` in the source text (without surrounding whitespace)."""
        rng = self.wrapper.resolve(PositionProvider)[node]
        return self.offset(rng.start.line, rng.start.column), self.offset(rng.end.line, rng.end.column)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.wrapper.resolve(ParentNodeProvider).get(node)

    def scope(self, node: cst.CSTNode):
        return self.wrapper.resolve(ScopeProvider).get(node)

    def finding(
        self,
        node: cst.CSTNode,
        rule: str,
        message: str,
        fix: FixKind,
        endpoint: Endpoint | None = None,
        edits: Sequence[Edit] = (),
        of_call: EndpointCall | None = None,
    ) -> Finding:
        """A finding located at ``node``; ``of_call`` names the endpoint call it belongs to."""
        start, end = self.span(node)
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(end)
        finding = Finding(
            path=self.path,
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col,
            rule=rule,
            message=message,
            fix=fix if edits or fix is FixKind.MANUAL else FixKind.MANUAL,
            operation=endpoint.old.operation_id if endpoint else None,
            replacement=endpoint.new.operation_id if endpoint else None,
            edits=tuple(edits),
        )
        if of_call is not None:
            of_call.dependents.append(finding)
        return finding


# Rules whose findings decide whether the request itself is right after the rewrite: the version
# headers and the body.  (Response-field reads come after the request and are reported on their own.)
REQUEST_RULE_PREFIXES = ("FM2", "FM4")
_RANK = {FixKind.SAFE: 0, FixKind.UNSAFE: 1, FixKind.MANUAL: 2}


def settle_requests(ctx: ModuleContext, findings: list[Finding]) -> list[Finding]:
    """Make each request's migration all-or-nothing at its least sure part.

    A URL moved to Flex while the request still sends the tenant version header or a body Flex
    rejects turns a call that worked before the sunset into one that fails: a half rewrite.  So when
    any header or body finding of a call is not ``safe``, the call's safe fixes (URL, headers, body,
    response fields) become ``unsafe``: applied only with ``--unsafe-fixes``, with the reason
    appended to the message.  Manual findings stay manual.
    """
    downgrade: dict[int, str] = {}
    for ec in ctx.endpoint_calls:
        blockers = [
            f for f in ec.dependents
            if f.rule.startswith(REQUEST_RULE_PREFIXES) and _RANK[f.fix] > _RANK[FixKind.SAFE]
        ]
        if not blockers:
            continue
        first = min(blockers, key=Finding.sort_key)
        why = f"unsafe: the rest of this request is not rewritten with it ({first.rule} at line {first.line})"
        for f in [ec.url_finding, *ec.dependents]:
            if f is not None and f.fix is FixKind.SAFE:
                downgrade.setdefault(id(f), why)
    if not downgrade:
        return findings
    return [
        replace(f, fix=FixKind.UNSAFE, message=f"{f.message}; {downgrade[id(f)]}") if id(f) in downgrade else f
        for f in findings
    ]


# A rule takes the context (with ``endpoint_calls`` already found) and yields findings.
Rule = Callable[[ModuleContext], Iterable[Finding]]


def _rules() -> list[Rule]:
    """The rule functions, in the order they run.  Each module has one job."""
    from codemods import rules

    return list(rules.ALL)


def analyze(
    source: str,
    *,
    path: str = "<string>",
    catalog: Catalog | None = None,
    options: AnalyzeOptions | None = None,
) -> list[Finding]:
    """All findings for one module's source text.

    Raises ``libcst.ParserSyntaxError`` when the text is not valid Python; the caller reports it.
    """
    from codemods import urls

    module = cst.parse_module(source)
    ctx = ModuleContext(
        source=source,
        path=path,
        wrapper=MetadataWrapper(module, unsafe_skip_copy=True),
        catalog=catalog or load_catalog(),
        options=options or AnalyzeOptions(),
    )
    findings: list[Finding] = list(urls.find_endpoint_calls(ctx))
    for rule in _rules():
        findings.extend(rule(ctx))
    findings = settle_requests(ctx, findings)
    return sorted(findings, key=Finding.sort_key)
