"""The skeleton reducer: literal text with holes, and where every literal character is in the source."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from flexmigrate.codemods.engine import AnalyzeOptions, ModuleContext
from flexmigrate.codemods.url.names import Names
from flexmigrate.codemods.url.reduce import Reducer
from flexmigrate.codemods.url.skeleton import HOLE, Lit, Skeleton
from flexmigrate.catalog import load_catalog

H = HOLE


def reduce_last(source: str) -> tuple[Skeleton | None, ModuleContext]:
    """The skeleton of the value assigned by the last statement of ``source`` (``x = <expr>``)."""
    ctx = ModuleContext(
        source=source,
        path="t.py",
        wrapper=MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True),
        catalog=load_catalog(),
        options=AnalyzeOptions(),
    )
    body = ctx.module.body
    last = body[-1]
    if isinstance(last, cst.FunctionDef):
        last = last.body.body[-1]  # type: ignore[assignment]
    small = last.body[0]  # type: ignore[union-attr]
    value = small.value
    names = Names(ctx.wrapper, ctx.parents)
    return Reducer(ctx.span, names.resolve, source).reduce(value), ctx


def flat(source: str) -> str | None:
    sk, _ = reduce_last(source)
    return None if sk is None else sk.flat


def test_positions_point_at_the_source_characters() -> None:
    source = 'BASE = "https://h"\nx = f"{BASE}/a/{g}" + \'/b\' "/c" + "/%s" % (v,)\n'
    sk, _ = reduce_last(source)
    assert sk is not None
    assert sk.flat == f"https://h/a/{H}/b/c/{H}"
    for piece in sk.pieces:
        if isinstance(piece, Lit):
            for k, ch in enumerate(piece.text):
                assert source[piece.starts[k] : piece.ends[k]] == ch
                assert piece.exact(k)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"/a/b"', "/a/b"),
        ("r'/a\\b'", "/a\\b"),
        ('"""/a\n/b"""', "/a\n/b"),
        ("b'/a/b'", "/a/b"),
        ('f"/a/{x}/b"', f"/a/{H}/b"),
        ('f"/a/{x!r}/{y:>{w}}"', f"/a/{H}/{H}"),
        ('f"/a/{{x}}"', "/a/{x}"),
        ('rf"/a/{x}\\d"', f"/a/{H}\\d"),
        ("f\"/a/{'lit'}/b\"", "/a/lit/b"),
        ('"/a/%s/%d/%(k)s/%%" % (x, 1)', f"/a/{H}/{H}/{H}/%"),
        ('"/a/%(k)s/%(j)s" % {"k": "kv", "j": y}', f"/a/kv/{H}"),
        ('"/a/%s" % "one"', "/a/one"),
        ('"/a/{}/{}".format(x, "two")', f"/a/{H}/two"),
        ('"/a/{1}/{0}".format("zero", y)', f"/a/{H}/zero"),
        ('"/a/{k}/{k!r}/{{}}".format(k="kv")', f"/a/kv/{H}/{{}}"),
        ('"/a/{0.attr}/{0[1]}".format(x)', f"/a/{H}/{H}"),
        ('"/a/" + x + "/b"', f"/a/{H}/b"),
        ('x + "/b"', f"{H}/b"),
        ('("/a"\n    "/b"\n    f"/{x}")', f"/a/b/{H}"),
        ('"/".join(["", "a", x, "b"])', f"/a/{H}/b"),
        ('"/".join(("a", *rest))', f"a/{H}"),
        ("urljoin(base, '/groups/x')", f"{H}/groups/x"),
        ("urljoin(base, 'https://h/a')", "https://h/a"),
        ("urllib.parse.urljoin('https://h/api/v2/', 'groups')", "https://h/api/v2/groups"),
        ("parse.urljoin('https://h/api/v2', 'groups')", "https://h/api/groups"),
        ("urljoin(base, 'groups/x')", f"{H}/groups/x"),
    ],
)
def test_forms_reduce_to_text_with_holes(expr: str, expected: str) -> None:
    assert flat(f"result = {expr}\n") == expected


@pytest.mark.parametrize("expr", ["x", "f(x)", "1 + 2", "x.format(y)", "sep.join(parts)", "'/'.join(parts)"])
def test_non_string_expressions_do_not_reduce(expr: str) -> None:
    assert flat(f"result = {expr}\n") is None


def test_module_constants_are_inlined_and_marked() -> None:
    source = 'BASE = "https://h"\nAPI = BASE + "/api"\nx = API + "/groups"\n'
    sk, _ = reduce_last(source)
    assert sk is not None and sk.flat == "https://h/api/groups"
    owners = [(p.text, p.constant) for p in sk.pieces if isinstance(p, Lit)]
    assert owners == [("https://h", "BASE"), ("/api", "API"), ("/groups", None)]
    assert [r.value for r in sk.refs] == ["API", "BASE"]


def test_rebound_or_local_names_are_holes() -> None:
    assert flat('BASE = "a"\nBASE = "b"\nx = BASE + "/c"\n') == f"{H}/c"
    assert flat('BASE = "a"\ndef f(BASE):\n    x = BASE + "/c"\n') == f"{H}/c"


def test_constant_cycles_end() -> None:
    source = 'A = B + "/a"\nB = A + "/b"\nx = A + "/c"\n'
    assert flat(source) == f"{H}/b/a/c"


def test_escapes_are_not_exact() -> None:
    sk, _ = reduce_last('x = "/a/\\x74enant/b"\n')
    assert sk is not None and sk.flat == "/a/tenant/b"
    lit = sk.pieces[0]
    assert isinstance(lit, Lit)
    t = lit.text.index("t")
    assert not lit.exact(t) and lit.exact(t + 1)


def test_doubled_braces_and_percent_are_not_exact() -> None:
    for expr, ch in (('f"/{{a}}"', "{"), ('"/%%" % ()', "%"), ('"/{{}}".format()', "{")):
        sk, _ = reduce_last(f"result = {expr}\n")
        assert sk is not None
        found = [(p, k) for p in sk.pieces if isinstance(p, Lit) for k, c in enumerate(p.text) if c == ch]
        assert found and not any(p.exact(k) for p, k in found), expr


def test_join_separators_are_shared_and_elements_removable() -> None:
    source = 'x = "/".join(["a", "b", c])\n'
    sk, _ = reduce_last(source)
    assert sk is not None
    seps = [p for p in sk.pieces if isinstance(p, Lit) and p.text == "/"]
    assert len(seps) == 2 and all(p.shared and not p.exact(0) for p in seps)
    a = next(p for p in sk.pieces if isinstance(p, Lit) and p.text == "a")
    assert a.element is not None and source[a.element[0] : a.element[1]] == '"a", '


def test_appended_segment_lists_are_noted() -> None:
    source = 'def f(g):\n    parts = ["", "a"]\n    parts.append(g)\n    parts.extend(["b", "c"])\n    x = "/".join(parts)\n'
    sk, _ = reduce_last(source)
    assert sk is not None
    assert sk.flat == f"/a/{H}/b/c"
    assert "appended-later" in sk.notes


def test_relative_join_to_unknown_base_is_noted() -> None:
    sk, _ = reduce_last("x = urljoin(base, 'groups/a')\n")
    assert sk is not None and "relative-join" in sk.notes
    sk, _ = reduce_last("x = urljoin(base, '/groups/a')\n")
    assert sk is not None and "relative-join" not in sk.notes


def test_implicit_concatenation_tokens_can_be_removed_whole() -> None:
    source = 'x = ("/a"\n     "/b")\n'
    sk, _ = reduce_last(source)
    assert sk is not None
    second = sk.pieces[1]
    assert isinstance(second, Lit) and second.removal is not None
    assert source[second.removal[0] : second.removal[1]] == '\n     "/b"'
