"""``[tool.flexmigrate]`` of the nearest ``pyproject.toml``: the settings of ``scan`` and ``fix``.

As in ruff: the nearest ``pyproject.toml`` at or above the current folder that has a
``[tool.flexmigrate]`` table is read, ``--config FILE`` names another, ``--isolated`` reads none.
Every key is checked for type and range when the file is read (``models.config_keys``); the
command line adds to or overrides what the file says.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Mapping

from flexmigrate.models.config_keys import BOOL, INT, STRING, STRINGS, Key, check_table
from flexmigrate.models.exits import ConfigError

__all__ = ["SCAN_KEYS", "SUBTABLES", "find_config", "read_config"]

SCAN_KEYS = [
    Key("select", STRINGS),  # rule codes or prefixes to keep
    Key("ignore", STRINGS),  # rule codes or prefixes to drop
    Key("exclude", STRINGS),  # globs left out, in addition to the default excludes
    Key("include", STRINGS),  # only files matching these globs (by name or path)
    Key("default-excludes", BOOL),  # false: look in build/, dist/, site-packages/, ... too
    Key("respect-gitignore", BOOL),  # false: also look at what git ignores
    Key("exclude-generated", BOOL),  # true: leave generated files out of the run
    Key("unsafe-fixes", BOOL),
    Key("report-comments", BOOL),
    Key("jobs", INT, minimum=1),
    Key("max-file-size", STRING),  # "10MiB", "500KB" or bytes as a string; "0": no limit
]
# Tables of other commands inside [tool.flexmigrate]; each is checked by its own command.
SUBTABLES = ("check",)


def _load(path: Path) -> Mapping[str, Any]:
    # Imported once a configuration file is found: a run with none (or --isolated) never pays for it.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None


def _table(data: Mapping[str, Any], path: Path) -> Mapping[str, Any] | None:
    tool = data.get("tool", {})
    table = tool.get("flexmigrate") if isinstance(tool, Mapping) else None
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [tool.flexmigrate] must be a table")
    return table


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` with a ``[tool.flexmigrate]`` table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _table(_load(candidate), candidate) is not None:
            return candidate
    return None


def read_config(path: Path) -> dict[str, Any]:
    """The checked values of ``[tool.flexmigrate]`` in ``path`` (attribute name -> value)."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    table = _table(_load(path), path) or {}
    return check_table(table, SCAN_KEYS, f"{path} [tool.flexmigrate]", tables=SUBTABLES)
