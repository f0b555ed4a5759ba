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
from flexmigrate.catalog import CatalogError
from flexmigrate.models.exits import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, UsageError

# Subcommand modules, in the order ``--help`` lists them, each with the commands it registers.
SUBCOMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("flexmigrate.commands.scan", ("scan", "fix", "rules")),
    ("flexmigrate.commands.merge", ("merge",)),
    ("flexmigrate.commands.report", ("report",)),
    ("flexmigrate.commands.check", ("check",)),
    ("flexmigrate.commands.sandbox", ("sandbox",)),
    ("flexmigrate.commands.catalog", ("catalog",)),
    ("flexmigrate.commands.demo", ("demo",)),
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; or, for the command line ``argv`` when it names a command, that
    command's module alone.

    A run of ``flexmigrate scan`` imports the scan command only (the others load the catalog,
    the HTTP client's settings, ...); the other commands are still named, so the usage line
    lists them all.  With no command (``--help``, ``--version``, a typo) every module registers.
    """
    parser = argparse.ArgumentParser(
        prog="flexmigrate",
        description="Move code off the retired MongoDB Atlas M2/M5 (tenant) backup endpoints "
        "onto the Flex endpoints, and prove the Flex endpoints return the same data.",
    )
    parser.add_argument("--version", action="version", version=f"flexmigrate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = None if argv is None else _command_in(argv)
    for module, commands in SUBCOMMANDS:
        if wanted is None or wanted in commands:
            importlib.import_module(module).register(sub)
        else:
            for command in commands:
                sub.add_parser(command)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, when its first word is one of ours (not ``--help``, not a typo)."""
    if not argv or argv[0] not in {c for _, commands in SUBCOMMANDS for c in commands}:
        return None
    return argv[0]


def run(argv: Sequence[str] | None = None) -> int:
    """Run one ``flexmigrate`` command line and return its exit code."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        parser = build_parser(argv)  # a command's defaults may come from the catalog
    except (UsageError, CatalogError) as exc:
        print(f"flexmigrate: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.func(args))
    except (UsageError, CatalogError) as exc:
        print(f"flexmigrate {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"flexmigrate {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `flexmigrate scan . | head`
        return EXIT_OK
