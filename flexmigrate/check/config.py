"""The settings of one check run: defaults (catalog), then ``[tool.flexmigrate.check]``, then the command line.

Scalars given on the command line replace the file's; ignore rules and normaliser globs are added
together (a team's pyproject.toml rules stay in force when someone adds one on the command line).
Credentials are deliberately absent: they come only from the environment or an Atlas CLI profile.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from flexmigrate.check.normalise import NORMALISER_NAMES, Rules
from flexmigrate.models.config_keys import BOOL, INT, NUMBER, STRING, STRINGS, TABLE, Key, check_table
from flexmigrate.models.exits import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


__all__ = ["ConfigError", "FILE_KEYS", "IdSpec", "Settings", "find_pyproject", "read_file"]


@dataclass(frozen=True, slots=True)
class IdSpec:
    """One ID the user named: which resource, optionally which cluster."""

    resource: str
    id: str
    cluster: str | None = None


@dataclass(frozen=True)
class Settings:
    group_id: str
    # No defaults here: they are written once, in the catalog (check.json "defaults").
    concurrency: int
    timeout: float
    max_attempts: int
    clusters: tuple[str, ...] = ()  # empty: every cluster of the project
    resources: tuple[str, ...] = ("restores",)
    ids: tuple[IdSpec, ...] = ()  # named on the command line
    ids_file: Path | None = None  # streamed during the run, never held whole
    ids_file_counts: tuple[tuple[str, int], ...] = ()  # resource -> IDs in the file (from the up-front pass)
    named_clusters: frozenset[str] = frozenset()  # clusters the named IDs mention
    bare_ids: bool = False  # some named ID gives no cluster
    sample: int | None = None
    seed: int | None = None
    noise_fetch: bool = False
    rules: Rules = field(default_factory=Rules)
    max_mismatch_rate: float | None = None
    rate_limit_scale: float = 1.0
    base_url: str | None = None
    ca_bundle: str | None = None
    profile: str | None = None
    record: Path | None = None
    baseline: Path | None = None
    output_format: str = "text"
    output: Path | None = None
    json_report: Path | None = None  # a JSON report written beside the chosen format
    show_ids: bool = False
    progress: bool = True


# Keys of [tool.flexmigrate.check]: each with its type and range, checked when the file is read.
FILE_KEYS = [
    Key("concurrency", INT, minimum=1),
    Key("sample", INT, minimum=0),
    Key("seed", INT),
    Key("timeout", NUMBER, minimum=0.001),
    Key("max-attempts", INT, minimum=1),
    Key("rate-limit-scale", NUMBER, minimum=0),
    Key("max-mismatch-rate", NUMBER, minimum=0, maximum=1),
    Key("noise-fetch", BOOL),
    Key("base-url", STRING),
    Key("ca-bundle", STRING),
    Key("profile", STRING),
    Key("ignore", STRINGS),
    Key("normalise", TABLE),
]
RULE_KEYS = ("ignore", "normalise")


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.flexmigrate.check]`` table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate if _table(_load(candidate)) is not None else None
    return None


def _load(path: Path) -> Mapping[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None


def _table(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    table = data.get("tool", {}).get("flexmigrate", {}).get("check")
    return table if isinstance(table, Mapping) else None


def read_file(path: Path) -> tuple[dict[str, Any], Rules]:
    """Settings overrides and rules from ``[tool.flexmigrate.check]`` of ``path``."""
    table = _table(_load(path))
    if table is None:
        return {}, Rules()
    values = check_table(table, FILE_KEYS, f"{path} [tool.flexmigrate.check]")
    for rule_key in RULE_KEYS:
        values.pop(rule_key, None)
    return values, rules_from(table, str(path))


def rules_from(data: Mapping[str, Any], where: str) -> Rules:
    """Rules from a mapping with ``ignore = [globs]`` and ``normalise = {name = [globs]}``."""
    ignore = data.get("ignore", [])
    normalise = data.get("normalise", {})
    if not isinstance(ignore, list) or not all(isinstance(g, str) for g in ignore):
        raise ConfigError(f"{where}: 'ignore' must be a list of glob strings")
    if not isinstance(normalise, Mapping):
        raise ConfigError(f"{where}: 'normalise' must be a table of normaliser = [globs]")
    out: dict[str, tuple[str, ...]] = {}
    for name, globs in normalise.items():
        if name not in NORMALISER_NAMES:
            raise ConfigError(f"{where}: unknown normaliser {name!r} (known: {', '.join(NORMALISER_NAMES)})")
        if isinstance(globs, bool):
            globs = ["*"] if globs else []
        if not isinstance(globs, list):
            raise ConfigError(f"{where}: normalise.{name} must be a list of globs (or true/false)")
        out[name] = tuple(globs)
    return Rules(normalise=out, ignore=tuple(ignore))


def default_rules(defaults: Mapping[str, Any]) -> Rules:
    return rules_from(defaults, "catalog check.json defaults")


def parse_normalise_option(values: list[str]) -> Rules:
    """``--normalise NAME=GLOB`` (repeatable) as rules."""
    out: dict[str, list[str]] = {}
    for value in values:
        name, sep, glob = value.partition("=")
        if not sep or name not in NORMALISER_NAMES or not glob:
            raise ConfigError(f"--normalise wants NAME=GLOB with NAME one of {', '.join(NORMALISER_NAMES)}")
        out.setdefault(name, []).append(glob)
    return Rules(normalise={k: tuple(v) for k, v in out.items()})


def apply(settings: Settings, values: Mapping[str, Any]) -> Settings:
    """``settings`` with ``values`` (field name -> value, None meaning "not given") applied."""
    given = {k: v for k, v in values.items() if v is not None}
    try:
        return replace(settings, **given)
    except TypeError as exc:  # pragma: no cover - keys come from FILE_KEYS
        raise ConfigError(str(exc)) from None
