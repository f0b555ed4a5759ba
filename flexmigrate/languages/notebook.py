"""Jupyter notebooks: the code cells go through the Python engine; every other byte stays.

The code cells of a notebook share one namespace (a base URL set in the first cell is used in the
fifth), so they are analysed as one module: the cells joined by a separator line the engine never
touches.  IPython syntax is masked first, each line keeping its length: a line magic (``%pip``),
a shell escape (``!curl ...``), a help line (``obj?``) and an assignment from one (``files = !ls``)
become comments, and a cell magic's first line (``%%time``) too; a ``%%bash``/``%%sh``/``%%script``
cell is not Python at all and is read like a shell script.  Shell escapes are read like shell lines
as well, so a ``!curl`` of a retired URL or a ``!atlas api sharedTier...`` is reported.

When fixing, each changed cell's ``source`` is written back into the JSON text in the notebook's
own layout (a list of lines or one string, its indentation and escaping); markdown cells,
outputs, metadata and every other character stay as they were, and the result must still be a
notebook (``json`` parses it; the tests also validate it with ``nbformat``).  Findings point at the
file's own line and name the cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from flexmigrate.catalog import load_catalog
from flexmigrate.codemods.settle import FixOutcome
from flexmigrate.languages.base import Language, NotParsable
from flexmigrate.languages.jsonspans import Span, parse_spans
from flexmigrate.languages.python import may_hold as python_may_hold
from flexmigrate.languages.python import run_python
from flexmigrate.languages.text import text_prefilter
from flexmigrate.languages.textscan import text_findings
from flexmigrate.models.findings import Finding
from flexmigrate.models.fix_policy import FixPolicy
from flexmigrate.models.lines import LineIndex

__all__ = ["NOTEBOOK"]

SEPARATOR = "\n# --- flexmigrate: next notebook cell ---\n"
SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system"})
_MAGIC_LINE = re.compile(r"^[ \t]*(?:[%!]|[A-Za-z_][\w.]*\s*=\s*[%!])|\?\s*$")


@dataclass
class _Cell:
    index: int  # position among all cells (1-based in messages)
    source: Span  # the JSON value of "source"
    text: str  # the source as one string
    masked: str  # the text with IPython syntax turned into comments
    shell: bool  # a %%bash-style cell: read as a shell script


def _source_text(span: Span) -> str | None:
    if span.kind == "string":
        return span.value
    if span.kind == "array" and all(item.kind == "string" for item in span.items):
        return "".join(item.value for item in span.items)
    return None


def _mask(text: str) -> tuple[str, bool]:
    """``text`` with IPython-only lines commented out (same length), and whether it is a shell cell."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("%%"):
        name = lines[0][2:].split(maxsplit=1)[0] if lines[0][2:].strip() else ""
        if name in SHELL_CELL_MAGICS:
            return text, True
        lines[0] = "#" + lines[0][1:]
    out = []
    for line in lines:
        if _MAGIC_LINE.search(line):
            stripped = len(line) - len(line.lstrip())
            line = line[:stripped] + "#" + line[stripped + 1 :] if line.strip() else line
        out.append(line)
    return "".join(out), False


def _cells(text: str) -> list[_Cell]:
    try:
        root = parse_spans(text)
    except ValueError as exc:
        raise NotParsable(f"not a notebook: not valid JSON ({exc})") from None
    cells = root.members.get("cells") if root.kind == "object" else None
    if cells is None or cells.kind != "array":
        raise NotParsable("not a notebook: no 'cells' list")
    out = []
    for index, cell in enumerate(cells.items, start=1):
        kind = cell.members.get("cell_type")
        source = cell.members.get("source")
        if kind is None or kind.value != "code" or source is None:
            continue
        body = _source_text(source)
        if body is None:
            raise NotParsable(f"cell {index}: 'source' is neither a string nor a list of strings")
        masked, shell = _mask(body)
        out.append(_Cell(index, source, body, masked, shell))
    return out


def _module(cells: list[_Cell]) -> tuple[str, list[int]]:
    """The Python cells joined into one module, and where each starts in it."""
    starts, parts, offset = [], [], 0
    for cell in cells:
        starts.append(offset)
        parts.append(cell.masked)
        offset += len(cell.masked) + len(SEPARATOR)
    return SEPARATOR.join(parts), starts


def _locate(f: Finding, cell: _Cell, local_line: int, local_col: int, file_lines: LineIndex) -> Finding:
    """``f`` (found in a cell) at its place in the notebook file, its message naming the cell."""
    span = cell.source
    if span.kind == "array" and local_line - 1 < len(span.items):
        item = span.items[local_line - 1]
        line, col = file_lines.line_col(item.start + 1 + (local_col - 1))
    else:
        line, col = file_lines.line_col(span.start)
    return replace(
        f,
        line=line,
        column=col,
        end_line=None,
        end_column=None,
        message=f"cell {cell.index}, line {local_line}: {f.message}",
        edits=(),
        unit=None if f.unit is None else f.unit,
    )


def _encode_source(old: Span, new_text: str, notebook: str) -> str:
    """The JSON text of a cell's new source, in the layout of the old one."""
    ensure_ascii = notebook.isascii() and "\\u" in notebook
    dump = lambda s: json.dumps(s, ensure_ascii=ensure_ascii)  # noqa: E731
    if old.kind == "string":
        return dump(new_text)
    lines = new_text.splitlines(keepends=True)
    raws = [notebook[i.start : i.end] for i in old.items]
    if len(old.items) >= 2:
        separator = notebook[old.items[0].end : old.items[1].start]
    elif old.items:
        line_start = notebook.rfind("\n", 0, old.items[0].start) + 1
        separator = ",\n" + notebook[line_start : old.items[0].start]
    else:
        separator = ", "
    parts = [
        raws[i] if i < len(old.items) and old.items[i].value == line else dump(line)
        for i, line in enumerate(lines)
    ]
    inner = separator.join(parts)
    if old.items:
        return notebook[old.start : old.items[0].start] + inner + notebook[old.items[-1].end : old.end]
    return "[" + inner + "]"


def _unmask(original: str, masked: str, fixed: str) -> str | None:
    """``fixed`` with the masked lines put back as they were; ``None`` if a fix touched one."""
    restore = {
        m: o for m, o in zip(masked.splitlines(keepends=True), original.splitlines(keepends=True)) if m != o
    }
    if not restore:
        return fixed
    out = []
    pending = dict(restore)
    for line in fixed.splitlines(keepends=True):
        if line in pending:
            out.append(pending.pop(line))
        else:
            out.append(line)
    return "".join(out) if not pending else None


def _run(text: str, path: str, policy: FixPolicy, fix: bool) -> FixOutcome:
    catalog = load_catalog()
    cells = _cells(text)
    file_lines = LineIndex(text)
    python = [c for c in cells if not c.shell]
    module, starts = _module(python)
    findings: list[Finding] = []
    error: str | None = None
    new_cells: dict[int, str] = {}
    if python and python_may_hold(module.encode("utf-8", "surrogatepass")):
        try:
            outcome = run_python(module, path, policy, fix)
        except NotParsable as exc:
            line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
            cell, local = _cell_at(python, starts, LineIndex(module).offset(line, 0))
            raise NotParsable(f"cell {cell.index}, line {local + 1}: {exc}") from None
        error = outcome.error
        module_lines = LineIndex(module)
        for f in outcome.findings:
            cell, _ = _cell_at(python, starts, module_lines.offset(f.line, f.column - 1))
            local_line, local_col = LineIndex(cell.masked).line_col(
                module_lines.offset(f.line, f.column - 1) - starts[python.index(cell)]
            )
            findings.append(_locate(f, cell, local_line, local_col, file_lines))
        if fix and outcome.text != module:
            pieces = outcome.text.split(SEPARATOR)
            if len(pieces) != len(python):
                return FixOutcome(
                    text,
                    [replace(f, applied=False) for f in findings],
                    "a fix crossed a cell boundary; notebook left alone",
                )
            for cell, piece in zip(python, pieces):
                if piece == cell.masked:
                    continue
                restored = _unmask(cell.text, cell.masked, piece)
                if restored is None:
                    return FixOutcome(
                        text,
                        [replace(f, applied=False) for f in findings],
                        f"a fix touched a magic line of cell {cell.index}; notebook left alone",
                    )
                new_cells[cell.index] = restored
    for cell in cells:
        shell_text = (
            cell.text
            if cell.shell
            else "".join(
                line
                for line in cell.text.splitlines(keepends=True)
                if line.lstrip().startswith("!") or "= !" in line
            )
        )
        if not shell_text:
            continue
        for f in text_findings(
            cell.text if cell.shell else _blank_non_shell(cell.text), path, catalog, "notebook"
        ):
            findings.append(_locate(f, cell, f.line, f.column, file_lines))
    if not new_cells:
        return FixOutcome(text, sorted(findings, key=Finding.sort_key), error)
    out, pos = [], 0
    for cell in cells:
        if cell.index in new_cells:
            out.append(text[pos : cell.source.start])
            out.append(_encode_source(cell.source, new_cells[cell.index], text))
            pos = cell.source.end
    out.append(text[pos:])
    new_text = "".join(out)
    try:
        json.loads(new_text)
    except ValueError as exc:  # pragma: no cover - the encoder writes JSON
        return FixOutcome(text, findings, f"a fix produced a notebook that is not JSON; left alone ({exc})")
    return FixOutcome(new_text, sorted(findings, key=Finding.sort_key), error)


def _blank_non_shell(text: str) -> str:
    """Only the shell-escape lines of a cell, the others blanked (so lines and columns stay)."""
    return "".join(
        line if line.lstrip().startswith("!") or "= !" in line else "\n" * line.endswith("\n")
        for line in text.splitlines(keepends=True)
    )


def _cell_at(cells: list[_Cell], starts: list[int], offset: int) -> tuple[_Cell, int]:
    """The cell holding a module offset, and the 0-based line of it within the cell."""
    index = max(i for i, start in enumerate(starts) if start <= offset) if starts else 0
    cell = cells[index]
    return cell, cell.masked[: max(0, offset - starts[index])].count("\n")


def _may_hold(raw: bytes) -> bool:
    return python_may_hold(raw) or text_prefilter(load_catalog()).may_match(raw)


NOTEBOOK = Language(name="notebook", suffixes=(".ipynb",), may_hold=_may_hold, run=_run)
