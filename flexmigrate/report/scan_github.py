"""``--format github``: GitHub Actions workflow commands, so findings show inline on a pull request.

One ``::warning`` line per finding still to fix (``::notice`` for one a fix applied), one ``::error``
per file that could not be looked at.  Values are escaped as the runner expects: ``%``, CR and LF in
every part, and ``:`` and ``,`` in the properties too.
"""

from __future__ import annotations

from typing import TextIO

from flexmigrate.models.scan_results import ScanResult

__all__ = ["render_github"]


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: ScanResult, out: TextIO) -> None:
    for f in result.findings:
        command = "notice" if f.applied else "warning"
        props = [f"file={_prop(f.path)}", f"line={f.line}", f"col={f.column}"]
        if f.end_line:
            props += [f"endLine={f.end_line}", f"endColumn={f.end_column}"]
        props.append(f"title={_prop(f'{f.rule} [{f.fix_label}]')}")
        out.write(f"::{command} {','.join(props)}::{_data(f.message)}\n")
    for path, error in result.errors:
        out.write(f"::error file={_prop(str(path))},title=FM000::{_data(error)}\n")
