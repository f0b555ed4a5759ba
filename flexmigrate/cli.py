"""The ``flexmigrate`` command's entry point (``[project.scripts]``).

Everything is in :mod:`flexmigrate.commands`; exit codes are in :mod:`flexmigrate.models.exits`
(0 nothing to report, 1 findings / differences / changes, 2 the tool could not do its job).
"""

from __future__ import annotations

from flexmigrate.commands import build_parser, run

__all__ = ["build_parser", "main"]


def main(argv=None) -> int:
    return run(argv)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
