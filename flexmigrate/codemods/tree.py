"""The parent of every node of a libcst tree, read from the nodes' own fields.

libcst's ``ParentNodeProvider`` walks the tree with its visitor machinery (a dispatch per node and
attribute) and costs about as much as two parses of the module.  Every libcst node is a dataclass
whose fields hold its children (a node, or a sequence of nodes), so reading those fields once per
node gives the same map about ten times faster (``tests/codemods/test_tree.py`` holds it against
the provider).
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

__all__ = ["descendants", "parent_map"]

_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def parent_map(root: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    """``child -> parent`` for every node below ``root``."""
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    stack = [root]
    node_type = cst.CSTNode
    while stack:
        node = stack.pop()
        for name in _fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, node_type):
                parents[value] = node
                stack.append(value)
            elif isinstance(value, (tuple, list)):
                for child in value:
                    if isinstance(child, node_type):
                        parents[child] = node
                        stack.append(child)
    return parents


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and every node below it (depth first)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
