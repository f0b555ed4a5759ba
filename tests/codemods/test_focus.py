"""The focus step: libcst sees only the statements that can matter, and the findings do not change.

Recall first: every codemod fixture, the sample project and every fixture embedded in a large
unrelated module give exactly the findings (rules, fix kinds, messages, edits) of the
whole-module analysis.  Then the masking itself: same length and line breaks, kept statements
byte for byte, names followed by scope, and what is always kept.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.codemods.candidates import candidate_test
from flexmigrate.codemods.context import AnalyzeOptions
from flexmigrate.codemods.engine import analyze
from flexmigrate.codemods.focus import focus

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCES = sorted(
    [p for p in FIXTURES.rglob("*.py") if p.parent.name != "comments"]
    + list((ROOT / "flexmigrate" / "samples").rglob("*.py"))
)
CATALOG = load_catalog()
TOKENS = candidate_test(CATALOG)
KEYS = CATALOG.renamed_response_keys()

# Realistic module-level code that shares no name with the fixtures: constants, a module-level
# loop whose target shadows a common parameter name, classes, decorators, "tenant" near misses,
# other URLs, JSON reads of other keys.
NOISE = textwrap.dedent(
    '''\
    NOISE_LIMIT_{i} = {i}
    for c in range(2):
        NOISE_LIMIT_{i} += c


    def noise_helper_{i}(tenant_id, c):
        """Maintenant: every tenant has its own schema."""
        url = f"https://example.com/tenants/{{tenant_id}}/clusters/{{c}}"
        return {{"url": url, "limit": NOISE_LIMIT_{i}}}["url"]


    class NoiseClient{i}:
        base = "https://example.com/api"

        @staticmethod
        def fetch(session, name):
            return session.get(NoiseClient{i}.base + "/things/" + name).json()["results"]

    '''
)


def _noise(count: int, start: int = 0) -> str:
    return "".join(NOISE.format(i=i) for i in range(start, start + count))


def _keys(findings) -> list[tuple]:
    return [
        (f.line, f.column, f.end_line, f.end_column, f.rule, f.fix, f.message, f.edits, f.unit)
        for f in findings
    ]


def _shift_lines(message: str, shift: int) -> str:
    """``line 9`` and ``line(s) 10, 14`` in a message, moved down by ``shift`` lines."""
    return re.sub(
        r"(line(?:\(s\))? )(\d+(?:, \d+)*)",
        lambda m: m.group(1) + ", ".join(str(int(n) + shift) for n in m.group(2).split(", ")),
        message,
    )


def _analyze(text: str, *, focused: bool) -> list:
    return analyze(text, options=AnalyzeOptions(focus=focused))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_focus_gives_the_whole_module_findings(source: Path) -> None:
    text = source.read_text("utf-8")
    assert _keys(_analyze(text, focused=True)) == _keys(_analyze(text, focused=False))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_fixture_inside_a_large_unrelated_module_is_found_alike(source: Path) -> None:
    """The fixture between 40 noise blocks gives its own findings, moved down by the noise's lines."""
    text = source.read_text("utf-8")
    if not text.endswith("\n"):
        text += "\n"
    before, after = _noise(20), _noise(20, start=20)
    shift = before.count("\n")
    alone = _analyze(text, focused=True)
    embedded = _analyze(before + text + after, focused=True)
    offset = len(before)
    moved = [
        (
            f.line + shift,
            f.column,
            f.end_line + shift if f.end_line else f.end_line,
            f.end_column,
            f.rule,
            f.fix,
            _shift_lines(f.message, shift),
            tuple(type(e)(e.start + offset, e.end + offset, e.text) for e in f.edits),
            f.unit,
        )
        for f in alone
    ]
    assert _keys(embedded) == moved


def test_embedded_and_whole_module_analyses_agree() -> None:
    """The same, against the whole-module analysis of the embedded text, for a few fixtures."""
    chosen = [p for p in SOURCES if p.name.endswith(".before.py")][::6]
    assert len(chosen) >= 5
    for source in chosen:
        text = _noise(5) + source.read_text("utf-8") + "\n" + _noise(5, start=5)
        assert _keys(_analyze(text, focused=True)) == _keys(_analyze(text, focused=False)), source.name


def _check_shape(original: str, masked: str) -> None:
    assert len(masked) == len(original)
    assert [i for i, ch in enumerate(masked) if ch in "\r\n"] == [
        i for i, ch in enumerate(original) if ch in "\r\n"
    ]
    ast.parse(masked)


MODULE = textwrap.dedent(
    '''\
    """Backups."""
    import os, requests
    BASE = "https://cloud.mongodb.com/api/atlas/v2"
    c = "module-level c"


    def unrelated_reader_of_os(c):
        return os.path.join(c, "x")


    @decorated
    def restore(g, c, r):
        return requests.get(f"{BASE}/groups/{g}/clusters/{c}/backup/tenant/restores/{r}")


    def other_user_of_base():
        return BASE + "/other"


    def caller():
        return restore("g", "c", "r")["status"]


    def reads_c_of_the_module():
        return c.upper()


    class Settings:
        timeout = 30
    '''
)


def _kept_names(masked: str) -> set[str]:
    tree = ast.parse(masked)
    out = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            out.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            out.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return out


def test_names_are_followed_by_scope() -> None:
    masked = focus(MODULE, TOKENS, KEYS)
    assert masked is not None
    _check_shape(MODULE, masked)
    kept = _kept_names(masked)
    # The call, the constant it reads, the other reader of that constant (its rewrite depends on
    # every use), and the caller of the function that makes the call.
    assert {"restore", "BASE", "other_user_of_base", "caller"} <= kept
    # A parameter named c is not the module's c; a module imported beside requests links nothing.
    assert "c" not in kept and "reads_c_of_the_module" not in kept
    assert "unrelated_reader_of_os" not in kept and "Settings" not in kept
    assert "import os, requests" in masked


def test_kept_statements_are_byte_for_byte_and_masks_are_strings() -> None:
    masked = focus(MODULE, TOKENS, KEYS)
    assert masked is not None
    for line in MODULE.splitlines():
        if "tenant/restores" in line or line.startswith("BASE ="):
            assert line in masked.splitlines()
    tree = ast.parse(masked)
    bare = [s for s in tree.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)]
    assert bare and all(set(s.value.value) <= {" ", "\n"} for s in bare[1:])


@pytest.mark.parametrize(
    "extra, name",
    [
        ("def f():\n    global LAST\n    LAST = 1\n\n\ndef g():\n    return LAST\n", "g"),
        ("class Reader:\n    c = c + '!'\n", "Reader"),
        ("__all__ = ['restore']\n", "__all__"),
        ("def show(job):\n    print(job['clusterName'])\n", "show"),
        ("def show(job):\n    print(job['cluster' 'Name'])\n", "show"),
    ],
)
def test_what_is_always_kept(extra: str, name: str) -> None:
    text = MODULE + "\n\n" + extra + "\n\ndef restore_caller_of_g():\n    restore(1, 2, 3)\n    g = 1\n"
    if name == "g":  # link the global: the call's function writes it
        text = text.replace("def restore(g, c, r):\n", "def restore(g, c, r):\n    global LAST\n")
    if name == "Reader":  # a class body that reads the module's c: c is linked to the call
        text = text.replace("def restore(g, c, r):\n", "def restore(g, x, r):\n    print(c)\n")
    masked = focus(text, TOKENS, KEYS)
    assert masked is not None
    _check_shape(text, masked)
    if name == "__all__":
        assert "__all__ = ['restore']" in masked
    else:
        assert name in _kept_names(masked)


def test_a_star_import_is_always_kept() -> None:
    text = "from paths import *\n\n\n" + MODULE
    masked = focus(text, TOKENS, KEYS)
    assert masked is not None and masked.startswith("from paths import *\n")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x = (\n", id="not Python to ast"),
        pytest.param('x = "no candidate here"\ny = 2\n', id="no candidate token"),
        pytest.param('u = "/backup/tenant/restores"\n', id="one statement"),
        pytest.param('u = "/backup/tenant/restores"\r\nv = 1\rw = 2\r\n', id="old Mac line ends"),
        pytest.param('u = "/backup/tenant/restores"\nprint(u)\n', id="everything kept"),
    ],
)
def test_modules_analysed_whole(text: str) -> None:
    assert focus(text, TOKENS, KEYS) is None


def test_crlf_short_lines_and_a_missing_final_newline() -> None:
    text = MODULE.replace("\n", "\r\n") + "x=1\r\n@d\r\ndef f(): pass"
    masked = focus(text, TOKENS, KEYS)
    assert masked is not None
    _check_shape(text, masked)
    assert masked.endswith("def f(): pass") or masked.rstrip().endswith('"""')


def test_a_module_too_deep_for_libcst_metadata_is_analysed_around_the_call() -> None:
    """A 3,000-part string (as in CPython's ``pydoc_data/topics.py``) elsewhere no longer stops it.

    libcst's metadata providers recurse once per part and gave up on the whole module before.
    """
    deep = "TOPICS = {'a': " + " ".join(f"'t{i}'" for i in range(3000)) + "}\n\n\n"
    text = deep + 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'
    rules = [f.rule for f in analyze(text)]
    assert "FM101" in rules
