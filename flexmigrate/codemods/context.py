"""What every rule sees of one module: its text, the libcst tree with metadata, the catalog, the calls found.

``codemods.engine.analyze`` builds one :class:`ModuleContext` per file; the URL finder fills
``endpoint_calls`` and each rule reads it.  Rules import this module, never the engine, so the
engine can import the rules without a cycle.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from flexmigrate.catalog import Catalog, Endpoint
from flexmigrate.codemods.tree import parent_map
from flexmigrate.models.findings import Edit, Finding, FixKind
from flexmigrate.models.lines import LineIndex


@dataclass(frozen=True)
class AnalyzeOptions:
    """Switches that change what is reported (never what counts as a safe rewrite)."""

    report_comments: bool = False  # also report retired paths in comments and docstrings
    # Mask the top-level statements that cannot matter before parsing (``codemods.focus``); off
    # only to compare against the whole-module analysis.
    focus: bool = True


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
    # Already on the Flex path (half migrated, or fully): only what the rules find wrong with its
    # headers, body and response reads is reported (``rules.half_migrated``).
    flex: bool = False


@dataclass
class ModuleContext:
    """Everything a rule needs about one module; built once per file."""

    source: str
    path: str
    wrapper: MetadataWrapper
    catalog: Catalog
    options: AnalyzeOptions
    endpoint_calls: list[EndpointCall] = field(default_factory=list)
    # Findings that are fixed together or not at all, besides those of one endpoint call: a
    # wrapper's import, its calls and the reads of their results (``rules.wrapper_calls``).
    groups: list[list[Finding]] = field(default_factory=list)
    _lines: LineIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lines = LineIndex(self.source)

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    def metadata(self, provider, node: cst.CSTNode):
        return self.wrapper.resolve(provider)[node]

    def offset(self, line: int, column: int) -> int:
        """Offset in ``source`` of a libcst (1-based line, 0-based column) position."""
        return self._lines.offset(line, column)

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """``(start, end)`` offsets of ``node`` in the source text (without surrounding whitespace)."""
        rng = self.wrapper.resolve(PositionProvider)[node]
        return self.offset(rng.start.line, rng.start.column), self.offset(rng.end.line, rng.end.column)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a source offset."""
        return self._lines.line_col(offset)

    @functools.cached_property
    def parents(self) -> dict[cst.CSTNode, cst.CSTNode]:
        """``child -> parent`` for every node of the module (``codemods.tree``)."""
        return parent_map(self.wrapper.module)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    @functools.cached_property
    def nodes(self) -> list[cst.CSTNode]:
        """Every node of the module but the module itself, in source order (outer before inner)."""
        positions = self.wrapper.resolve(PositionProvider)

        def where(node: cst.CSTNode) -> tuple[int, int, int, int]:
            rng = positions[node]
            return rng.start.line, rng.start.column, -rng.end.line, -rng.end.column

        return sorted(self.parents, key=where)

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
        finding = Finding.spanning(
            self._lines,
            *self.span(node),
            path=self.path,
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
