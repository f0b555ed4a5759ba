"""The ``flexmigrate`` command: parse arguments, call one function, map the outcome to an exit code.

Exit codes follow ruff: 0 nothing to report, 1 findings / differences / changes, 2 the tool itself
could not do its job (bad arguments, unreadable input, no connection).  Each subcommand lives in the
module that does its work and exposes ``register(subparsers)``; this file only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from flexmigrate import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

# Subcommand modules, in the order ``--help`` lists them.  Each has ``register(subparsers)``.
SUBCOMMANDS = (
    "flexmigrate.scan.command",
    "flexmigrate.check.command",
    "flexmigrate.sandbox.command",
    "flexmigrate.catalog.command",
    "flexmigrate.demo",
)


class UsageError(Exception):
    """A problem with what the user asked for; reported as one line, exit code 2."""


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


def main(argv: Sequence[str] | None = None) -> int:
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
        return 130
    except BrokenPipeError:  # e.g. `flexmigrate scan . | head`
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
