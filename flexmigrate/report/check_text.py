"""``flexmigrate check`` on a terminal: a live progress bar and a summary table (rich).

The summary gives counts per verdict and, per field, how often it was compared and how often it
differed (with the rate against ``--max-mismatch-rate``); ``--show-ids`` adds one row per ID, otherwise
only the first IDs that did not match are listed.
"""

from __future__ import annotations

import tempfile
from typing import Any, Mapping, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from flexmigrate.report.check_output import describe
from flexmigrate.models.check_results import CheckResult, ListDelta, RunSummary, Verdict

STYLE = {
    "match": "green",
    "mismatch": "red",
    "old-retired": "yellow",
    "only-in-new": "yellow",
    "missing-in-new": "red",
    "error": "magenta",
}
FAILING_ROWS_SHOWN = 20
# Verdicts that need no row of their own unless a schema difference failed them.
QUIET = (Verdict.MATCH, Verdict.OLD_RETIRED, Verdict.ONLY_IN_NEW)


class TextRenderer:
    def __init__(self, out: TextIO, show_ids: bool = False, color: bool | None = None) -> None:
        self.console = Console(
            file=out, no_color=color is False, force_terminal=color, width=120 if not out.isatty() else None
        )
        self.show_ids = show_ids
        self._rows = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._hidden = 0
        self._shown = 0

    def start(self, info: Mapping[str, Any]) -> None:
        pass

    def list_delta(self, delta: ListDelta) -> None:
        pass

    def result(self, result: CheckResult) -> None:
        interesting = result.verdict not in QUIET or result.failed
        if not self.show_ids and (not interesting or self._shown >= FAILING_ROWS_SHOWN):
            self._hidden += interesting
            return
        self._shown += 1
        detail = describe(result) if interesting else ""
        self._rows.write(
            "\t".join([result.cluster, result.id, result.verdict.value, detail.replace("\t", " ")]) + "\n"
        )

    def finish(self, summary: RunSummary) -> None:
        c = self.console
        counts = Table(title="Verdicts", show_edge=False)
        counts.add_column("verdict")
        counts.add_column("IDs", justify="right")
        for name, n in summary.counts.items():
            counts.add_row(f"[{STYLE[name]}]{name}[/]", str(n))
        counts.add_row("[bold]total[/]", f"[bold]{summary.total}[/]")
        c.print(counts)
        if summary.fields:
            fields = Table(title="Fields", show_edge=False)
            for col in ("field", "compared", "mismatched", "rate", "volatile", "ignored", "kinds"):
                fields.add_column(col, justify="left" if col in ("field", "kinds") else "right")
            limit = summary.max_mismatch_rate
            for name, st in sorted(summary.fields.items()):
                over = st.mismatched and (limit is None or st.rate > limit)
                rate = f"[red]{st.rate:.2%}[/]" if over else f"{st.rate:.2%}"
                kinds = ", ".join(f"{k} {n}" for k, n in sorted(st.kinds.items()))
                fields.add_row(
                    name, str(st.compared), str(st.mismatched), rate, str(st.volatile), str(st.ignored), kinds
                )
            c.print(fields)
        for d in summary.lists:
            if d.only_in_old or d.only_in_new:
                c.print(
                    f"list {d.resource} {d.cluster}: {len(d.only_in_old)} only in retired, "
                    f"{len(d.only_in_new)} only in replacement"
                )
        for path, count in sorted(summary.hypermedia.items()):
            c.print(f"hypermedia (not data): {path} differs for {count} ID(s)", highlight=False)
        for p in summary.problems:
            c.print(f"[magenta]problem:[/] {p}", markup=True, highlight=False)
        self._rows.seek(0)
        rows = [line.rstrip("\n").split("\t") for line in self._rows]
        self._rows.close()
        if rows:
            ids = Table(title="IDs", show_edge=False)
            for col in ("cluster", "id", "verdict", "detail"):
                ids.add_column(col)
            for cluster, item, verdict, detail in rows:
                ids.add_row(cluster, item, f"[{STYLE[verdict]}]{verdict}[/]", detail)
            c.print(ids)
        if self._hidden:
            c.print(f"... and {self._hidden} more ID(s) that did not match (--show-ids lists all)")
        outcome = {0: "[green]parity[/]", 1: "[red]differences[/]", 2: "[magenta]incomplete[/]"}[
            summary.exit_code
        ]
        extra = " (interrupted)" if summary.interrupted else ""
        c.print(f"{summary.total} ID(s) checked: {outcome}{extra}; seed {summary.settings.get('seed')}")


class ProgressDisplay:
    """A live progress bar on a terminal (stderr), removed when the run ends."""

    def __init__(self, stream: TextIO) -> None:
        self.console = Console(file=stream)
        self.progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[bad]} not matching"),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self._task: Any = None
        self._bad = 0

    def start(self, info: Mapping[str, Any]) -> None:
        self.progress.start()
        self._task = self.progress.add_task("check", total=info.get("total") or None, bad=0)

    def list_delta(self, delta: ListDelta) -> None:
        pass

    def result(self, result: CheckResult) -> None:
        if result.verdict not in QUIET or result.failed:
            self._bad += 1
        self.progress.update(self._task, advance=1, bad=self._bad)

    def finish(self, summary: RunSummary) -> None:
        self.progress.stop()
