"""``--format junit``: a JUnit XML report, for CI systems that show test results.

One test suite per file; each finding that is not yet applied is a failing test case, a file that
could not be analysed is an error, and a run with nothing left is one passing case.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from flexmigrate.models.findings import Finding
from flexmigrate.models.scan_results import ScanResult


def _case(f: Finding, classname: str) -> str:
    name = quoteattr(f"{f.rule} at line {f.line}, column {f.column}")
    message = quoteattr(f"[{f.fix.value}] {f.message}")
    detail = escape(f"{classname}:{f.line}:{f.column}: {f.rule} [{f.fix.value}] {f.message}")
    return (
        f"    <testcase classname={quoteattr(classname)} name={name}>"
        f'<failure message={message} type="{f.rule}">{detail}</failure></testcase>\n'
    )


def render_junit(result: ScanResult, out: TextIO) -> None:
    by_file: dict[str, list[str]] = defaultdict(list)
    failures = errors = 0
    for f in result.remaining:
        classname = f"{f.repository}/{f.path}" if f.repository else f.path
        by_file[classname].append(_case(f, classname))
        failures += 1
    for path, message in result.errors:
        by_file[str(path)].append(
            f'    <testcase classname={quoteattr(str(path))} name="analysed">'
            f'<error message={quoteattr(message)} type="FM000">{escape(message)}</error></testcase>\n'
        )
        errors += 1
    if not by_file:
        by_file["flexmigrate"].append(
            '    <testcase classname="flexmigrate" name="no retired endpoint calls"/>\n'
        )
    tests = sum(len(cases) for cases in by_file.values())
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="flexmigrate" tests="{tests}" failures="{failures}" errors="{errors}">\n')
    for name, cases in sorted(by_file.items()):
        failed = sum(1 for c in cases if "<failure" in c)
        errored = sum(1 for c in cases if "<error" in c)
        out.write(
            f'  <testsuite name={quoteattr(name)} tests="{len(cases)}" failures="{failed}" errors="{errored}">\n'
        )
        out.writelines(cases)
        out.write("  </testsuite>\n")
    out.write("</testsuites>\n")
