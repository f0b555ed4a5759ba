"""Literal editing used by the rules: removing dict entries, appending items, replacing values."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from flexmigrate.codemods.engine import AnalyzeOptions, ModuleContext
from flexmigrate.codemods.rules import literals
from flexmigrate.catalog import load_catalog
from tests.codemods.fixture_runner import splice


def _ctx(source: str) -> ModuleContext:
    return ModuleContext(
        source=source,
        path="t.py",
        wrapper=MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True),
        catalog=load_catalog(),
        options=AnalyzeOptions(),
    )


def _first(ctx: ModuleContext, kind: type) -> cst.CSTNode:
    for node in ctx.wrapper.resolve(ParentNodeProvider):
        if isinstance(node, kind):
            return node
    raise AssertionError(f"no {kind.__name__}")


def _remove(source: str, keys: set[str]) -> str:
    ctx = _ctx(source)
    node = _first(ctx, cst.Dict)
    indexes = {i for i, (key, _) in enumerate(literals.dict_entries(node)) if key in keys}
    result = splice(source, literals.removal_edits(ctx, node, indexes))
    cst.parse_module(result)
    return result


@pytest.mark.parametrize(
    "source, keys, expected",
    [
        ('d = {"a": 1, "b": 2, "c": 3}\n', {"a"}, 'd = {"b": 2, "c": 3}\n'),
        ('d = {"a": 1, "b": 2, "c": 3}\n', {"b"}, 'd = {"a": 1, "c": 3}\n'),
        ('d = {"a": 1, "b": 2, "c": 3}\n', {"c"}, 'd = {"a": 1, "b": 2}\n'),
        ('d = {"a": 1, "b": 2, "c": 3}\n', {"b", "c"}, 'd = {"a": 1}\n'),
        ('d = {"a": 1, "b": 2, "c": 3}\n', {"a", "b"}, 'd = {"c": 3}\n'),
        ('d = {"a": 1, "b": 2, "c": 3}\n', {"a", "c"}, 'd = {"b": 2}\n'),
        ('d = {"a": 1}\n', {"a"}, "d = {}\n"),
        ('d = {"a": 1,}\n', {"a"}, "d = {}\n"),
        ('d = {"a": 1, "b": 2,}\n', {"b"}, 'd = {"a": 1,}\n'),
        (
            'd = {\n    "a": 1,  # first\n    "b": 2,\n    "c": 3,\n}\n',
            {"a"},
            'd = {\n    "b": 2,\n    "c": 3,\n}\n',
        ),
        (
            'd = {\n    "a": 1,\n    "b": 2,  # second\n    "c": 3\n}\n',
            {"c"},
            'd = {\n    "a": 1,\n    "b": 2\n}\n',
        ),
        (
            'd = {\n    "a": 1,\n    "b": 2,\n    "c": 3,\n}\n',
            {"b", "c"},
            'd = {\n    "a": 1,\n}\n',
        ),
    ],
)
def test_removal_keeps_the_rest_byte_for_byte(source: str, keys: set[str], expected: str) -> None:
    assert _remove(source, keys) == expected


def _append(source: str, text: str) -> str:
    ctx = _ctx(source)
    call = _first(ctx, cst.Call)
    result = splice(source, [literals.append_item(ctx, call.args[-1], text)])
    cst.parse_module(result)
    return result


@pytest.mark.parametrize(
    "source, expected",
    [
        ("f(a)\n", "f(a, k=1)\n"),
        ("f(a, b=2)\n", "f(a, b=2, k=1)\n"),
        ("f(a,)\n", "f(a, k=1,)\n"),
        ("f(\n    a,\n    b=2,\n)\n", "f(\n    a,\n    b=2,\n    k=1,\n)\n"),
        ("f(\n    a,\n    b=2,  # note\n)\n", "f(\n    a,\n    b=2,  # note\n    k=1,\n)\n"),
        ("f(\r\n    a,\r\n)\r\n", "f(\r\n    a,\r\n    k=1,\r\n)\r\n"),
        ("f(\n    a\n)\n", "f(\n    a, k=1\n)\n"),
    ],
)
def test_append_follows_the_layout(source: str, expected: str) -> None:
    assert _append(source, "k=1") == expected


def test_replace_value_keeps_quotes_and_refuses_escapes() -> None:
    source = "a = 'application/json'\nb = \"app\\x6cication/json\"\nc = b'application/json'\n"
    ctx = _ctx(source)
    strings = [n for n in ctx.wrapper.resolve(ParentNodeProvider) if isinstance(n, cst.SimpleString)]
    edit = literals.replace_value(ctx, strings[0], "application/vnd.atlas.2024-11-13+json")
    assert edit is not None
    assert splice(source, [edit]).startswith("a = 'application/vnd.atlas.2024-11-13+json'\n")
    assert literals.replace_value(ctx, strings[1], "x") is None  # the source text is not the value
    assert literals.replace_value(ctx, strings[2], "x") is None  # bytes are not header strings here
    assert literals.replace_value(ctx, strings[0], "it's") is None  # would need escaping


def test_media_types_come_from_the_catalog_format() -> None:
    catalog = load_catalog()
    media = literals.MediaTypes(catalog)
    value = "text/plain, " + catalog.media_type("2023-01-01")
    found = media.find(value)
    assert found is not None and found.version == "2023-01-01"
    assert value[found.start : found.end] == "2023-01-01"
    assert media.find("application/json") is None
