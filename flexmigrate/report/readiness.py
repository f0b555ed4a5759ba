"""The readiness report: ``scan --format markdown|html``, ``merge`` and ``flexmigrate report``.

One page for the team: how long ago the endpoints were retired, what is left in the code by
operation, file type, repository, rule and file, what ``fix`` would apply, exactly what needs a
human and why, and (from check reports) what the data check proved and with what sample.  The HTML
page is self-contained (inline style, charts as inline SVG, no script, no network), prints well,
and is well-formed enough to parse as XML.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import Sequence, TextIO

from flexmigrate import __version__
from flexmigrate.catalog import load_catalog
from flexmigrate.models.findings import Finding
from flexmigrate.models.scan_results import ScanResult
from flexmigrate.report.check_digest import VERDICTS, CheckDigest

KINDS = ("safe", "unsafe", "manual", "applied")
TITLE = "Retired Atlas backup endpoints: readiness"


@dataclass
class Audit:
    sunset: str
    days_since: int
    findings: list[Finding]
    errors: list[tuple[str, str]]
    files: int
    checks: tuple[CheckDigest, ...] = ()
    dry_run: bool = False  # a scan report came from fix --check/--diff: "applied" was not written

    @property
    def matched(self) -> int:
        """IDs the data checks matched, over every check report."""
        return sum(c.matched for c in self.checks)

    @property
    def checked(self) -> int:
        return sum(c.checked for c in self.checks)

    @property
    def remaining(self) -> list[Finding]:
        return [f for f in self.findings if not f.applied]

    def by(self, key) -> list[tuple[str, Counter[str]]]:
        table: dict[str, Counter[str]] = {}
        for f in self.findings:
            table.setdefault(key(f), Counter())[f.fix_label] += 1
        return sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))


def audit_of(result: ScanResult, today: _dt.date | None = None, checks: Sequence[CheckDigest] = ()) -> Audit:
    sunset = load_catalog().sunset
    today = today or _dt.date.today()
    return Audit(
        sunset=sunset,
        days_since=(today - _dt.date.fromisoformat(sunset)).days,
        findings=sorted(result.findings, key=lambda f: (f.repository or "", *f.sort_key())),
        errors=[(str(p), m) for p, m in result.errors],
        files=len(result.files),
        checks=tuple(checks),
        dry_run=result.dry_run,
    )


def _where(f: Finding) -> str:
    return f"{f.repository}/{f.path}" if f.repository else f.path


def _operation(f: Finding) -> str:
    return (
        f"{f.operation} -> {f.replacement}" if f.operation and f.replacement else (f.operation or "(wrapper)")
    )


def _sunset_line(a: Audit) -> str:
    when = f"{a.days_since} days ago" if a.days_since >= 0 else f"in {-a.days_since} days"
    return f"The M2/M5 (tenant) backup endpoints were retired on {a.sunset}, {when}."


def _tables(a: Audit) -> list[tuple[str, str, list[tuple[str, Counter[str]]]]]:
    tables = [
        ("By operation", "retired -> replacement", a.by(_operation)),
        ("By file type", "file type", a.by(lambda f: f.language or "python")),
    ]
    if any(f.repository for f in a.findings):
        tables.append(("By repository", "repository", a.by(lambda f: f.repository or "-")))
    tables.append(("By rule", "rule", a.by(lambda f: f.rule)))
    tables.append(("By file", "file", a.by(_where)))
    return tables


def _next_steps(a: Audit) -> list[str]:
    kinds = Counter(f.fix_label for f in a.findings)
    steps = []
    if kinds["safe"]:
        steps.append(f"`flexmigrate fix` applies {kinds['safe']} safe fix(es).")
    if kinds["unsafe"]:
        steps.append(
            f"`flexmigrate fix --unsafe-fixes` applies {kinds['unsafe']} more, after a look at each."
        )
    if kinds["manual"]:
        steps.append(f"{kinds['manual']} finding(s) need a human: the list below says where and why.")
    if a.errors:
        steps.append(f"{len(a.errors)} file(s) could not be looked at: see the last section.")
    steps.extend(_check_steps(a.checks))
    if kinds["applied"] and a.dry_run:
        steps.insert(
            0,
            f"A report is a dry run (`fix --check` or `--diff`): its {kinds['applied']} "
            '"applied" fix(es) were not written; run `flexmigrate fix` to apply them.',
        )
    elif kinds["applied"]:
        steps.insert(0, f"`flexmigrate fix` applied {kinds['applied']} fix(es); they are counted as applied.")
    if not a.files:
        steps.insert(0, "No scan report is in this report: it says nothing about the code.")
    elif not a.remaining and not a.errors and not a.dry_run:
        steps.insert(0, "Nothing calls a retired endpoint any more.")
    return steps


def _check_steps(checks: Sequence[CheckDigest]) -> list[str]:
    if not checks:
        return [
            "No data check is in this report: prove the Flex answers with `flexmigrate check "
            "--json-report check.json` (docs/checker.md), and add that report here."
        ]
    steps = []
    failed = sum(c.failed for c in checks)
    unfinished = [c.name for c in checks if not c.complete]
    if failed:
        steps.append(
            f"The data check found {failed} ID(s) whose Flex answer differs: see what it proved, below."
        )
    unchecked = sum(c.unchecked for c in checks)
    if unchecked:
        steps.append(f"{unchecked} ID(s) could not be checked (error): nothing is proven about them.")
    if unfinished:
        steps.append(f"Check run(s) that did not finish: {', '.join(unfinished)}. Run them again.")
    if not failed and not unfinished and not unchecked:
        checked = sum(c.checked for c in checks)
        steps.append(
            f"The data check compared {checked} restore job(s) and snapshot(s): the Flex endpoints "
            "return the same data."
        )
    return steps


def _sample_line(c: CheckDigest) -> str:
    where = f"project {c.group_id}" if c.group_id else "the project"
    if c.clusters:
        where += f", cluster(s) {', '.join(c.clusters)}"
    drawn = f"a sample of {c.sample} per cluster and resource" if c.sample else "every ID asked for"
    seed = f" (seed {c.seed})" if c.seed is not None else ""
    baseline = f"; {c.from_baseline} compared with recorded baselines" if c.from_baseline else ""
    if c.parity:
        state = "parity"
    elif not c.complete:
        state = "did not finish"
    else:
        state = "differences" if c.failed else f"{c.unchecked} not checked"
    return f"{c.name}: {where}; {drawn}{seed}{baseline}. {c.matched} of {c.checked} matched: {state}."


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(
    result: ScanResult, out: TextIO, today: _dt.date | None = None, checks: Sequence[CheckDigest] = ()
) -> None:
    a = audit_of(result, today, checks)
    kinds = Counter(f.fix_label for f in a.findings)
    w = out.write
    w(f"# {TITLE}\n\n")
    w(f"{_sunset_line(a)} flexmigrate {__version__} looked at {a.files} file(s).\n\n")
    w("| safe | unsafe | manual | applied | files not looked at |\n| ---: | ---: | ---: | ---: | ---: |\n")
    w(
        f"| {kinds['safe']} | {kinds['unsafe']} | {kinds['manual']} | {kinds['applied']} | {len(a.errors)} |\n\n"
    )
    if a.checks:
        w(f"Data check: {a.matched} of {a.checked} restore job(s) and snapshot(s) matched.\n\n")
    w("## Next steps\n\n" + "".join(f"- {step}\n" for step in _next_steps(a)) + "\n")
    for title, head, rows in _tables(a) if a.findings else []:
        w(f"## {title}\n\n| {head} | " + " | ".join(KINDS) + " | total |\n")
        w("| --- |" + " ---: |" * (len(KINDS) + 1) + "\n")
        for name, counts in rows:
            w(
                f"| {_md_cell(name)} | "
                + " | ".join(str(counts[k]) for k in KINDS)
                + f" | {sum(counts.values())} |\n"
            )
        w("\n")
    manual = [f for f in a.findings if f.fix_label == "manual"]
    if manual:
        w("## What needs a human, and why\n\n| where | rule | why |\n| --- | --- | --- |\n")
        for f in manual:
            w(f"| {_md_cell(_where(f))}:{f.line} | {f.rule} | {_md_cell(f.message)} |\n")
        w("\n")
    if a.checks:
        w("## What the data check proved\n\n")
        for c in a.checks:
            w(f"{_md_cell(_sample_line(c))}\n\n| endpoint pair | " + " | ".join(VERDICTS) + " |\n")
            w("| --- |" + " ---: |" * len(VERDICTS) + "\n")
            for pair, counts in c.verdicts.items():
                w(f"| {_md_cell(pair)} | " + " | ".join(str(counts[v]) for v in VERDICTS) + " |\n")
            w("\n")
            if c.differing_fields:
                w("| field that differed | IDs | of compared |\n| --- | ---: | ---: |\n")
                for name, mismatched, compared in c.differing_fields:
                    w(f"| {_md_cell(name)} | {mismatched} | {compared} |\n")
                w("\n")
            for problem in c.problems:
                w(f"- {_md_cell(problem)}\n")
            if c.problems:
                w("\n")
    if a.errors:
        w("## Files not looked at\n\n| file | why |\n| --- | --- |\n")
        for path, message in a.errors:
            w(f"| {_md_cell(path)} | {_md_cell(message)} |\n")
        w("\n")


_COLOURS = {"safe": "#2e7d32", "unsafe": "#ef6c00", "manual": "#c62828", "applied": "#1565c0"}
_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1b1b1b; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th, td.n { white-space: nowrap; }
svg { max-width: 100%; height: auto; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.totals { display: flex; gap: 1rem; flex-wrap: wrap; }
.total { border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1rem; }
.total b { display: block; font-size: 1.5rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


_VERDICT_COLOURS = {
    "match": "#2e7d32",
    "mismatch": "#c62828",
    "old-retired": "#757575",
    "missing-in-new": "#ad1457",
    "only-in-new": "#1565c0",
    "error": "#ef6c00",
}


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _bars(
    rows: list[tuple[str, Counter[str]]],
    label: str,
    kinds: Sequence[str] = KINDS,
    colours: dict[str, str] = _COLOURS,
) -> str:
    """A horizontal stacked bar chart as inline SVG: one bar per row, one colour per kind."""
    if not rows:
        return ""
    rows = rows[:12]
    top = max(sum(c.values()) for _, c in rows) or 1
    height = 22 * len(rows) + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="760" height="{height}" '
        f'viewBox="0 0 760 {height}"><title>{escape(label)}</title>'
    ]
    for i, (name, counts) in enumerate(rows):
        y = 22 * i
        parts.append(f'<text x="0" y="{y + 15}" font-size="11">{escape(_fit(name, 60))}</text>')
        x = 390.0
        for kind in kinds:
            width = 340 * counts[kind] / top
            if width:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="14" fill="{colours[kind]}">'
                    f"<title>{kind}: {counts[kind]}</title></rect>"
                )
                x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11">{sum(counts.values())}</text>')
    legend_y = 22 * len(rows) + 18
    step = 720 // len(kinds)
    for j, kind in enumerate(kinds):
        parts.append(
            f'<rect x="{10 + step * j}" y="{legend_y - 10}" width="10" height="10" fill="{colours[kind]}"/>'
            f'<text x="{24 + step * j}" y="{legend_y}" font-size="11">{kind}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(
    result: ScanResult, out: TextIO, today: _dt.date | None = None, checks: Sequence[CheckDigest] = ()
) -> None:
    a = audit_of(result, today, checks)
    kinds = Counter(f.fix_label for f in a.findings)
    w = out.write
    w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n')
    w('<meta name="viewport" content="width=device-width, initial-scale=1"/>\n')
    w(f"<title>{TITLE}</title>\n")
    w(f"<style>{_STYLE}</style>\n</head>\n<body>\n")
    w(f"<h1>{TITLE}</h1>\n")
    w(f"<p>{escape(_sunset_line(a))} flexmigrate {escape(__version__)} looked at {a.files} file(s).</p>\n")
    w('<div class="totals">')
    for kind in KINDS:
        w(f'<div class="total" style="border-color:{_COLOURS[kind]}"><b>{kinds[kind]}</b>{kind}</div>')
    w(f'<div class="total"><b>{len(a.errors)}</b>not looked at</div>')
    if a.checks:
        colour = _VERDICT_COLOURS["match" if all(c.parity for c in a.checks) else "mismatch"]
        w(f'<div class="total" style="border-color:{colour}"><b>{a.matched}/{a.checked}</b>IDs matched</div>')
    w("</div>\n")
    steps = (re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(step)) for step in _next_steps(a))
    w("<h2>Next steps</h2>\n<ul>" + "".join(f"<li>{step}</li>" for step in steps) + "</ul>\n")
    for title, head, rows in _tables(a) if a.findings else []:
        w(f"<h2>{escape(title)}</h2>\n")
        if title in ("By operation", "By file type", "By repository"):
            w(_bars(rows, title) + "\n")
        w(f"<table><thead><tr><th>{escape(head)}</th>" + "".join(f"<th>{k}</th>" for k in KINDS))
        w("<th>total</th></tr></thead><tbody>\n")
        for name, counts in rows:
            cells = "".join(f'<td class="n">{counts[k]}</td>' for k in KINDS)
            w(f'<tr><td>{escape(name)}</td>{cells}<td class="n">{sum(counts.values())}</td></tr>\n')
        w("</tbody></table>\n")
    manual = [f for f in a.findings if f.fix_label == "manual"]
    if manual:
        w(
            "<h2>What needs a human, and why</h2>\n<table><thead><tr><th>where</th><th>rule</th><th>why</th></tr>"
        )
        w("</thead><tbody>\n")
        for f in manual:
            w(
                f"<tr><td>{escape(_where(f))}:{f.line}</td><td>{f.rule}</td><td>{escape(f.message)}</td></tr>\n"
            )
        w("</tbody></table>\n")
    if a.checks:
        w("<h2>What the data check proved</h2>\n")
        for c in a.checks:
            w(f"<p>{escape(_sample_line(c))}</p>\n")
            w(_bars(list(c.verdicts.items()), f"Verdicts of {c.name}", VERDICTS, _VERDICT_COLOURS) + "\n")
            w("<table><thead><tr><th>endpoint pair</th>" + "".join(f"<th>{v}</th>" for v in VERDICTS))
            w("</tr></thead><tbody>\n")
            for pair, counts in c.verdicts.items():
                cells = "".join(f'<td class="n">{counts[v]}</td>' for v in VERDICTS)
                w(f"<tr><td>{escape(pair)}</td>{cells}</tr>\n")
            w("</tbody></table>\n")
            if c.differing_fields:
                w("<table><thead><tr><th>field that differed</th><th>IDs</th><th>of compared</th></tr>")
                w("</thead><tbody>\n")
                for name, mismatched, compared in c.differing_fields:
                    w(
                        f'<tr><td>{escape(name)}</td><td class="n">{mismatched}</td><td class="n">{compared}</td></tr>\n'
                    )
                w("</tbody></table>\n")
            if c.problems:
                w("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in c.problems) + "</ul>\n")
    if a.errors:
        w("<h2>Files not looked at</h2>\n<table><thead><tr><th>file</th><th>why</th></tr></thead><tbody>\n")
        for path, message in a.errors:
            w(f"<tr><td>{escape(path)}</td><td>{escape(message)}</td></tr>\n")
        w("</tbody></table>\n")
    w("</body>\n</html>\n")
