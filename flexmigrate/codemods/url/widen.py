"""From one string token to the whole expression that builds the string it is part of.

A URL is matched as a whole (``f"{BASE}/groups/{g}" + "/clusters/" + c``), so every string token is
first widened through the constructs that build strings: implicit concatenation, ``+``, ``%``, an
f-string placeholder without conversion or spec, the receiver or an argument of ``.format``/``.join``,
an argument of ``urljoin``, and the elements of a ``%`` tuple/dict or a ``join`` list.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

__all__ = ["STRING_CALL_ATTRS", "is_string_call", "widen"]

STRING_CALL_ATTRS = frozenset({"format", "join", "urljoin"})

Parent = Callable[[cst.CSTNode], "cst.CSTNode | None"]


def is_string_call(call: cst.Call) -> bool:
    """``x.format(...)``, ``sep.join(...)``, ``urljoin(...)`` or ``urllib.parse.urljoin(...)``."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value in STRING_CALL_ATTRS
    return isinstance(func, cst.Name) and func.value == "urljoin"


def _call_of_arg(parent: Parent, arg: cst.CSTNode) -> cst.Call | None:
    call = parent(arg)
    return call if isinstance(call, cst.Call) and is_string_call(call) else None


def widen(node: cst.CSTNode, parent: Parent) -> cst.CSTNode:
    """The outermost string-building expression around ``node`` (``node`` itself if none)."""
    cur = node
    while True:
        p = parent(cur)
        nxt: cst.CSTNode | None = None
        if isinstance(p, cst.ConcatenatedString):
            nxt = p
        elif isinstance(p, cst.BinaryOperation) and isinstance(p.operator, (cst.Add, cst.Modulo)):
            nxt = p
        elif isinstance(p, cst.FormattedStringExpression) and p.expression is cur:
            if p.conversion is None and p.format_spec is None:
                nxt = parent(p)
        elif isinstance(p, cst.Attribute) and p.value is cur and p.attr.value in STRING_CALL_ATTRS:
            call = parent(p)
            if isinstance(call, cst.Call) and call.func is p:
                nxt = call
        elif isinstance(p, cst.Call) and p.func is cur and isinstance(cur, cst.Name) and not p.args:
            nxt = p  # ``restores_path()``: the function may return a URL template (url.names)
        elif isinstance(p, cst.Arg) and not p.star:
            nxt = _call_of_arg(parent, p)
        elif isinstance(p, (cst.Element, cst.DictElement)) and p.value is cur:
            display = parent(p)
            outer = parent(display) if display is not None else None
            if isinstance(outer, cst.BinaryOperation) and isinstance(outer.operator, cst.Modulo):
                nxt = outer
            elif isinstance(outer, cst.Arg) and isinstance(display, (cst.List, cst.Tuple)):
                nxt = _call_of_arg(parent, outer)
        if nxt is None:
            return cur
        cur = nxt
