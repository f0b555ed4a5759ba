"""``flexmigrate check --format markdown``: an audit record of one parity check.

Settings (group, clusters, sample, seed), counts per verdict, per-field mismatch statistics, the list
comparison, and a table of IDs (those that did not match; every ID with ``--show-ids``).  Rows are
spooled to a temporary file as results arrive and copied in at the end.
"""

from __future__ import annotations

import tempfile
from typing import Any, Mapping, TextIO

from flexmigrate.report.check_output import describe
from flexmigrate.models.check_results import CheckResult, ListDelta, RunSummary, Verdict


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


class MarkdownRenderer:
    def __init__(self, out: TextIO, show_ids: bool = False) -> None:
        self.out = out
        self.show_ids = show_ids
        self._rows = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._info: Mapping[str, Any] = {}

    def start(self, info: Mapping[str, Any]) -> None:
        self._info = dict(info)

    def list_delta(self, delta: ListDelta) -> None:
        pass  # kept in the summary

    def result(self, result: CheckResult) -> None:
        if (
            not self.show_ids
            and result.verdict in (Verdict.MATCH, Verdict.OLD_RETIRED, Verdict.ONLY_IN_NEW)
            and not result.failed
        ):
            return
        self._rows.write(
            f"| {_cell(result.cluster)} | `{result.id}` | {result.verdict.value} | {_cell(describe(result))} |\n"
        )

    def finish(self, summary: RunSummary) -> None:
        w = self.out.write
        s = summary.settings
        w("# Flex parity check\n\n")
        w(f"- Project (group): `{s.get('group_id')}`\n")
        w(f"- Clusters: {', '.join(f'`{c}`' for c in s.get('clusters', [])) or '-'}\n")
        w(f"- Resources: {', '.join(s.get('resources', []))}\n")
        w(f"- Sample: {s.get('sample') or 'all'} (seed {s.get('seed')})\n")
        if s.get("baseline"):
            w(f"- Retired family from baseline: `{s['baseline']}`\n")
        w(f"- Noise fetch: {'yes' if s.get('noise_fetch') else 'no'}\n")
        verdict = (
            "PARITY"
            if summary.exit_code == 0
            else ("DIFFERENCES" if summary.exit_code == 1 else "INCOMPLETE")
        )
        w(f"- Outcome: **{verdict}** (exit code {summary.exit_code})")
        w(" — interrupted\n\n" if summary.interrupted else "\n\n")
        w("## Verdicts\n\n| verdict | IDs |\n|---|---:|\n")
        for name, n in summary.counts.items():
            w(f"| {name} | {n} |\n")
        w(f"| **total** | **{summary.total}** |\n\n")
        if summary.fields:
            w("## Fields\n\n| field | compared | mismatched | rate | volatile | ignored | kinds |\n")
            w("|---|---:|---:|---:|---:|---:|---|\n")
            for name, st in sorted(summary.fields.items()):
                kinds = ", ".join(f"{k} {n}" for k, n in sorted(st.kinds.items()))
                w(
                    f"| `{name}` | {st.compared} | {st.mismatched} | {st.rate:.2%} | {st.volatile} | {st.ignored} | {kinds} |\n"
                )
            w("\n")
        if summary.lists:
            w("## Lists\n\n| list | cluster | only in retired | only in replacement |\n|---|---|---:|---:|\n")
            for d in summary.lists:
                old = str(len(d.only_in_old)) if d.old_available else "retired"
                w(f"| {d.resource} | {_cell(d.cluster)} | {old} | {len(d.only_in_new)} |\n")
            w("\n")
        if summary.hypermedia:
            w("## Hypermedia (not data)\n\n| field | IDs where it differs |\n|---|---:|\n")
            for path, count in sorted(summary.hypermedia.items()):
                w(f"| {_cell(path)} | {count} |\n")
            w("\n")
        if summary.problems:
            w("## Problems\n\n" + "".join(f"- {_cell(p)}\n" for p in summary.problems) + "\n")
        self._rows.seek(0)
        rows = self._rows.read()
        self._rows.close()
        if rows:
            w("## IDs\n\n| cluster | id | verdict | detail |\n|---|---|---|---|\n" + rows + "\n")
