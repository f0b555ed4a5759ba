"""The second, exact stage of the filter: can this module's tokens form a retired call at all?

The byte prefilter lets through every file that contains ``tenant`` anywhere: "Maintenant",
``tenant_id``, ``/tenants/{id}``, a docstring of multi-tenant code.  This stage reads the file with
the standard ``tokenize`` module (no tree, no metadata) and keeps it only when

* a string literal (or a literal part of an f-string) holds a retired path segment of the catalog
  as a path segment: bounded by the string's edge, ``/``, an interpolation (``{``, ``}``, ``%``),
  a query or fragment, or an escape -- never by a letter, digit, ``_``, ``-`` or a space; or
* a name or a string holds a retired operation name or alias as a whole word.

Everything the URL engine can match is built from such strings, so recall is kept (the test
suite runs every codemod fixture through the scanner to prove it), while identifiers, comments
and prose never reach libcst.  A file ``tokenize`` cannot read is passed on, so that the parser
reports it.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Iterable

_STRING_TYPES = {tokenize.STRING} | (
    {tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set()
)


class CandidateTest:
    def __init__(self, segments: Iterable[str], names: Iterable[str]) -> None:
        seg = "|".join(re.escape(s) for s in sorted(set(segments), key=len, reverse=True))
        self._segment = re.compile(rf"(?:^|[/}}'\"])(?:{seg})(?=$|[/{{%?#\\'\"])") if seg else None
        self._names = frozenset(names)
        word = "|".join(re.escape(n) for n in sorted(self._names, key=len, reverse=True))
        self._name_in_text = re.compile(rf"(?<![A-Za-z0-9_])(?:{word})(?![A-Za-z0-9_])") if word else None

    def _holds(self, text: str) -> bool:
        if self._segment is not None and self._segment.search(text):
            return True
        return self._name_in_text is not None and self._name_in_text.search(text) is not None

    def may_hold_call(self, text: str) -> bool:
        """False only when no token of ``text`` can form a retired path segment or operation name."""
        try:
            for tok in tokenize.generate_tokens(io.StringIO(text).readline):
                if tok.type in _STRING_TYPES:
                    if self._holds(tok.string) or (
                        "\\" in tok.string and self._holds(_evaluated(tok.string))
                    ):
                        return True
                elif tok.type == tokenize.NAME and tok.string in self._names:
                    return True
                elif tok.type == tokenize.ERRORTOKEN:
                    return True  # not valid Python: let the parser say what is wrong
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return True  # let the parser say what is wrong
        return False


def _evaluated(literal: str) -> str:
    """A string token with its escapes resolved (``"\\x74enant"`` -> ``"tenant"``), where it is plain."""
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return ""  # an f-string or a part of one: escapes there are checked as written
    return f"'{value}'" if isinstance(value, str) else ""
