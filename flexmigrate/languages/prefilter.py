"""A byte-level test that lets the scanner skip files that cannot contain a retired call.

The tokens come from the catalog (``Catalog.prefilter_tokens``), so adding an endpoint to the data
adds its tokens here without a code change.  Parsing with libcst costs milliseconds a file; this
test costs microseconds, and most files of a real repository fail it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from flexmigrate.codemods.escaped import EscapedSegments, SplitSegments


class Prefilter:
    r"""A retired segment or name in the bytes, or a retired segment spelled with an escape.

    Two steps, both at C speed: ``bytes.find`` for a few *anchors* (substrings that every token
    holds, chosen from the tokens: ``tenant`` and ``Backup`` today), then, in the rare file that
    holds one, ``confirm`` -- the token stage's own test on raw text (a segment bounded as a path
    segment, a name as a whole word), so "Maintenant" and ``tenant_id`` stop here.  The escape form
    keeps ``"/backup/\x74enant/..."`` from slipping past; the token stage looks at it exactly.
    """

    def __init__(
        self,
        tokens: Iterable[bytes],
        escaped_segments: Iterable[str] = (),
        confirm: re.Pattern[bytes] | None = None,
        split: SplitSegments | None = None,
    ) -> None:
        tokens = sorted(set(tokens), key=len, reverse=True)
        if not tokens:
            raise ValueError("the prefilter needs at least one token")
        self.anchors = anchors(tokens)
        self._confirm = confirm
        self._escaped = EscapedSegments(escaped_segments)
        self._split = split
        # Chunks of a large file overlap by this much: the longest token with a byte of boundary on
        # each side, or the longest escaped segment (a letter takes at most 85 bytes, as ``\N{...}``).
        self._longest = max([len(t) + 2 for t in tokens] + [self._escaped.window])
        # A confirmed token holds an anchor, so the confirm regex only needs to run around each
        # anchor found, within the longest token (and a boundary byte) of it.
        self._reach = max(len(t) for t in tokens) + 2

    def may_match(self, data: bytes) -> bool:
        """True if ``data`` holds a token, or a segment spelled with an escape: look closer."""
        if self._confirmed(data):
            return True
        return self._escaped.search(data) or (self._split is not None and self._split.search(data))

    def _confirmed(self, data: bytes) -> bool:
        """An anchor, and around one of its places the confirm test (a bounded segment or a whole
        name).  Searching only those windows keeps a large file full of look-alikes cheap: over
        the whole of mongodb-atlas-cli's generated Go the alternation of every name took 1.9 s."""
        confirm, reach = self._confirm, self._reach
        for anchor in self.anchors:
            at = data.find(anchor)
            if at >= 0 and confirm is None:
                return True
            while at >= 0:
                if confirm.search(data, max(0, at - reach), at + len(anchor) + reach) is not None:  # type: ignore[union-attr]
                    return True
                at = data.find(anchor, at + 1)
        return False

    def may_match_file(self, path: Path, chunk_size: int = 1 << 22) -> bool:
        """:meth:`may_match` for a file read in chunks, so a huge file is never held in memory whole.

        Chunks overlap by the longest pattern's length, so a token split by a chunk edge is found.
        Raises ``OSError`` when the file cannot be read.
        """
        return any_chunk(path, self.may_match, self._longest, chunk_size)


def any_chunk(path: Path, test: Callable[[bytes], bool], overlap: int, chunk_size: int = 1 << 22) -> bool:
    """Whether ``test`` holds for any chunk of the file, read in chunks that overlap by ``overlap``
    bytes (so a token split by a chunk edge is seen whole).  Raises ``OSError``."""
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(chunk_size):
            data = tail + block
            if test(data):
                return True
            tail = data[-overlap:]
    return False


def anchors(tokens: Iterable[bytes], shortest: int = 9) -> tuple[bytes, ...]:
    """Few substrings such that every token holds one (greedy set cover, longest on ties).

    ``bytes.find`` for each anchor is far cheaper than a regex alternation of every token.  An
    anchor is at least ``shortest`` bytes (or a whole shorter token): short ones such as ``hared``
    or ``ackup`` cover many wrapper names at once but also half of any source tree ("shared
    memory", "backup"), which sends those files on to the far slower confirm step.  Measured on
    the standard library: 5 bytes, 3 anchors, 126 files past them; 9 bytes, 7 anchors, 8 files.
    """
    tokens = set(tokens)
    # A token shorter than an anchor is its own anchor whatever the cover does: take those first,
    # so the tokens that hold one (``getBackupTenantRestore`` holds ``tenant``) need nothing more.
    chosen: list[bytes] = sorted(t for t in tokens if len(t) < shortest)
    uncovered = {t for t in tokens if not any(a in t for a in chosen)}
    while uncovered:
        best = _best_anchor(uncovered, shortest)
        chosen.append(best)
        uncovered = {t for t in uncovered if best not in t}
    # An anchor that holds another one is never needed: every token it covers, the other covers.
    return tuple(a for a in chosen if not any(b != a and b in a for b in chosen))


def _best_anchor(tokens: set[bytes], shortest: int) -> bytes:
    """The substring of at least ``shortest`` bytes held by the most ``tokens``; the longest of
    those, then the first in byte order.

    A substring is held by no more tokens than any part of it, so the most tokens are reached by
    one of exactly ``shortest`` bytes, and every longer substring as good grows, a byte at a time,
    from one as good: only those are ever counted (all substrings of every token: seconds).
    """
    length = shortest
    counts = _holders(tokens, length)
    most = max(counts.values())
    level = {sub for sub, n in counts.items() if n == most}
    while True:
        grown = {
            t[i : i + length + 1]
            for t in tokens
            for i in range(len(t) - length)
            if t[i : i + length] in level or t[i + 1 : i + length + 1] in level
        }
        longer = {sub for sub, n in _holders(tokens, length + 1, grown).items() if n == most}
        if not longer:
            return min(level)
        level, length = longer, length + 1


def _holders(tokens: set[bytes], length: int, among: set[bytes] | None = None) -> Counter[bytes]:
    """How many of ``tokens`` hold each substring of ``length`` bytes (only those ``among``, if given)."""
    counts: Counter[bytes] = Counter()
    for token in tokens:
        subs = {token[i : i + length] for i in range(len(token) - length + 1)}
        counts.update(subs if among is None else subs & among)
    return counts
