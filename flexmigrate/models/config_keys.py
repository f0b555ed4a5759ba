"""The keys a ``[tool.flexmigrate...]`` table may hold, and one check of type and range for all of them.

Each table (``[tool.flexmigrate]`` for ``scan``/``fix``, ``[tool.flexmigrate.check]``, the sandbox's
file) declares its keys as :class:`Key` values; :func:`check_table` refuses an unknown key (naming
the nearest known one), a value of the wrong type and a number out of range, each with one line
that names the file and the key.  A table's values are trusted only after this check.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Mapping

from flexmigrate.models.exits import ConfigError

# Value kinds a key can have.
BOOL, INT, NUMBER, STRING, STRINGS, TABLE = (
    "boolean",
    "integer",
    "number",
    "string",
    "list of strings",
    "table",
)


@dataclass(frozen=True)
class Key:
    name: str  # as written in the file (kebab-case)
    kind: str  # one of the kinds above
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    field: str | None = None  # the settings attribute it sets (default: the name in snake_case)

    @property
    def attribute(self) -> str:
        return self.field or self.name.replace("-", "_")


def _kind_ok(kind: str, value: Any) -> bool:
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == STRING:
        return isinstance(value, str)
    if kind == STRINGS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == TABLE:
        return isinstance(value, Mapping)
    raise ValueError(f"unknown key kind {kind!r}")  # pragma: no cover - a programming error


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def unknown_key_message(where: str, key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(known))}"
    return f"{where}: unknown key {key!r}{hint}"


def check_table(
    table: Mapping[str, Any], keys: list[Key], where: str, tables: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``table``'s values by attribute name, after checking every key; ``tables`` are sub-tables left alone."""
    by_name = {k.name: k for k in keys}
    out: dict[str, Any] = {}
    for name, value in table.items():
        if name in tables:
            continue
        key = by_name.get(name)
        if key is None:
            raise ConfigError(unknown_key_message(where, name, [*by_name, *tables]))
        if not _kind_ok(key.kind, value):
            article = "an" if key.kind[0] in "aeiou" else "a"
            raise ConfigError(f"{where}: {name} must be {article} {key.kind}, not {_shown(value)}")
        if key.minimum is not None and value < key.minimum:
            raise ConfigError(f"{where}: {name} must be at least {key.minimum:g}, not {_shown(value)}")
        if key.maximum is not None and value > key.maximum:
            raise ConfigError(f"{where}: {name} must be at most {key.maximum:g}, not {_shown(value)}")
        if key.choices and value not in key.choices:
            raise ConfigError(f"{where}: {name} must be one of {', '.join(key.choices)}, not {_shown(value)}")
        out[key.attribute] = value
    return out
