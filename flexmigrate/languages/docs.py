"""Where the code is in Markdown and reStructuredText: only code blocks can run a retired call.

A changelog that says "the shared_tier data sources are deprecated", an upgrade guide, a reference
page: prose names the retired endpoints without calling them.  A runbook's fenced ``curl`` block, or
a ``.. code-block:: bash`` directive, is code someone copies and runs.  These functions return the
character spans of the code blocks; the Markdown and reStructuredText readers report only inside
them.
"""

from __future__ import annotations

import re

__all__ = ["markdown_code", "rst_code"]

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$", re.M)
_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+(?:code-block|code|sourcecode|highlight)::.*$", re.M)
_RST_LITERAL = re.compile(r"::[ \t]*$", re.M)


def markdown_code(text: str) -> list[tuple[int, int]]:
    """Fenced code blocks (``` and ~~~, closed by a fence at least as long; an unclosed one runs to
    the end) and indented code blocks (four spaces or a tab, after a blank line)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (opening := _FENCE.search(text, pos)) is not None:
        marker = opening.group(2)
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.M)
        end = closing.search(text, opening.end())
        stop = end.start() if end else len(text)
        spans.append((opening.end(), stop))
        pos = end.end() if end else len(text)
    offset = 0
    previous_blank = True
    for line in text.splitlines(keepends=True):
        if previous_blank and (line.startswith("    ") or line.startswith("\t")) and line.strip():
            if not any(a <= offset < b for a, b in spans):
                spans.append((offset, offset + len(line)))
            previous_blank = True  # an indented block continues line by line
        else:
            previous_blank = not line.strip()
        offset += len(line)
    return sorted(spans)


def rst_code(text: str) -> list[tuple[int, int]]:
    """The indented bodies of ``.. code-block::`` (and ``code``, ``sourcecode``) directives and of
    literal blocks introduced by ``::``."""
    heads = {m.end() for m in _RST_DIRECTIVE.finditer(text)} | {m.end() for m in _RST_LITERAL.finditer(text)}
    spans = []
    for head in sorted(heads):
        line_start = text.rfind("\n", 0, head) + 1
        head_line = text[line_start:head]
        base = len(head_line) - len(head_line.lstrip())
        body_start = text.find("\n", head)
        if body_start < 0:
            continue
        end = body_start = body_start + 1
        for line in text[body_start:].splitlines(keepends=True):
            if line.strip() and len(line) - len(line.lstrip()) <= base:
                break
            end += len(line)
        if end > body_start:
            spans.append((body_start, end))
    return spans
