"""``flexmigrate check --format junit``: one testcase per checked ID, for CI dashboards.

mismatch and missing-in-new are failures, error is an error, match, old-retired and only-in-new pass (the latter two
with a note, or a failure when the replacement broke its schema).  A list endpoint that misses IDs
the retired one had is a failing testcase of its own.  Testcases are spooled to a temporary file as
they arrive, so memory stays flat; the document is assembled at the end.
"""

from __future__ import annotations

import tempfile
from typing import Any, Mapping, TextIO
from xml.sax.saxutils import quoteattr, escape

from flexmigrate.report.check_output import describe
from flexmigrate.models.check_results import CheckResult, ListDelta, RunSummary, Verdict


class JunitRenderer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._tests = self._failures = self._errors = 0
        self._deltas: list[ListDelta] = []

    def start(self, info: Mapping[str, Any]) -> None:
        pass

    def list_delta(self, delta: ListDelta) -> None:
        self._deltas.append(delta)

    def result(self, result: CheckResult) -> None:
        self._tests += 1
        classname = quoteattr(f"{result.resource}.{result.cluster}")
        head = f"  <testcase classname={classname} name={quoteattr(result.id)}>"
        if result.verdict is Verdict.ERROR:
            self._errors += 1
            body = f'<error message={quoteattr(result.error or "error")} type="error"/>'
        elif result.failed:
            self._failures += 1
            lines = "\n".join(
                f"{d.field}: {d.kind.value} old={d.old!r} new={d.new!r}" for d in result.differences
            )
            body = (
                f"<failure message={quoteattr(result.verdict.value + ': ' + describe(result))} "
                f"type={quoteattr(result.verdict.value)}>{escape(lines)}</failure>"
            )
        elif result.verdict in (Verdict.OLD_RETIRED, Verdict.ONLY_IN_NEW):
            why = (
                "retired family answered HTTP "
                if result.verdict is Verdict.OLD_RETIRED
                else (
                    "only the replacement knows this ID; the retired family's list does not hold it and its "
                    "item answered HTTP "
                )
            )
            body = (
                f"<system-out>{escape(why + str(result.old_status))}; "
                "replacement validated against its schema</system-out>"
            )
        else:
            body = ""
        self._spool.write(f"{head}{body}</testcase>\n")

    def finish(self, summary: RunSummary) -> None:
        cases = []
        for d in self._deltas:
            name = quoteattr(f"list {d.cluster}")
            classname = quoteattr(d.resource)
            if d.failed:
                msg = f"{len(d.only_in_old)} ID(s) listed by the retired family only: {', '.join(d.only_in_old[:10])}"
                cases.append(
                    f'  <testcase classname={classname} name={name}><failure message={quoteattr(msg)} type="list"/></testcase>\n'
                )
                self._failures += 1
            else:
                cases.append(f"  <testcase classname={classname} name={name}/>\n")
            self._tests += 1
        out = self.out
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        out.write(
            f'<testsuite name="flexmigrate check" tests="{self._tests}" failures="{self._failures}" '
            f'errors="{self._errors + (1 if summary.interrupted else 0)}" skipped="0">\n'
        )
        self._spool.seek(0)
        for line in self._spool:
            out.write(line)
        self._spool.close()
        out.writelines(cases)
        out.write("</testsuite>\n</testsuites>\n")
