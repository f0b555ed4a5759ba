"""Which files to look at: Python sources under the given paths, minus the usual noise and exclusions."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

# Folders that are never a project's own code (ruff's default excludes, trimmed to what applies).
DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "__pycache__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Discovery:
    """Files found, paths given that do not exist, and given folders that held no file to look at."""

    files: tuple[Path, ...]
    missing: tuple[Path, ...] = field(default=())
    empty: tuple[tuple[Path, tuple[str, ...]], ...] = field(default=())  # (folder, excluded names below it)


def _matches(rel: Path, typed: Path, patterns: Iterable[str], defaults: Iterable[str]) -> str | None:
    """The pattern that excludes ``rel`` (relative to the root the user gave), or ``None``.

    Only what lies *below* the given path is matched: a tree under ``/build/...`` or inside
    ``site-packages`` is looked at when it is the path the user gave, as in ruff.  Default excludes
    match a component of the relative path; the user's globs also match the relative path and the
    path as typed (``--exclude 'src/generated/*'``).
    """
    parts = rel.parts
    for pattern in defaults:
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return pattern
    for pattern in patterns:
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return pattern
        if fnmatch.fnmatch(rel.as_posix(), pattern) or fnmatch.fnmatch(typed.as_posix(), pattern):
            return pattern
    return None


def _walk(
    root: Path, patterns: tuple[str, ...], defaults: tuple[str, ...], skipped: list[str]
) -> Iterator[Path]:
    # os.walk does not follow symlinked folders by default: no loops, no escaping the tree.
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            if _matches((here / d).relative_to(root), here / d, patterns, defaults) is None:
                kept.append(d)
            else:
                skipped.append((here / d).relative_to(root).as_posix())
        dirnames[:] = kept
        for name in sorted(filenames):
            candidate = here / name
            if candidate.suffix not in PYTHON_SUFFIXES:
                continue
            if _matches(candidate.relative_to(root), candidate, patterns, defaults) is None:
                yield candidate


def discover(
    paths: Iterable[str | Path], exclude: Iterable[str] = (), use_default_excludes: bool = True
) -> Discovery:
    """Python files under ``paths`` in a stable order.

    A file named explicitly is always taken (whatever its suffix), as ruff does; folders are walked
    with the default excludes (unless ``use_default_excludes`` is false) plus ``exclude``, both
    applied only below the folder given.
    """
    patterns = tuple(exclude)
    defaults = DEFAULT_EXCLUDES if use_default_excludes else ()
    seen: set[Path] = set()
    files: list[Path] = []
    missing: list[Path] = []
    empty: list[tuple[Path, tuple[str, ...]]] = []
    for raw in paths:
        path = Path(raw)
        skipped: list[str] = []
        if path.is_file():
            found: Iterable[Path] = [path]
        elif path.is_dir():
            found = list(_walk(path, patterns, defaults, skipped))
            if not found:
                empty.append((path, tuple(skipped)))
        else:
            missing.append(path)
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return Discovery(tuple(files), tuple(missing), tuple(empty))
