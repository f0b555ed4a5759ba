"""Bytes -> text -> bytes must lose nothing: BOMs, encoding cookies and CRLF survive."""

import codecs

import pytest

from flexmigrate.scan.source import SourceError, decode


@pytest.mark.parametrize(
    "raw",
    [
        b"x = 'a'\n",
        b"x = 'a'\r\ny = 2\r\n",
        b"x = 'a'\ry = 2\r",
        codecs.BOM_UTF8 + b"x = '\xc3\xa9'\n",
        b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
        b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n",
    ],
)
def test_round_trip_is_exact(raw):
    src = decode(raw)
    assert src.round_trips
    assert src.encode(src.text) == raw


def test_bom_is_kept_and_stripped_from_text():
    src = decode(codecs.BOM_UTF8 + b"a = 1\n")
    assert src.bom and not src.text.startswith("\ufeff")
    assert src.encode("b = 2\n") == codecs.BOM_UTF8 + b"b = 2\n"


def test_latin1_cookie_decodes_non_ascii():
    src = decode(b"# coding: latin-1\ns = '\xe9'\n")
    assert src.encoding in ("iso-8859-1", "latin-1")
    assert "\u00e9" in src.text


def test_invalid_utf8_is_a_clear_error():
    with pytest.raises(SourceError, match="cannot decode as utf-8"):
        decode(b"x = '\xff\xfe'\n")


def test_unknown_cookie_is_a_clear_error():
    with pytest.raises(SourceError, match="encoding"):
        decode(b"# coding: no-such-codec\nx = 1\n")
