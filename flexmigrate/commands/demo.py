"""``flexmigrate demo``: the whole job on the built-in sample project and the local sandbox, offline.

1. copy the sample project (``flexmigrate/samples/restore_tool``: hand-written HTTP in Python, a
   Pulumi program, a Terraform module, a notebook, a runbook with curl and the Atlas CLI, a CI
   workflow, a script running the Atlas CLI) to a folder, and say where;
2. ``scan`` it, show ``fix --diff``, apply the safe fixes to the copy;
3. start the Atlas sandbox on a free loopback port and run ``check`` against it, then once more
   with drift injected into the Flex answers, which must be caught;
4. write the readiness report (``flexmigrate report``) beside the copy and end with a summary:
   what was migrated, what needs a human and why (file and line), what the check proved, and the
   next command to run on one's own code.

Each step states what it must show; the demo exits 2 naming the first that did not.  The packaged
sample is never modified.  Sandbox credentials are the sandbox's own test values; they reach the
checker through the environment, as real credentials would.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

from flexmigrate.models.exits import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

SAMPLE = "restore_tool"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="scan, fix and check the built-in sample project against the local sandbox (offline)",
        description="Copy the bundled sample project to a folder, scan it, show and apply the safe "
        "fixes, check the data against a local Atlas sandbox (and once more with drift injected), "
        "write the readiness report, and sum up. Offline. Exit 2 if a step does not show what it must.",
    )
    p.add_argument("--workdir", metavar="DIR", help="copy the sample here (default: a new temporary folder)")
    p.add_argument("--seed", type=int, default=7, help="sandbox data and sample seed (default: 7)")
    p.add_argument("--skip-check", action="store_true", help="only scan and fix the sample")
    p.set_defaults(func=run)


def _heading(text: str) -> None:
    from rich.console import Console

    Console(stderr=False, highlight=False).rule(f"[bold]{text}")
    sys.stdout.flush()


def copy_sample(dest: Path) -> Path:
    """Copy the packaged sample project into ``dest`` and return the copy's folder."""
    target = dest / SAMPLE
    source = resources.files("flexmigrate").joinpath("samples", SAMPLE)
    with resources.as_file(source) as src:
        shutil.copytree(src, target, dirs_exist_ok=True)
    return target


@contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class DemoFailed(Exception):
    """A step did not show what it must."""


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise DemoFailed(what)


def _check_against_sandbox(seed: int, report: Path, *, drift: tuple = (), title: str = "") -> int:
    """Start a sandbox (with ``drift`` rules, if any) and run ``flexmigrate check`` against it."""
    from flexmigrate.commands import run as main
    from flexmigrate.sandbox import SandboxConfig, serve_in_background

    with serve_in_background(SandboxConfig(seed=seed, drift=drift)) as sb:
        cluster = sb.dataset.first_cluster()
        print(
            f"sandbox at {sb.base_url}{title}; checking project {cluster.project_id}, cluster {cluster.name}"
        )
        creds = {
            "MONGODB_ATLAS_PUBLIC_API_KEY": sb.credentials.public_key,
            "MONGODB_ATLAS_PRIVATE_API_KEY": sb.credentials.private_key,
        }
        with _environ(creds):
            return main(
                [
                    "check",
                    "--base-url",
                    sb.base_url,
                    "--group-id",
                    cluster.project_id,
                    "--cluster",
                    cluster.name,
                    "--snapshots",
                    "--seed",
                    str(seed),
                    "--no-progress",
                    "--json-report",
                    str(report),
                ]
            )


def _digest(report: Path):
    from flexmigrate.report.check_digest import digest_check
    from flexmigrate.report.check_json import read_report

    return digest_check(read_report(report), report.name)


def _demo(args: argparse.Namespace, work: Path) -> int:
    from flexmigrate.commands import run as main
    from flexmigrate.scan.pipeline import ScanOptions, scan

    code_dir = copy_sample(work)
    target = code_dir.name  # the demo runs in ``work``, so paths read restore_tool/...
    print(f"The sample project is copied to {code_dir}; the packaged one is never changed.")

    _heading("1. scan: calls of retired endpoints in the sample project")
    before = scan([Path(target)], ScanOptions())
    kinds = Counter(f.fix_label for f in before.findings)
    languages = {f.language or "python" for f in before.findings}
    _expect(
        main(["scan", "--format", "concise", target]) == EXIT_FINDINGS,
        "scan must report the sample's calls (exit 1)",
    )
    _expect(len(languages) >= 5, f"scan must reach every file type of the sample, saw {sorted(languages)}")

    _heading("2. fix --diff: what the safe fixes change")
    _expect(main(["fix", "--diff", target]) == EXIT_FINDINGS, "fix --diff must show a patch (exit 1)")

    _heading("3. fix: apply them to the copy; what is left needs --unsafe-fixes or a human")
    from flexmigrate.report.scan_json import render_json
    from flexmigrate.report.scan_text import render_concise

    fixed = scan([Path(target)], ScanOptions(fix=True, write=True))
    render_concise(fixed, sys.stdout)
    scan_report = work / "scan.json"
    with scan_report.open("w", encoding="utf-8") as handle:
        render_json(fixed, handle)  # the fixes applied and what remains, for the readiness report
    applied = [f for f in fixed.findings if f.applied]
    _expect(not fixed.errors, f"fix must leave every file readable: {fixed.errors}")
    _expect(
        len(applied) == kinds["safe"],
        f"fix must apply all {kinds['safe']} safe fixes, applied {len(applied)}",
    )
    after = scan([Path(target)], ScanOptions())
    left = Counter(f.fix_label for f in after.findings)
    _expect(
        left["safe"] == 0 and left["manual"] == kinds["manual"] and left["unsafe"] == kinds["unsafe"],
        f"after fix only the unsafe and manual findings may remain: {dict(left)}",
    )

    checks = []
    if not args.skip_check:
        _heading("4. check: does the Flex endpoint return the same data? (local sandbox)")
        parity = work / "check.json"
        code = _check_against_sandbox(args.seed, parity)
        checks.append(_digest(parity))
        _expect(
            code == EXIT_OK and checks[0].parity, "the check against the sandbox must prove parity (exit 0)"
        )

        _heading("5. check again, with drift injected into the Flex answers")
        from flexmigrate.sandbox import DriftRule

        drifted_report = work / "check-drift.json"
        drifted = _check_against_sandbox(
            args.seed,
            drifted_report,
            drift=(DriftRule(field="status", fraction=0.4),),
            title=" (drift: status)",
        )
        drift = _digest(drifted_report)
        _expect(
            drifted == EXIT_FINDINGS and any(f == "status" for f, _, _ in drift.differing_fields),
            "the check must catch the injected drift in 'status' (exit 1)",
        )

    _heading("6. readiness")
    page = work / "readiness.html"
    page.unlink(missing_ok=True)  # a page left by an earlier run in --workdir proves nothing
    reports = [str(scan_report)] + ([str(work / "check.json")] if checks else [])
    written = main(["report", "--format", "html", "-o", str(page), *reports])
    _expect(written in (EXIT_OK, EXIT_FINDINGS) and page.is_file(), "the readiness report must be written")
    _summary(code_dir, before, applied, after, checks, drift if checks else None, page)
    return EXIT_OK


def _summary(code_dir: Path, before, applied, after, checks, drift, page: Path) -> None:
    def where(path: str) -> str:
        return os.path.relpath(path, code_dir.parent) if os.path.isabs(path) else path

    files = Counter(f.language or "python" for f in applied)
    print(
        f"Migrated: {len(applied)} safe fix(es) applied in {len({f.path for f in applied})} file(s) "
        f"({', '.join(f'{lang} {n}' for lang, n in files.most_common())})."
    )
    unsafe = [f for f in after.findings if f.fix_label == "unsafe"]
    if unsafe:
        print(f"Waiting for --unsafe-fixes, after a look at each: {len(unsafe)}.")
        for f in unsafe:
            print(f"  {where(f.path)}:{f.line}  {f.rule}  {f.message}")
    manual = [f for f in after.findings if f.fix_label == "manual"]
    print(f"Needs a human: {len(manual)}.")
    for f in manual:
        print(f"  {where(f.path)}:{f.line}  {f.rule}  {f.message}")
    for c in checks:
        for pair, counts in c.verdicts.items():
            print(f"Data check {pair}: {counts['match']} of {sum(counts.values())} matched.")
        print(f"  sample: up to {c.sample} per cluster and resource, seed {c.seed}: parity.")
    if drift is not None:
        caught = ", ".join(f"{name} in {n} of {of}" for name, n, of in drift.differing_fields)
        print(f"With drift injected, the check caught {drift.failed} differing ID(s) ({caught}).")
    print(f"Readiness report: {page}")
    print(
        "Next, on your own code:  flexmigrate scan path/to/your/repo   then   flexmigrate fix --diff path/to/your/repo"
    )


def run(args: argparse.Namespace) -> int:
    if args.workdir:
        work = Path(args.workdir).resolve()  # the demo runs inside it
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="flexmigrate-demo-"))
    cwd = os.getcwd()
    try:
        os.chdir(work)
        return _demo(args, work)
    except DemoFailed as exc:
        print(f"flexmigrate demo: a step did not show what it must: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        os.chdir(cwd)
        if not args.workdir:
            print(f"(the copy, its reports and the readiness page stay in {work}; delete it when done)")
