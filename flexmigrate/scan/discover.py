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
    """Files found, and paths given by the user that do not exist (reported, not fatal)."""

    files: tuple[Path, ...]
    missing: tuple[Path, ...] = field(default=())


def _excluded(path: Path, patterns: Iterable[str]) -> bool:
    parts = path.parts
    for pattern in patterns:
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
        if fnmatch.fnmatch(path.as_posix(), pattern):
            return True
    return False


def _walk(root: Path, patterns: tuple[str, ...]) -> Iterator[Path]:
    # os.walk does not follow symlinked folders by default: no loops, no escaping the tree.
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not _excluded(here / d, patterns))
        for name in sorted(filenames):
            candidate = here / name
            if candidate.suffix in PYTHON_SUFFIXES and not _excluded(candidate, patterns):
                yield candidate


def discover(
    paths: Iterable[str | Path], exclude: Iterable[str] = (), use_default_excludes: bool = True
) -> Discovery:
    """Python files under ``paths`` in a stable order.

    A file named explicitly is always taken (whatever its suffix), as ruff does; folders are walked
    with the default excludes plus ``exclude`` (glob patterns matched against each path component
    and against the whole path).
    """
    patterns = tuple(exclude) + (DEFAULT_EXCLUDES if use_default_excludes else ())
    seen: set[Path] = set()
    files: list[Path] = []
    missing: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found: Iterable[Path] = [path]
        elif path.is_dir():
            found = _walk(path, patterns)
        else:
            missing.append(path)
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return Discovery(tuple(files), tuple(missing))
