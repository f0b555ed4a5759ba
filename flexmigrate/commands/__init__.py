"""The subcommands: each module parses its own arguments and calls one function of a pipeline.

Each module exposes ``register(subparsers)``; :func:`build_parser` wires them in the order
``--help`` lists them and :func:`run` maps the outcome to an exit code (``models.exits``).  A
subcommand module is imported only to register it; the pipelines it drives are imported when it
runs, so ``flexmigrate --version`` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from flexmigrate import __version__
from flexmigrate.models.exits import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, UsageError

# Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = (
    "flexmigrate.commands.scan",
    "flexmigrate.commands.merge",
    "flexmigrate.commands.report",
    "flexmigrate.commands.check",
    "flexmigrate.commands.sandbox",
    "flexmigrate.commands.catalog",
    "flexmigrate.commands.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flexmigrate",
        description="Move code off the retired MongoDB Atlas M2/M5 (tenant) backup endpoints "
        "onto the Flex endpoints, and prove the Flex endpoints return the same data.",
    )
    parser.add_argument("--version", action="version", version=f"flexmigrate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Run one ``flexmigrate`` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"flexmigrate {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"flexmigrate {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `flexmigrate scan . | head`
        return EXIT_OK
