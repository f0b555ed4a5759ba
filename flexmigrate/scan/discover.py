"""Which files to look at: files of every type flexmigrate reads under the given paths, minus the usual
noise and exclusions."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from flexmigrate.scan.gitignore import IgnoreRules, Rules

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
# Why a FIFO, a socket or a device named like a source file is not read (reading could block).
NOT_REGULAR = "not a regular file (a FIFO, socket or device): not read"


def _python_only(name: str) -> bool:
    return name.endswith(PYTHON_SUFFIXES)


@dataclass(frozen=True)
class Discovery:
    """Files found, paths given that do not exist, and given folders that held no file to look at."""

    files: tuple[Path, ...]
    missing: tuple[Path, ...] = field(default=())
    empty: tuple[tuple[Path, tuple[str, ...]], ...] = field(default=())  # (folder, excluded names below it)
    # Files that cannot be looked at, each with a one-line reason: a broken link, a link loop.
    broken: tuple[tuple[Path, str], ...] = field(default=())


class _Excludes:
    """The default excludes and the user's globs, each kind compiled once into one regex.

    Only what lies *below* the given path is matched: a tree under ``/build/...`` or inside
    ``site-packages`` is looked at when it is the path the user gave, as in ruff.  Default excludes
    and the user's globs match a component of the relative path; the user's globs also match the
    relative path and the path as typed (``--exclude 'src/generated/*'``).  A folder's components
    are matched once, when the walk reaches it, so a file is matched by its own name.
    """

    def __init__(self, patterns: tuple[str, ...], defaults: tuple[str, ...]) -> None:
        self._ordered = (*defaults, *patterns)
        self._patterns = patterns
        self._component = _union(self._ordered)
        self._path = _union(patterns)

    def match(self, name: str, rel: str, typed: str) -> str | None:
        """The pattern that excludes the entry ``name`` (at ``rel`` below the root), or ``None``."""
        hit = (self._component is not None and self._component.match(name)) or (
            self._path is not None and (self._path.match(rel) or self._path.match(typed))
        )
        if not hit:
            return None
        for pattern in self._ordered:  # which one, for the message: only for what is excluded
            if fnmatch.fnmatchcase(name, pattern):
                return pattern
            if pattern in self._patterns and (
                fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(typed, pattern)
            ):
                return pattern
        return None  # pragma: no cover - the union matched, so one of its parts does


def _union(patterns: Iterable[str]) -> re.Pattern[str] | None:
    patterns = tuple(patterns)
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)) if patterns else None


def link_problem(path: str) -> str | None:
    """Why the symbolic link ``path`` cannot be followed (broken, or a loop), or ``None``."""
    try:
        os.stat(path)
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"broken symbolic link (to {target}, which does not exist)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link leads back to itself)"
        return f"cannot follow the symbolic link: {exc.strerror or exc}"
    return None


def _walk(
    root: Path,
    excludes: _Excludes,
    skipped: list[str],
    wanted: Callable[[str], bool],
    gitignore: bool = True,
    unread: list[tuple[str, str]] | None = None,
) -> Iterator[tuple[str, str, bool]]:
    """Files ``wanted`` by name below ``root`` in a stable order (depth first, names sorted), each as its
    path, its path relative to ``root`` and whether it is a symbolic link.  What cannot be read is
    not yielded but added to ``unread`` with the reason: a folder that cannot be listed, a file
    that is not a regular file (a FIFO, a socket, a device).  Symlinked folders are not followed: no loops, no escaping the tree.  With
    ``gitignore``, what git ignores is left out and an ignored folder is not entered (``scan.gitignore``)."""
    unread = [] if unread is None else unread
    top = IgnoreRules.for_root(root).top if gitignore else ()
    stack: list[tuple[str, str, Rules]] = [(os.fspath(root), "", top)]
    while stack:
        folder, rel_folder, inherited = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            unread.append((folder, f"cannot read the folder: {exc.strerror or exc}"))
            continue
        rules = (
            IgnoreRules.enter(inherited, folder, any(e.name == ".gitignore" for e in entries))
            if gitignore
            else inherited
        )
        subfolders = []
        for entry in entries:
            rel = f"{rel_folder}{entry.name}"
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if excludes.match(entry.name, rel, entry.path) is not None:
                    skipped.append(rel)
                elif rules and IgnoreRules.ignored(rules, entry.path, True):
                    skipped.append(f"{rel} (.gitignore)")
                else:
                    subfolders.append((entry.path, rel + "/", rules))
                continue
            if not wanted(entry.name):
                continue
            is_link = entry.is_symlink()
            if is_link and os.path.isdir(entry.path):
                continue  # a link to a folder is not followed
            if excludes.match(entry.name, rel, entry.path) is not None:
                continue
            if rules and IgnoreRules.ignored(rules, entry.path, False):
                continue
            if not is_link and not entry.is_file(follow_symlinks=False):
                unread.append((entry.path, NOT_REGULAR))  # reading a FIFO could block
                continue
            yield entry.path, rel, is_link
        stack.extend(reversed(subfolders))


class Walk:
    """A discovery under way: iterating it yields each file as it is found, in the order of
    :func:`discover`, so the scanner can start reading a large tree before the walk ends;
    :meth:`result` then says everything found (files, missing paths, empty folders, broken links)."""

    def __init__(
        self,
        paths: Iterable[str | Path],
        exclude: Iterable[str] = (),
        use_default_excludes: bool = True,
        wanted: Callable[[str], bool] = _python_only,
        respect_gitignore: bool = True,
    ) -> None:
        self._paths = tuple(paths)
        self._excludes = _Excludes(tuple(exclude), DEFAULT_EXCLUDES if use_default_excludes else ())
        self._wanted = wanted
        self._gitignore = respect_gitignore
        self._files: list[Path] = []
        self._missing: list[Path] = []
        self._empty: list[tuple[Path, tuple[str, ...]]] = []
        self._broken: list[tuple[Path, str]] = []

    def __iter__(self) -> Iterator[Path]:
        seen: set[str] = set()
        for raw in self._paths:
            path = Path(raw)
            skipped: list[str] = []
            try:
                os.stat(path)
            except FileNotFoundError:
                pass  # missing, or a broken link: said below
            except OSError as exc:  # a file in a folder one may not look into, a link loop
                if exc.errno != errno.ELOOP:
                    self._broken.append((path, f"cannot read: {exc.strerror or exc}"))
                    continue
            if path.is_file():
                found: Iterable[tuple[str, str, bool]] = [(os.fspath(path), path.name, True)]
                base = None
            elif path.is_dir():
                unread: list[tuple[str, str]] = []
                found = _walk(path, self._excludes, skipped, self._wanted, self._gitignore, unread)
                base = os.fspath(path.resolve())
            elif path.is_symlink():
                self._broken.append(
                    (path, link_problem(os.fspath(path)) or "cannot follow the symbolic link")
                )
                continue
            elif path.exists():
                self._broken.append((path, NOT_REGULAR))
                continue
            else:
                self._missing.append(path)
                continue
            any_found = False
            for name, rel, is_link in found:
                any_found = True
                # A file reached twice (two paths given, or a link beside its target) is taken once.
                # Below a resolved folder that the walk did not leave by a link, the key is cheap.
                problem = link_problem(name) if is_link and os.path.islink(name) else None
                if problem is None and is_link and not os.path.isfile(name):
                    problem = NOT_REGULAR
                if problem is not None:
                    self._broken.append((Path(name), problem))
                    continue
                key = os.path.realpath(name) if is_link or base is None else os.path.join(base, rel)
                if key not in seen:
                    seen.add(key)
                    file = Path(name)
                    self._files.append(file)
                    yield file
            if base is not None:
                self._broken.extend((Path(name), reason) for name, reason in unread)
                if not any_found and not unread:
                    self._empty.append((path, tuple(skipped)))

    def result(self) -> Discovery:
        """What the walk found (call it once the iteration has ended)."""
        return Discovery(tuple(self._files), tuple(self._missing), tuple(self._empty), tuple(self._broken))


def discover(
    paths: Iterable[str | Path],
    exclude: Iterable[str] = (),
    use_default_excludes: bool = True,
    wanted: Callable[[str], bool] = _python_only,
    respect_gitignore: bool = True,
) -> Discovery:
    """Files under ``paths`` whose names are ``wanted`` (the scanner: every type it reads), in a
    stable order.

    A file named explicitly is always taken (whatever its suffix), as ruff does; folders are walked
    with the default excludes (unless ``use_default_excludes`` is false) plus ``exclude``, both
    applied only below the folder given, and (unless ``respect_gitignore`` is false) what git
    ignores there is left out.
    """
    walk = Walk(paths, exclude, use_default_excludes, wanted, respect_gitignore)
    for _ in walk:
        pass
    return walk.result()
