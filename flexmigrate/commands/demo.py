"""``flexmigrate demo``: the whole job on the built-in sample codebase and the local sandbox.

1. copy the sample codebase (``flexmigrate/samples/restore_tool``) to a working folder;
2. ``scan`` it, show ``fix --diff``, apply the safe fixes to the copy, ``scan`` what remains;
3. start the Atlas sandbox on a free loopback port and run ``check`` against it, so the parity
   report shows what a team would see before switching; then once more with the sandbox's drift
   injection on, to show what a difference looks like.  The demo fails (exit 2) if the first check
   does not prove parity or the second does not catch the drift.

The packaged sample is never modified.  Sandbox credentials are test values of the sandbox's own;
they reach the checker through the environment, as real credentials would.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

from flexmigrate.models.exits import EXIT_ERROR, EXIT_OK

SAMPLE = "restore_tool"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run scan, fix and check on the built-in sample and the local sandbox")
    p.add_argument(
        "--workdir", metavar="DIR", help="copy the sample here and keep it (default: a temporary folder)"
    )
    p.add_argument("--seed", type=int, default=7, help="sandbox data and sample seed (default: 7)")
    p.add_argument("--skip-check", action="store_true", help="only scan and fix the sample")
    p.set_defaults(func=run)


def _heading(text: str) -> None:
    from rich.console import Console

    Console(stderr=False, highlight=False).rule(f"[bold]{text}")
    sys.stdout.flush()


def copy_sample(dest: Path) -> Path:
    """Copy the packaged sample codebase into ``dest`` and return the copy's folder."""
    target = dest / SAMPLE
    source = resources.files("flexmigrate").joinpath("samples", SAMPLE)
    with resources.as_file(source) as src:
        shutil.copytree(src, target, dirs_exist_ok=True)
    return target


@contextmanager
def _workdir(path: str | None) -> Iterator[Path]:
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        yield Path(path)
    else:
        with tempfile.TemporaryDirectory(prefix="flexmigrate-demo-") as tmp:
            yield Path(tmp)


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


def _check_against_sandbox(seed: int, *, drift: tuple = (), title: str = "") -> int:
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
                ]
            )


def run(args: argparse.Namespace) -> int:
    from flexmigrate.commands import run as main

    with _workdir(args.workdir) as work:
        code_dir = copy_sample(work)
        target = str(code_dir)
        _heading("1. scan: calls of retired endpoints in the sample codebase")
        main(["scan", target])
        _heading("2. fix --diff: what the safe fixes change")
        main(["fix", "--diff", target])
        _heading("3. fix: apply them to the copy, then scan what is left for a human")
        main(["fix", target])
        if args.skip_check:
            return EXIT_OK
        _heading("4. check: does the Flex endpoint return the same data? (local sandbox)")
        code = _check_against_sandbox(args.seed)
        _heading("5. check again, with the sandbox told to make the Flex status drift for some jobs")
        from flexmigrate.sandbox import DriftRule

        drifted = _check_against_sandbox(
            args.seed, drift=(DriftRule(field="status", fraction=0.4),), title=" (drift: status)"
        )
        if code != 0 or drifted != 1:  # parity first, then the drift must be caught
            return EXIT_ERROR
        if args.workdir:
            print(f"the migrated copy is in {code_dir}")
    return EXIT_OK
