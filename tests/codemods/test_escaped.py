"""A retired segment spelled with escapes is found in text and in bytes, wherever it sits."""

from __future__ import annotations

import ast

import pytest

from flexmigrate.codemods.escaped import EscapedSegments

FIND = EscapedSegments(["tenant"])
SPELLINGS = [
    r"\x74enant",
    r"te\156ant",
    r"ten\u0061nt",
    r"tenan\U00000074",
    r"\N{LATIN SMALL LETTER T}enant",
    "ten\\\nant",
    "ten\\\r\nant",
    r"\x74\x65\x6e\x61\x6e\x74",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_found_and_evaluates_to_the_segment(spelling: str) -> None:
    literal = f'"/backup/{spelling}/restores"'
    assert "tenant" in ast.literal_eval(literal), "the spelling really is the segment"
    padding = "x = 1\n" * 500
    text = padding + f"u = {literal}\n" + padding
    assert FIND.offsets(text) == [len(padding) + len('u = "/backup/')]
    assert FIND.search(text.encode()) and FIND.search(text)


@pytest.mark.parametrize(
    "text",
    [
        '"tenant"',  # plain: the plain-text tests see it
        r'"\x74"',
        r'"Main\x74enance"',
        "x = 1 + \\\n    2\n",
        r'"\x41\x42\x43" + "\\n"',
    ],
)
def test_near_misses(text: str) -> None:
    assert FIND.offsets(text) == []
    assert not FIND.search(text) and not FIND.search(text.encode())


def test_many_escapes_cost_one_window_each() -> None:
    """A file full of escapes is searched window by window, and a segment after them is found."""
    text = r'"\x74\x74\x74"' * 20000 + r' "\x74enant"'
    assert FIND.offsets(text)[-1] == text.index(r"\x74enant")


def test_a_segment_split_across_concatenated_literals_is_found_behind_its_gate():
    from flexmigrate.codemods.escaped import SplitSegments

    split = SplitSegments(["tenant"], ["backup/t"])
    for text in (
        '"/backup/t" "enant/restores"',
        "f'/backup/ten'  # wrapped\n    f'ant/{r}'",
        '"/backup/tenan"\n"t/snapshots"',
        '"/backup/ten" + "ant/restores"',
        '"/backup/te" \\\n    + f"nant/{r}"',
    ):
        assert split.search(text) and split.search(text.encode()), text
        assert split.offsets(text) == [text.index("backup/") + len("backup/")]
    for text in (
        '"/backup/tenant"',
        '"/backup/te" + x + "nant"',
        '"/backup/te" + + "nant"',
        '"/v1/t" "enant"',
        '"backup/t" "ennant"',
    ):
        assert not split.search(text), text
