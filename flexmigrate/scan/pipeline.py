"""The scanner's loop: for each file, read -> prefilter -> decode -> analyse -> select -> fix -> write.

Each file is handled on its own (a bad file gets an error message and the run goes on), so files
can be spread over worker processes.  Nothing is written unless ``ScanOptions.write`` is set, and a
file is written only when its text changed, re-parses, and re-encodes losslessly.
"""

from __future__ import annotations

import fnmatch
import os
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from itertools import repeat
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Sequence

from flexmigrate.catalog import CATALOG_ENV, load_catalog
from flexmigrate.catalog.ecosystems import ecosystems

from flexmigrate.languages import LANGUAGES, Language, NotParsable, language_for
from flexmigrate.languages.base import with_language
from flexmigrate.languages.generated import generated_marker
from flexmigrate.languages.prefilter import any_chunk
from flexmigrate.languages.python import PYTHON
from flexmigrate.models.fix_policy import FixPolicy
from flexmigrate.models.scan_results import FileResult, ScanResult
from flexmigrate.scan.discover import Walk
from flexmigrate.scan.source import SourceError, decode
from flexmigrate.scan.writer import write_atomic

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["FileResult", "ScanOptions", "ScanResult", "process_file", "scan"]

# Below this many files, or this many bytes, that pass both filter stages, worker processes cost
# more than they save (starting one and importing libcst takes about a quarter of a second).
PARALLEL_THRESHOLD = 24
PARALLEL_BYTES = 64 * 1024
# Files are read and filtered in batches of this many; from this many files in a run, the batches
# are spread over the worker processes too (measured: ten copies of the standard library, 18,000
# files, spend 1.3 s of a 2.3 s scan in the byte stage on one core).
TRIAGE_BATCH = 128
PARALLEL_TRIAGE = 1024
# Files larger than this are not analysed (``--max-file-size``; 0: no limit).  The largest
# hand-written modules are well below it; generated ones above it are better regenerated.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


@dataclass(frozen=True)
class ScanOptions:
    fix: bool = False  # compute fixed text
    write: bool = False  # write fixed files back (needs ``fix``)
    unsafe_fixes: bool = False
    select: tuple[str, ...] = ()  # rule codes or prefixes to keep (empty: all)
    ignore: tuple[str, ...] = ()  # rule codes or prefixes to drop
    report_comments: bool = False
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()  # only files matching one of these globs (name or path); empty: all
    shard: tuple[int, int] | None = None  # (I, N): only the files of shard I of N (1-based)
    exclude_generated: bool = False  # leave files with a code generator's marker out of the run
    default_excludes: bool = True  # leave out build/, dist/, site-packages/, ... below the given paths
    respect_gitignore: bool = (
        True  # leave out what .gitignore, .git/info/exclude and the global excludes ignore
    )
    jobs: int | None = None  # worker processes; None: decide from the candidates' count and size
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger files are only byte-filtered (0: no limit)
    # The folders and files being fixed, resolved (set by ``scan``): a symlink is written through to
    # its target only when the target lies inside one of them.
    roots: tuple[Path, ...] = ()

    @property
    def policy(self) -> FixPolicy:
        """The filters and fix kinds of this run, as the fix loop takes them."""
        return FixPolicy(
            unsafe_fixes=self.unsafe_fixes,
            select=self.select,
            ignore=self.ignore,
            report_comments=self.report_comments,
        )


def file_language(path: str | Path) -> Language:
    """The file type that reads ``path``; a file of no known type named explicitly is read as Python."""
    return language_for(os.path.basename(path)) or PYTHON


def worth_parsing(raw: bytes, options: ScanOptions, language: Language = PYTHON) -> bool:
    """Both filter stages of the file's type: the byte test, then (Python) the token test.

    A file that cannot be decoded is worth "parsing": ``process_file`` then reports why.
    """
    if not language.may_hold(raw):
        return False
    if options.report_comments or language.may_hold_text is None:
        return True
    try:
        text = decode(raw).text
    except SourceError:
        return True
    return language.may_hold_text(text)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def process_file(path: Path, options: ScanOptions, raw: bytes | None = None) -> FileResult:
    """Everything the scanner does to one file; never raises for a problem with the file.

    ``raw`` is the file's content when the caller has already read it and found it
    :func:`worth_parsing`; without it the file is read and filtered here.
    """
    result = FileResult(path)
    language = file_language(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            result.error = f"cannot read: {exc.strerror or exc}"
            return result
        if not worth_parsing(raw, options, language):
            return result
    if b"\0" in raw and not language.name == "notebook":
        result.error = "binary file (it holds NUL bytes): not analysed"
        return result
    try:
        source = decode(raw)
    except SourceError as exc:
        result.parsed = True
        result.error = str(exc)
        return result
    result.parsed = True
    assert language.run is not None
    try:
        outcome = language.run(source.text, str(path), options.policy, options.fix)
    except (SourceError, NotParsable) as exc:
        result.error = str(exc)
        return result
    except RecursionError:
        result.error = "too deeply nested to analyse"
        return result
    except Exception as exc:  # a bug in one rule must not stop the run; it is reported as an error
        result.error = f"internal error while analysing ({type(exc).__name__}: {_one_line(exc)})"
        return result
    result.findings = with_language(outcome.findings, language.name)
    if outcome.error:
        result.error = outcome.error
        return result
    if outcome.text == source.text:
        return result
    if not source.round_trips:
        result.error = (
            f"cannot rewrite without changing other bytes (encoding {source.encoding}); file left alone"
        )
        result.findings = [replace(f, applied=False) for f in result.findings]
        return result
    result.original, result.fixed = source.text, outcome.text
    result.original_bytes, result.fixed_bytes = raw, source.encode(outcome.text)
    if options.write:
        target = _write_target(path, options.roots)
        if target is None:
            result.error = f"symbolic link to {path.resolve()}, outside the paths being fixed; not written"
            return result
        try:
            write_atomic(target, result.fixed_bytes)
            result.written = True
        except OSError as exc:
            result.error = f"cannot write: {exc.strerror or exc}"
    return result


def _too_large(path: Path, options: ScanOptions) -> FileResult | None:
    """The result of a file over ``max_file_size``, or ``None`` when it is within the limit.

    Such a file is read in chunks through the byte prefilter only: one that cannot hold a retired
    call is clean; one that can is reported (exit 2), never passed over in silence.
    """
    limit = options.max_file_size
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it reports why
    if not limit or size <= limit:
        return None
    result = FileResult(path)
    try:
        if any_chunk(path, file_language(path).may_hold, overlap=512):
            result.error = (
                f"{_mb(size)}, over the --max-file-size limit of {_mb(limit)}, and it may call a retired "
                "endpoint: not analysed (raise the limit to analyse it)"
            )
    except OSError as exc:
        result.error = f"cannot read: {exc.strerror or exc}"
    return result


def _mb(size: int) -> str:
    """``10485760`` -> ``10.0 MiB``; ``2000`` -> ``2.0 KiB``; ``900`` -> ``900 bytes``."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size} bytes"


def _write_target(path: Path, roots: tuple[Path, ...]) -> Path | None:
    """Where fixing ``path`` writes: the file itself, or a link's target when it lies inside ``roots``."""
    if not path.is_symlink():
        return path
    target = path.resolve()
    if any(target == root or target.is_relative_to(root) for root in roots):
        return target
    return None


class Triaged(NamedTuple):
    """A file that the first look found needs more than a clean result."""

    index: int  # its place in the run's list of files
    settled: FileResult | None = None  # over --max-file-size: reported, or clean, without analysis
    raw: bytes | None = None  # a candidate's bytes (``None``: unreadable; ``process_file`` says why)
    generated: bool = False  # left out of the run by --exclude-generated


def triage_batch(paths: Sequence[str], start: int, options: ScanOptions) -> list[Triaged]:
    """Read each of ``paths`` (numbered from ``start``) and put it through both filter stages.

    Only the files that are not simply clean come back, so a worker sends little over its pipe:
    on a large tree almost every file stops at the byte stage.  Paths come as strings, and each
    file is opened once (its size read from the open file), since on a large tree building
    ``Path`` objects and a second ``stat`` per file cost as much as the byte stage.
    """
    found = []
    limit = options.max_file_size
    for index, name in enumerate(paths, start):
        try:
            with open(name, "rb") as handle:
                oversized = bool(limit) and os.fstat(handle.fileno()).st_size > limit
                raw: bytes | None = None if oversized else handle.read()
        except OSError:
            found.append(Triaged(index))  # process_file reads again and reports the error
            continue
        if raw is None:
            settled = _too_large(Path(name), options)
            found.append(Triaged(index, settled=settled) if settled is not None else Triaged(index))
        elif options.exclude_generated and _generated(raw):
            found.append(Triaged(index, generated=True))
        elif worth_parsing(raw, options, file_language(name)):
            found.append(Triaged(index, raw=raw))
    return found


def _start_worker() -> None:
    """A worker builds the filters as it starts; a Ctrl-C meanwhile is the run's to report, once,
    not each worker's with a traceback."""
    try:
        warm_filters()
    except KeyboardInterrupt:
        pass


def warm_filters() -> None:
    """Build every file type's filters now (each worker does so as it starts, ``_start_worker``)."""
    for language in LANGUAGES:
        language.may_hold(b"")


def _triage_jobs(options: ScanOptions, count: int) -> int:
    """Worker processes for the triage: one per core once the tree is large enough that reading
    and filtering it costs more than starting them."""
    if count < PARALLEL_TRIAGE:
        return 1
    if options.jobs is not None:
        return max(1, options.jobs)
    return max(1, min(os.cpu_count() or 1, 8))


def _jobs(options: ScanOptions, count: int, size: int) -> int:
    if options.jobs is not None:
        return max(1, options.jobs)
    if count < 2 or (count < PARALLEL_THRESHOLD and size < PARALLEL_BYTES):
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


# ``progress(files looked at, files in the run, findings so far)``: called as the run goes on.
Progress = Callable[[int, int, int], None]


def scan(
    paths: Sequence[str | Path], options: ScanOptions = ScanOptions(), progress: Progress | None = None
) -> ScanResult:
    if os.environ.get(CATALOG_ENV):
        load_catalog()  # a catalog of one's own is read here, so a bad one is one line, not a worker's crash
    # realpath, unlike Path.resolve, does not raise on a link loop (discovery reports it).
    options = replace(options, roots=tuple(Path(os.path.realpath(p)) for p in paths))
    walk = Walk(
        paths,
        exclude=options.exclude,
        use_default_excludes=options.default_excludes,
        wanted=lambda name: language_for(name) is not None,
        respect_gitignore=options.respect_gitignore,
    )
    files: list[Path] = []
    results: dict[Path, FileResult] = {}
    candidates: list[tuple[Path, bytes | None]] = []
    generated: set[Path] = set()
    found_so_far = 0
    looked = 0

    def tick() -> None:
        if progress is not None:
            progress(looked, len(files), found_so_far)

    with ExitStack() as stack:
        pools: list[ProcessPoolExecutor] = []

        def pool(workers: int) -> ProcessPoolExecutor:
            """One pool for both stages, started on first need; each worker builds the filters
            as it starts, while this process goes on walking the tree."""
            if not pools:
                from concurrent.futures import ProcessPoolExecutor  # only a large run needs one

                started = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker)
                # On Ctrl-C or an error, queued batches are dropped rather than waited for.
                stack.callback(started.shutdown, wait=True, cancel_futures=True)
                pools.append(started)
            return pools[0]

        # Stage one, triage: read every file and put it through both filter stages, in batches.
        # Once the walk has found enough files for both cores to pay, the batches go to the
        # workers as the walk fills them, so reading overlaps walking; only what needs more
        # comes back.
        names: list[str] = []
        sent: list[tuple[int, Future[list[Triaged]]]] = []

        def send(upto: int) -> None:
            """Hand the files not yet sent, up to ``upto``, to the workers in batches."""
            start = sum(count for count, _ in sent)
            while start < upto:
                batch = names[start : min(start + TRIAGE_BATCH, upto)]
                sent.append((len(batch), pools[0].submit(triage_batch, batch, start, options)))
                start += len(batch)

        in_shard = False  # a file of this shard was found (--include may still leave it out)
        for path in walk:
            if options.shard is not None and shard_of(path, options.shard[1]) != options.shard[0]:
                continue
            in_shard = True
            if options.include and not _included(path, options.include):
                continue
            files.append(path)
            names.append(os.fspath(path))
            if pools:
                if len(names) % TRIAGE_BATCH == 0:
                    send(len(names))
            elif len(files) == PARALLEL_TRIAGE and _triage_jobs(options, PARALLEL_TRIAGE) > 1:
                pool(_triage_jobs(options, PARALLEL_TRIAGE))
                send(len(names))
        total = len(files)
        if pools:
            send(total)
            outcomes: Iterable[tuple[int, list[Triaged]]] = ((n, f.result()) for n, f in sent)
        else:
            outcomes = (
                (len(names[i : i + TRIAGE_BATCH]), triage_batch(names[i : i + TRIAGE_BATCH], i, options))
                for i in range(0, total, TRIAGE_BATCH)
            )
        for count, triaged in outcomes:
            looked += count  # a candidate counts as looked at once it is analysed
            for item in triaged:
                path = files[item.index]
                if item.generated:
                    generated.add(path)
                elif item.settled is not None:
                    results[path] = item.settled
                else:
                    candidates.append((path, item.raw))
                    looked -= 1
            tick()

        # Stage two: the candidates' analysis, in parallel once there is enough of it.
        jobs = _jobs(options, len(candidates), sum(len(r) for _, r in candidates if r is not None))
        if jobs > 1:
            # Largest first, one file at a time while there are few: the cores finish together
            # instead of one of them ending with the two largest files of the tree.
            candidates.sort(key=lambda item: -len(item[1] or b""))
        if jobs > 1:
            chunk = 1 if len(candidates) < 64 * jobs else 4
            analysed: Iterable[FileResult] = pool(jobs).map(
                process_file,
                [p for p, _ in candidates],
                repeat(options),
                [r for _, r in candidates],
                chunksize=chunk,
            )
        else:
            analysed = (process_file(path, options, raw) for path, raw in candidates)
        for res in analysed:
            results[res.path] = res
            found_so_far += len(res.findings)
            looked += 1
            tick()
    found = walk.result()
    unmatched: tuple[tuple[Path, str], ...] = ()
    if options.include and in_shard and not files:
        globs = ", ".join(options.include)
        unmatched = tuple((Path(p), f"holds no file matching --include {globs}") for p in paths)
    problems = unmatched or (
        ()
        if files or found.broken
        else tuple(_nothing_to_look_at(folder, skipped) for folder, skipped in found.empty)
    )
    unreadable = [FileResult(path, error=reason) for path, reason in found.broken]
    return ScanResult(
        files=[*(results.get(p) or FileResult(p) for p in files if p not in generated), *unreadable],
        missing=found.missing,
        problems=problems,
    )


def _generated(raw: bytes) -> bool:
    """Whether the head of ``raw`` carries a code generator's marker (``--exclude-generated``)."""
    catalog = load_catalog()
    head = raw[: ecosystems(catalog).generated_head_bytes].decode("utf-8", "replace")
    return generated_marker(head, catalog) is not None


def shard_of(path: Path, count: int) -> int:
    """The shard (1-based, of ``count``) a file belongs to: a hash of its path relative to the working
    folder, so every CI job of a matrix agrees, and adding a file moves no other file."""
    key = os.path.relpath(path).replace(os.sep, "/")
    import hashlib  # only a sharded run needs it

    digest = hashlib.sha1(key.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def _included(path: Path, globs: tuple[str, ...]) -> bool:
    """Whether ``path`` matches an ``--include`` glob: by its name, or by its path as given or any
    tail of it (``infra/*.tf`` matches ``repo/infra/main.tf``)."""
    posix = path.as_posix()
    parts = posix.split("/")
    tails = ["/".join(parts[i:]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatchcase(path.name, g) or any(fnmatch.fnmatchcase(t, g) for t in tails) for g in globs
    )


def scan_stdin(raw: bytes, name: str, options: ScanOptions) -> ScanResult:
    """One file's content from standard input, reported under ``name`` (which also chooses its type;
    a Terraform file's siblings are read from ``name``'s folder).  Nothing is written."""
    path = Path(name)
    options = replace(options, write=False)
    result = (
        process_file(path, options, raw)
        if worth_parsing(raw, options, file_language(path))
        else FileResult(path)
    )
    if result.original_bytes is None:
        result.original_bytes = raw
    return ScanResult(files=[result])


def _nothing_to_look_at(folder: Path, skipped: tuple[str, ...]) -> tuple[Path, str]:
    message = "holds no file of a type flexmigrate reads (Python, Terraform, notebooks, scripts, docs, ...)"
    if skipped:
        shown = ", ".join(skipped[:3]) + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "")
        message += f" outside the excluded folders ({shown}; --no-default-excludes looks inside them)"
    return folder, message
