"""String literals and dict literals as the rules read and edit them.

Edits touch only the characters that change: the version inside a media type, the key inside a
quoted string, one ``key: value`` pair of a dict with the separator that belongs to it.  Anything
with escapes, prefixes that change meaning (``b``, ``f``) or implicit concatenation is reported
instead of edited, because its source text is not the value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterator

import libcst as cst

from flexmigrate.codemods.context import ModuleContext
from flexmigrate.catalog import Catalog
from flexmigrate.models.findings import Edit


def string_value(node: cst.CSTNode) -> str | None:
    """The value of a plain string literal (implicit concatenation of plain strings included)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - libcst raises plain exceptions for odd literals
            return None
        return value if isinstance(value, str) else None
    return None


def body_span(ctx: ModuleContext, node: cst.SimpleString) -> tuple[int, int] | None:
    """Offsets of the text between the quotes, when that text *is* the value (no escapes)."""
    if "b" in node.prefix.lower() or "\\" in node.value:
        return None
    start, end = ctx.span(node)
    quote = node.quote
    body_start = start + len(node.prefix) + len(quote)
    body_end = end - len(quote)
    if ctx.source[body_start:body_end] != node.evaluated_value:
        return None
    return body_start, body_end


def replace_value(ctx: ModuleContext, node: cst.CSTNode, new: str) -> Edit | None:
    """An edit that makes the plain literal ``node`` hold ``new`` (same quotes), or ``None``."""
    if not isinstance(node, cst.SimpleString):
        return None
    span = body_span(ctx, node)
    if span is None or node.quote not in ("'", '"') or node.quote in new or "\\" in new:
        return None
    return Edit(span[0], span[1], new)


def quoted(text: str) -> str:
    """A double-quoted Python literal for ``text``."""
    return json.dumps(text)


@dataclass(frozen=True)
class MediaType:
    """An Atlas versioned media type found in a header value."""

    version: str
    start: int  # offset of the version inside the value
    end: int


class MediaTypes:
    """Recognise ``application/vnd.atlas.{version}+json`` from the catalog's format."""

    def __init__(self, catalog: Catalog) -> None:
        fmt = catalog.media_type_format
        prefix, _, suffix = fmt.partition("{version}")
        self._pattern = re.compile(re.escape(prefix) + r"(\d{4}-\d{2}-\d{2})" + re.escape(suffix))

    def find(self, value: str) -> MediaType | None:
        match = self._pattern.search(value)
        if match is None:
            return None
        return MediaType(match.group(1), match.start(1), match.end(1))


def dict_entries(node: cst.Dict) -> Iterator[tuple[str | None, cst.BaseDictElement]]:
    """``(key, element)`` for every element; ``key`` is ``None`` for ``**spread`` and computed keys."""
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            yield string_value(element.key), element
        else:
            yield None, element


def removal_edits(ctx: ModuleContext, node: cst.Dict, remove: set[int]) -> list[Edit]:
    """Edits that delete the elements at indexes ``remove`` with the separators that belong to them.

    A run of removed elements followed by a kept one loses everything up to that element's start
    (so the next element takes its place, keeping indentation); a run at the end loses everything
    from the end of the last kept element, so the dict's trailing comma style survives.
    """
    elements = list(node.elements)
    edits: list[Edit] = []
    i = 0
    while i < len(elements):
        if i not in remove:
            i += 1
            continue
        j = i
        while j + 1 < len(elements) and j + 1 in remove:
            j += 1
        first_start = ctx.span(elements[i])[0]
        last_end = ctx.span(elements[j])[1]
        if j + 1 < len(elements):
            edits.append(Edit(first_start, ctx.span(elements[j + 1])[0], ""))
        elif i > 0:
            edits.append(Edit(ctx.span(elements[i - 1])[1], last_end, ""))
        else:  # every element goes: leave the braces and the whitespace inside them
            edits.append(Edit(first_start, _after_comma(ctx, elements[j], last_end), ""))
        i = j + 1
    return edits


def _after_comma(ctx: ModuleContext, element: cst.BaseDictElement, end: int) -> int:
    if isinstance(element.comma, cst.Comma):
        return ctx.source.index(",", end) + 1
    return end


def append_item(ctx: ModuleContext, last: cst.Arg | cst.BaseDictElement, text: str) -> Edit:
    """Insert ``text`` after ``last`` (the final argument or dict element) in the layout in use.

    One item per line with a trailing comma gets a new line at the same indent; otherwise the item
    follows on the same line.
    """
    last_start, last_end = ctx.span(last)
    if isinstance(last.comma, cst.Comma):
        comma = ctx.source.index(",", last_end) + 1
        rest = ctx.source[comma:]
        gap = len(rest) - len(rest.lstrip(" \t"))
        if rest[gap : gap + 1] in ("\n", "\r", "#"):
            line_end = ctx.source.find("\n", comma)
            line_end = len(ctx.source) if line_end < 0 else line_end
            newline = "\r\n" if ctx.source[line_end - 1 : line_end] == "\r" else "\n"
            at = line_end - 1 if newline == "\r\n" else line_end
            indent = ctx.source[ctx.source.rfind("\n", 0, last_start) + 1 : last_start]
            if indent.strip():  # the item does not start its line: align under it with spaces
                indent = " " * len(indent)
            return Edit(at, at, newline + indent + text + ",")
        return Edit(comma, comma, " " + text + ",")
    return Edit(last_end, last_end, ", " + text)
