"""JSON with the character span of every value, so one value can be replaced and no other byte moves.

The standard library parses JSON into values and forgets where they were.  Rewriting a notebook's
code cell must keep every other character of the file (outputs, metadata, indentation, key
order, escapes), so the readers need the spans: :func:`parse_spans` walks the text with the
standard library's own string and number scanners and returns a tree of :class:`Span` nodes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any

__all__ = ["Span", "parse_spans"]

_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


@dataclass
class Span:
    start: int
    end: int
    value: Any = None  # the decoded value of a string, number or literal
    items: list["Span"] = field(default_factory=list)  # an array's elements
    members: dict[str, "Span"] = field(default_factory=dict)  # an object's values, by key
    kind: str = "scalar"  # "object", "array", "string" or "scalar"


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WHITESPACE:
        i += 1
    return i


def _value(text: str, i: int) -> Span:
    i = _skip(text, i)
    if i >= len(text):
        raise ValueError("unexpected end of JSON")
    char = text[i]
    if char == "{":
        node = Span(i, i, kind="object")
        i = _skip(text, i + 1)
        if text[i : i + 1] == "}":
            node.end = i + 1
            return node
        while True:
            i = _skip(text, i)
            if text[i : i + 1] != '"':
                raise ValueError(f"expected a key at character {i}")
            key, i = scanstring(text, i + 1)
            i = _skip(text, i)
            if text[i : i + 1] != ":":
                raise ValueError(f"expected ':' at character {i}")
            member = _value(text, i + 1)
            node.members[key] = member
            i = _after_element(text, member.end, "}", node)
            if i < 0:
                return node
    if char == "[":
        node = Span(i, i, kind="array")
        i = _skip(text, i + 1)
        if text[i : i + 1] == "]":
            node.end = i + 1
            return node
        while True:
            item = _value(text, i)
            node.items.append(item)
            i = _after_element(text, item.end, "]", node)
            if i < 0:
                return node
    if char == '"':
        value, end = scanstring(text, i + 1)
        return Span(i, end, value, kind="string")
    value, end = _DECODER.raw_decode(text, i)
    return Span(i, end, value)


def _after_element(text: str, end: int, close: str, node: Span) -> int:
    """After a member or an item ending at ``end``: where the next one starts (past a ``,``), or
    ``-1`` when ``close`` ends ``node`` (whose end is then set)."""
    i = _skip(text, end)
    if text[i : i + 1] == ",":
        return i + 1
    if text[i : i + 1] == close:
        node.end = i + 1
        return -1
    raise ValueError(f"expected ',' or '{close}' at character {i}")


def parse_spans(text: str) -> Span:
    """The span tree of a JSON document; ``ValueError`` (with a character offset) when it is not JSON."""
    root = _value(text, 0)
    if _skip(text, root.end) != len(text):
        raise ValueError(f"extra data after the JSON value at character {root.end}")
    return root
