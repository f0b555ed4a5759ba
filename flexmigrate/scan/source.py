"""Turn a file's bytes into text and back without changing a byte that was not edited.

Python source declares its encoding with a BOM or a PEP 263 cookie; ``tokenize.detect_encoding``
reads both.  Newlines are kept as they are (no universal-newline translation), so CRLF files stay
CRLF.  A file whose bytes do not survive decode -> encode unchanged is refused for writing: the
scanner can still report on it, but never rewrites it.
"""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass


class SourceError(Exception):
    """The file cannot be read as Python source; the message says why, in one line."""


@dataclass(frozen=True)
class SourceText:
    text: str  # decoded, without the BOM
    encoding: str  # as declared (``utf-8`` when undeclared)
    bom: bool  # the file started with a UTF-8 BOM
    round_trips: bool  # encode(decode(raw)) == raw, so rewriting is lossless

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode(raw: bytes) -> SourceText:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" in str(exc):
            raise SourceError("cannot decode as utf-8 and no other encoding is declared") from None
        raise SourceError(f"bad encoding declaration: {exc.msg}") from None
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"cannot decode as {encoding}: {exc}") from None
    try:
        round_trips = text.encode(encoding) == body
    except UnicodeEncodeError:
        round_trips = False
    return SourceText(text=text, encoding=encoding, bom=bom, round_trips=round_trips)
