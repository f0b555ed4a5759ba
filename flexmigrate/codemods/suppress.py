"""Per-line suppression comments.

``# flexmigrate: ignore`` silences every finding whose span covers that line;
``# flexmigrate: ignore[FM101,FM3]`` only the named rules (a code or a code prefix);
``# flexmigrate: ignore-file`` anywhere in a comment silences the whole file.
Only real comments count (found with ``tokenize``), never the same text inside a string.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from flexmigrate.models.findings import Finding

MARKER = "flexmigrate:"
_DIRECTIVE = re.compile(r"#.*?\bflexmigrate:\s*(ignore-file|ignore)(?:\[([A-Za-z0-9_,\s]*)\])?")

ALL = frozenset({"*"})


@dataclass
class Suppressions:
    whole_file: bool = False
    by_line: dict[int, frozenset[str]] = field(default_factory=dict)

    def silences(self, finding: Finding) -> bool:
        if self.whole_file:
            return True
        last = finding.end_line or finding.line
        for line in range(finding.line, last + 1):
            codes = self.by_line.get(line)
            if codes is None:
                continue
            if codes is ALL or any(finding.rule.startswith(c) for c in codes):
                return True
        return False


def parse_suppressions(text: str) -> Suppressions:
    result = Suppressions()
    if MARKER not in text:  # the common case costs one substring search
        return result
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = _DIRECTIVE.search(tok.string)
        if match:
            record(result, match, tok.start[0])
    return result


def record(result: Suppressions, match: re.Match[str], line: int) -> None:
    """Note one directive (group 1: ``ignore``/``ignore-file``, group 2: the codes) found on ``line``."""
    if match.group(1) == "ignore-file":
        result.whole_file = True
        return
    codes = match.group(2)
    selected = ALL if codes is None else frozenset(c.strip() for c in codes.split(",") if c.strip())
    result.by_line[line] = selected or ALL
