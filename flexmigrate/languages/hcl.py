"""Terraform's HCL through the tree-sitter grammar: byte spans of blocks, attributes and references.

Only what the Terraform reader needs: parse (cached per file version), the ``data`` blocks, the
reference expressions ``data.TYPE.NAME...`` with the traversal steps after them, and ``for``
expressions.  Nothing here knows about Atlas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

__all__ = ["DataBlock", "Reference", "Step", "parse", "syntax_problem"]


@lru_cache(maxsize=1)
def _parser():
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


@lru_cache(maxsize=256)
def parse(data: bytes):
    """The tree of ``data`` (cached: a module's files are read once per process and version)."""
    return _parser().parse(data)


def syntax_problem(data: bytes) -> str | None:
    """Where ``data`` stops being valid HCL (one line), or ``None``."""
    root = parse(data).root_node
    if not root.has_error:
        return None
    for node in _walk(root):
        if node.type == "ERROR" or node.is_missing:
            line, column = node.start_point
            return f"not valid HCL at line {line + 1}, column {column + 1}"
    return "not valid HCL"  # pragma: no cover - has_error always has such a node


def _walk(node) -> Iterator:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _text(node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _label(node, data: bytes) -> str | None:
    """The value of a block label (``"x"`` or ``x``)."""
    if node.type == "identifier":
        return _text(node, data)
    if node.type == "string_lit":
        inner = [c for c in node.children if c.type == "template_literal"]
        return _text(inner[0], data) if len(inner) == 1 else ("" if len(node.children) == 2 else None)
    return None


@dataclass(frozen=True)
class Argument:
    name: str
    name_span: tuple[int, int]  # the identifier
    equals: int  # byte offset of "="
    row: int  # 0-based line of the name
    end_row: int
    line_start: int  # byte offset of the start of its line


@dataclass(frozen=True)
class DataBlock:
    type: str
    name: str
    type_span: tuple[int, int]  # inside the quotes
    start: int
    row: int
    arguments: tuple[Argument, ...]
    has_nested_blocks: bool


@dataclass(frozen=True)
class Step:
    kind: str  # "attr", "index", "splat"
    name: str | None  # the attribute, for "attr" (and the attribute a splat reads, if any)
    span: tuple[int, int]  # the identifier's span for "attr" (or the splat's attribute)


@dataclass(frozen=True)
class Reference:
    type: str
    name: str
    type_span: tuple[int, int]
    start: int
    end: int
    steps: tuple[Step, ...]  # after data.TYPE.NAME
    context: str  # "depends_on", "for_collection", or "" (any other expression)
    for_var: str | None = None  # the value variable of the ``for`` whose collection this is
    for_node_id: int | None = None


def data_blocks(data: bytes) -> list[DataBlock]:
    out = []
    root = parse(data).root_node
    body = next((c for c in root.children if c.type == "body"), None)
    if body is None:
        return out
    for block in body.children:
        if block.type != "block" or not block.children or _text(block.children[0], data) != "data":
            continue
        labels = [c for c in block.children[1:] if c.type in ("string_lit", "identifier")]
        if len(labels) != 2:
            continue
        kind, name = _label(labels[0], data), _label(labels[1], data)
        if kind is None or name is None:
            continue
        inner = [c for c in labels[0].children if c.type == "template_literal"]
        span = (
            (inner[0].start_byte, inner[0].end_byte) if inner else (labels[0].start_byte, labels[0].end_byte)
        )
        block_body = next((c for c in block.children if c.type == "body"), None)
        arguments = []
        nested = False
        for child in block_body.children if block_body is not None else ():
            if child.type == "block":
                nested = True
            if child.type != "attribute":
                continue
            ident = child.children[0]
            equals = next(c for c in child.children if c.type == "=")
            line_start = data.rfind(b"\n", 0, ident.start_byte) + 1
            arguments.append(
                Argument(
                    _text(ident, data),
                    (ident.start_byte, ident.end_byte),
                    equals.start_byte,
                    ident.start_point[0],
                    child.end_point[0],
                    line_start,
                )
            )
        out.append(
            DataBlock(kind, name, span, block.start_byte, block.start_point[0], tuple(arguments), nested)
        )
    return out


def _steps(nodes, data: bytes) -> tuple[Step, ...]:
    steps = []
    for node in nodes:
        if node.type == "get_attr":
            ident = node.children[-1]
            steps.append(Step("attr", _text(ident, data), (ident.start_byte, ident.end_byte)))
        elif node.type in ("index", "legacy_index"):
            steps.append(Step("index", None, (node.start_byte, node.end_byte)))
        elif node.type == "splat":
            inner = node.children[0]
            attrs = [c for c in inner.children if c.type == "get_attr"]
            steps.append(Step("splat", None, (node.start_byte, node.end_byte)))
            for attr in attrs:
                ident = attr.children[-1]
                steps.append(Step("attr", _text(ident, data), (ident.start_byte, ident.end_byte)))
        else:
            steps.append(Step(node.type, None, (node.start_byte, node.end_byte)))
    return tuple(steps)


def references(data: bytes, types: frozenset[str]) -> list[Reference]:
    """Every ``data.TYPE.NAME...`` expression whose TYPE is in ``types``, in source order."""
    out = []
    for node in _walk(parse(data).root_node):
        if node.type != "expression" or len(node.children) < 3:
            continue
        head, kind, name = node.children[0], node.children[1], node.children[2]
        if head.type != "variable_expr" or _text(head, data) != "data":
            continue
        if kind.type != "get_attr" or name.type != "get_attr":
            continue
        type_ident = kind.children[-1]
        ref_type = _text(type_ident, data)
        if ref_type not in types:
            continue
        context, for_var, for_id = "", None, None
        parent = node.parent
        if parent is not None and parent.type == "for_intro":
            context = "for_collection"
            idents = [c for c in parent.children if c.type == "identifier"]
            for_var = _text(idents[-1], data) if idents else None
            for_id = parent.parent.id if parent.parent is not None else None
        else:
            holder = node
            while holder is not None and holder.type != "attribute":
                holder = holder.parent
            if holder is not None and _text(holder.children[0], data) == "depends_on":
                context = "depends_on"
        out.append(
            Reference(
                ref_type,
                _text(name.children[-1], data),
                (type_ident.start_byte, type_ident.end_byte),
                node.start_byte,
                node.end_byte,
                _steps(node.children[3:], data),
                context,
                for_var,
                for_id,
            )
        )
    return out


def for_variable_reads(data: bytes, for_node_id: int, variable: str) -> list[tuple[Step | None, int, int]]:
    """Reads of ``variable`` inside the ``for`` expression ``for_node_id`` (not in its collection):
    each with the attribute read right after it (``None`` when it is used whole) and its span."""
    target = next((n for n in _walk(parse(data).root_node) if n.id == for_node_id), None)
    if target is None:
        return []
    out: list[tuple[Step | None, int, int]] = []
    for node in _walk(target):
        if node.type != "expression" or not node.children:
            continue
        head = node.children[0]
        if head.type != "variable_expr" or _text(head, data) != variable:
            continue
        if node.parent is not None and node.parent.type == "for_intro":
            continue
        steps = _steps(node.children[1:2], data)
        out.append((steps[0] if steps and steps[0].kind == "attr" else None, node.start_byte, node.end_byte))
    return out
