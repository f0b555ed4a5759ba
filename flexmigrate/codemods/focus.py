"""Keep libcst's work to the statements that can matter: the rest of the module is masked.

libcst's parse and its metadata (scopes, parents, positions) cost about a second for every
300 KB of Python, while a retired call is a few lines of one function.  Before libcst sees a
module, this step finds, with the standard library's C-speed ``ast`` and ``symtable``:

1. the top-level statements that hold a string able to become a retired URL, or a retired operation
   name (:class:`~flexmigrate.codemods.candidates.CandidateTest`, the scanner's second filter stage);
2. every top-level statement that binds or reads a module-level name that a kept statement binds
   or reads, again and again until nothing is added.  So a kept statement keeps the constants, the
   helpers, the sessions and clients it uses, every other reader of those (a constant with other
   uses is never rewritten), the callers of a kept function, and the ``__all__`` list.

Every other top-level statement is **masked**: replaced by a string statement of exactly the same
length (quotes around spaces, line breaks kept), which libcst parses as one token and every rule
ignores, as it ignores any bare string.  Every offset, line and column of the kept statements is
therefore the offset, line and column in the file: findings and edits need no translation.

Names are followed by scope, not by spelling: a function's parameter ``c`` is not the module's
``c``.  Where the facts are unclear the step keeps more, never less (a class body's reads count
whether or not the class binds the name; a ``from x import *`` is always kept).  A module the
standard library cannot parse, or a module where nothing would be masked, is analysed whole.
"""

from __future__ import annotations

import ast
import bisect
import re
import symtable
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from flexmigrate.codemods.candidates import LETTER_ESCAPE, CandidateTest

__all__ = ["focus"]

# Lines end with one of these (``str.splitlines`` would also split on form feeds and the like).
_LINE_END = re.compile(r"\r\n|\r|\n")
# Names that matter wherever they are bound: the module's export list is read by the URL rules.
_ALWAYS = frozenset({"__all__"})
# Where a ``global`` declaration may be.
_GLOBAL = re.compile(r"(?<![A-Za-z0-9_])global(?![A-Za-z0-9_])")


def focus(text: str, tokens: CandidateTest, keys: frozenset[str] = frozenset()) -> str | None:
    """``text`` with every top-level statement that cannot matter masked, or ``None`` to analyse it whole.

    ``keys`` are string values that keep the statement holding them wherever they are (the
    response fields whose reads a rule looks for in the whole module).

    ``None`` when the standard library cannot parse ``text`` (libcst then reports the error, or
    parses what ``ast`` cannot), when no string can become a retired URL, or when every
    statement is kept.
    """
    if "\r" in text.replace("\r\n", ""):
        return None  # old Mac line ends: rare, and a masked string would hold them differently
    try:
        tree = ast.parse(text)
        table = symtable.symtable(text, "<module>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) < 2:
        return None
    line_starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
    hits = tokens.relevant_lines(text, tree)
    if not hits:
        return None
    groups = _groups(tree.body)
    starts = [first for first, _, _ in groups]

    def group_of(line: int) -> int:
        return max(0, bisect.bisect_right(starts, line) - 1)

    kept = _closure(
        {group_of(line) for line in hits}
        | {i for i, (_, _, stmts) in enumerate(groups) if any(_is_star_import(s) for s in stmts)}
        | _key_groups(text, groups, line_starts, group_of, keys),
        _names(text, groups, line_starts, table),
    )
    if len(kept) == len(groups):
        return None
    return _mask(text, line_starts, starts, kept)


def _lines(offsets: Iterable[int], line_starts: list[int]) -> list[int]:
    """1-based line numbers of text offsets."""
    return [bisect.bisect_right(line_starts, offset) for offset in offsets]


def _key_groups(
    text: str,
    groups: list[tuple[int, int, list[ast.stmt]]],
    line_starts: list[int],
    group_of: Callable[[int], int],
    keys: frozenset[str],
) -> set[int]:
    """Groups holding a string constant equal to one of ``keys``.

    A regex over the raw text finds the key spelled out (in code, comments or prose: a superset).
    A key can also be spelled in pieces (``"cluster" "Name"``) or with escapes; only the groups
    where a piece (a quote, the start of a key, a quote) or a letter escape appears are walked
    with ``ast`` to see the joined values.
    """
    if not keys:
        return set()
    ordered = sorted(keys, key=len, reverse=True)
    word = re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(map(re.escape, ordered)) + r")(?![A-Za-z0-9_])")
    found = {group_of(line) for line in _lines((m.start() for m in word.finditer(text)), line_starts)}
    pieces = sorted({k[:i] for k in keys for i in range(1, len(k))}, key=len, reverse=True)
    piece = re.compile(r"['\"](?:" + "|".join(map(re.escape, pieces)) + r")['\"]") if pieces else None
    suspects = [m.start() for m in piece.finditer(text)] if piece is not None else []
    suspects.extend(m.start() for m in LETTER_ESCAPE.finditer(text))
    for index in {group_of(line) for line in _lines(suspects, line_starts)} - found:
        if _holds_key(groups[index][2], keys):
            found.add(index)
    return found


def _first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    return min([stmt.lineno, *(d.lineno for d in decorators or ())])


def _groups(body: list[ast.stmt]) -> list[tuple[int, int, list[ast.stmt]]]:
    """Top-level statements as ``(first line, last line, statements)``, merged where they share a line."""
    groups: list[tuple[int, int, list[ast.stmt]]] = []
    for stmt in body:
        first, last = _first_line(stmt), stmt.end_lineno or stmt.lineno
        if groups and first <= groups[-1][1]:
            prev_first, prev_last, stmts = groups[-1]
            groups[-1] = (prev_first, max(prev_last, last), [*stmts, stmt])
        else:
            groups.append((first, last, [stmt]))
    # The first group also holds whatever comes before it (a shebang, comments, a cookie).
    if groups:
        groups[0] = (1, groups[0][1], groups[0][2])
    return groups


def _holds_key(stmts: list[ast.stmt], keys: frozenset[str]) -> bool:
    """Whether a string constant of ``stmts`` (implicit concatenations joined) is one of ``keys``."""
    return any(
        isinstance(node, ast.Constant) and node.value in keys for stmt in stmts for node in ast.walk(stmt)
    )


def _is_star_import(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names)


@dataclass
class _Names:
    """The module-level names of one group: every one it mentions, and how it binds some of them."""

    mentioned: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)  # bound here other than by ``import m``
    modules: set[str] = field(default_factory=set)  # bound here by ``import m``


def _names(
    text: str,
    groups: list[tuple[int, int, list[ast.stmt]]],
    line_starts: list[int],
    table: symtable.SymbolTable,
) -> list[_Names]:
    """For each group, the module-level names its code binds or reads, nested scopes included.

    Only the cheap parts of ``symtable`` are used (``lookup`` scans every sibling scope for each
    name, which is quadratic in a module of many functions): a function's globals and a class
    body's identifiers.  ``global`` declarations are read from the ``ast`` of the few groups whose
    text says ``global``.
    """
    out = [_module_level(stmts) for _, _, stmts in groups]
    starts = [first for first, _, _ in groups]

    def group_of(line: int) -> int:
        return max(0, bisect.bisect_right(starts, line) - 1)

    stack = list(table.get_children())
    while stack:
        child = stack.pop()
        stack.extend(child.get_children())
        # A function's globals; any other scope (a class body, an annotation scope) counts every
        # name it has, since a class body that binds a name can still read the module's one first.
        found = child.get_globals() if isinstance(child, symtable.Function) else child.get_identifiers()
        out[group_of(child.get_lineno())].mentioned.update(found)
    for line in _lines((m.start() for m in _GLOBAL.finditer(text)), line_starts):
        names = out[group_of(line)]
        for stmt in groups[group_of(line)][2]:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Global):
                    names.mentioned.update(node.names)
                    names.bound.update(node.names)
    return out


def _module_level(stmts: Iterable[ast.stmt]) -> _Names:
    """Names in the code of ``stmts`` that runs in the module's own scope (not in function or class bodies)."""
    names = _Names()
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.mentioned.add(node.id)
            if not isinstance(node.ctx, ast.Load):
                names.bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.mentioned.add(node.name)
            names.bound.add(node.name)
            stack.extend(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                stack.extend(node.bases)
                stack.extend(k.value for k in node.keywords)
            else:
                stack.append(node.args)
                if node.returns is not None:
                    stack.append(node.returns)
            continue  # the body is a scope of its own: ``symtable`` says what it reads
        elif isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        elif isinstance(node, ast.Import):
            imported = set(_imported(node))
            names.mentioned |= imported
            names.modules |= imported
        elif isinstance(node, ast.ImportFrom):
            imported = set(_imported(node))
            names.mentioned |= imported
            names.bound |= imported
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.mentioned.update(node.names)
            names.bound.update(node.names)
        else:
            bound = _bound_by(node)
            if bound:
                names.mentioned.add(bound)
                names.bound.add(bound)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _bound_by(node: ast.AST) -> str | None:
    """The name an ``except ... as``, a match capture or a ``**rest`` pattern binds."""
    if isinstance(node, ast.ExceptHandler):
        return node.name
    if isinstance(node, (ast.MatchAs, ast.MatchStar)):
        return node.name
    if isinstance(node, ast.MatchMapping):
        return node.rest
    return None


def _imported(node: ast.Import | ast.ImportFrom) -> Iterable[str]:
    """The names an import statement binds."""
    return ((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")


def _closure(seeds: set[int], names: list[_Names]) -> set[int]:
    """The seed groups and every group linked to them by a module-level name, transitively.

    A name the module binds links every group that mentions it, except a name bound only by
    ``import m`` (a module: ``requests``, ``json``): that links a reader to the import, not to
    every other reader, since no rule looks at who else calls ``json.dumps``.  Names the module
    never binds (builtins) link nothing.
    """
    bound = set(_ALWAYS).union(*(n.bound for n in names))
    modules = set().union(*(n.modules for n in names)) - bound
    by_name: dict[str, list[int]] = defaultdict(list)
    importers: dict[str, list[int]] = defaultdict(list)
    for index, group in enumerate(names):
        for name in group.mentioned & bound:
            by_name[name].append(index)
        for name in group.modules & modules:
            importers[name].append(index)
    kept = set(seeds) | {i for name in _ALWAYS for i in by_name.get(name, ())}
    todo = list(kept)
    followed: set[str] = set()
    while todo:
        group = names[todo.pop()]
        for name in (group.mentioned & bound) | (group.mentioned & modules):
            if name in followed:
                continue
            followed.add(name)
            for other in importers[name] if name in modules else by_name[name]:
                if other not in kept:
                    kept.add(other)
                    todo.append(other)
    return kept


def _mask(text: str, line_starts: list[int], starts: list[int], kept: set[int]) -> str | None:
    """``text`` with the lines of every group not in ``kept`` turned into one same-length string."""
    bounds = [line_starts[s - 1] if s - 1 < len(line_starts) else len(text) for s in starts] + [len(text)]
    pieces: list[str] = []
    masked_any = False
    index = 0
    while index < len(starts):
        if index in kept:
            pieces.append(text[bounds[index] : bounds[index + 1]])
            index += 1
            continue
        run_end = index  # a run of groups to mask becomes one string
        while run_end + 1 < len(starts) and run_end + 1 not in kept:
            run_end += 1
        region = text[bounds[index] : bounds[run_end + 1]]
        masked = _masked(region)
        masked_any = masked_any or masked is not region
        pieces.append(masked)
        index = run_end + 1
    return "".join(pieces) if masked_any else None


def _masked(region: str) -> str:
    """A string statement as long as ``region``, with its line breaks where they were.

    The quotes open at the start of the region's first line of three characters or more and close
    at the end of its last such line; every other character becomes a space, so the lines before
    and after the string are blank lines.  A region with no room for the quotes is kept as it is.
    """
    blank = re.sub(r"[^\r\n]", " ", region)
    line_starts = [0] + [m.end() for m in _LINE_END.finditer(region)]
    lines = [(start, _line_end(region, start)) for start in line_starts if start < len(region)]
    roomy = [(start, end) for start, end in lines if end - start >= 3]
    if not roomy or roomy[-1][1] - roomy[0][0] < 6:
        return region
    opening, closing = roomy[0][0], roomy[-1][1]
    return blank[:opening] + '"""' + blank[opening + 3 : closing - 3] + '"""' + blank[closing:]


def _line_end(text: str, start: int) -> int:
    """The offset where the line starting at ``start`` ends, before its line break."""
    found = _LINE_END.search(text, start)
    return found.start() if found else len(text)
