"""Property-based tests of ``fix`` on mutated fixtures, through the scanner, on real files.

Each example takes a codemod fixture and mutates it the ways real files differ (CRLF or mixed line
endings, a BOM, a latin-1 cookie, no final newline, tab indentation, the code wrapped in a
function, a class, ``try`` or ``if``, unrelated code with look-alike strings in front, a
``# flexmigrate: ignore`` comment on a line, single quotes, a renamed variable, ``async def`` and
``with``), then runs ``fix`` and ``fix --unsafe-fixes`` and
requires: no crash; the output compiles when the input did; a second fix changes nothing; no line
changed that no applied finding covers; and after the fix, whatever needed a human is still
reported.  The run is seeded and bounded so the suite stays fast; a longer run of the same
properties is one command (benchmarks/README.md):

    FLEXMIGRATE_PROPERTY_EXAMPLES=2000 .venv/bin/python -m pytest tests/codemods/test_properties.py
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import tempfile
from pathlib import Path

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flexmigrate.codemods.fixer import fix_source
from flexmigrate.models.fix_policy import FixPolicy

from flexmigrate.models.findings import FixKind
from flexmigrate.scan.pipeline import ScanOptions, scan

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = sorted(
    p
    for p in FIXTURES.rglob("*.py")
    if not p.name.endswith(".after.py") and "expect: -" not in p.read_text("utf-8")[:40]
)
EXAMPLES = int(os.environ.get("FLEXMIGRATE_PROPERTY_EXAMPLES", "30"))
LOOKALIKE = (
    'def _other(t):\n    return ["/tenants/{t}", "Maintenant", "tenant_id", "/v1/tenant/settings"]\n\n\n'
)


def _indent(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(keepends=True))


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    path = draw(st.sampled_from(SOURCES))
    text = path.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    head = lines[0] if lines and lines[0].startswith("# expect") else ""
    body = "".join(lines[1:]) if head else text
    if draw(st.booleans()):
        body = LOOKALIKE + body
    if draw(st.booleans()):
        # Quote style: a double-quoted string with no quote or backslash inside becomes single-quoted.
        body = re.sub(r'(?<![\w"])([frbuFRBU]{0,2})"([^"\'\\\n]+)"', r"\1'\2'", body)
    if draw(st.booleans()) and re.search(r"\burl\b", body) and "endpoint_url" not in body:
        body = re.sub(r"(?<![.\w])url(?![\w=(])", "endpoint_url", body)  # a variable, not url= or .url
    wrap = draw(st.sampled_from(["none", "def", "async", "class", "try", "if", "with"]))
    if wrap != "none" and "from __future__" not in body:
        opener = {
            "def": "def _wrapped():\n",
            "async": "async def _wrapped():\n",
            "class": "class _Wrapped:\n",
            "try": "try:\n",
            "if": "if True:\n",
            "with": "with open(__file__) as _f:\n",
        }[wrap]
        body = opener + _indent(body, "    ") + ("except Exception:\n    pass\n" if wrap == "try" else "")
    if draw(st.booleans()):
        candidates = [
            i for i, line in enumerate(body.splitlines()) if line.rstrip().endswith((")", ":", "]"))
        ]
        if candidates:
            index = draw(st.sampled_from(candidates))
            parts = body.splitlines(keepends=True)
            line = parts[index].rstrip("\r\n")
            if line.count('"""') % 2 == 0 and line.count("'''") % 2 == 0:
                parts[index] = line + "  # flexmigrate: ignore\n"
                body = "".join(parts)
    if draw(st.booleans()):
        body = body.replace("    ", "\t")
    text = head + body
    ending = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    if ending == "\r\n":
        text = text.replace("\n", "\r\n")
    elif ending == "mixed":
        text = "".join(
            line.replace("\n", "\r\n") if i % 2 else line
            for i, line in enumerate(text.splitlines(keepends=True))
        )
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    encoding = draw(st.sampled_from(["utf-8", "bom", "latin-1"]))
    if encoding == "latin-1":
        try:
            return path.name, ("# -*- coding: latin-1 -*-\n" + text).encode("latin-1")
        except UnicodeEncodeError:
            encoding = "utf-8"
    data = text.encode("utf-8")
    return path.name, (codecs.BOM_UTF8 + data if encoding == "bom" else data)


def _compiles(data: bytes) -> bool:
    try:
        compile(data, "m.py", "exec")
        return True
    except (SyntaxError, ValueError):
        return False


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=mutated(), unsafe=st.booleans())
def test_fix_properties(case: tuple[str, bytes], unsafe: bool) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        options = ScanOptions(fix=True, write=True, unsafe_fixes=unsafe, jobs=1)
        before = scan([path], ScanOptions(unsafe_fixes=unsafe, jobs=1))
        assert not any("internal error" in (m or "") for _, m in before.errors), before.errors
        first = scan([path], options)
        assert not any("internal error" in (m or "") for _, m in first.errors), first.errors
        fixed = path.read_bytes()
        if _compiles(data):
            assert _compiles(fixed), "a fix produced code that does not compile"
        # No line changed that no applied finding covers (with the lines of a multi-line edit).
        applied = [f for f in first.findings if f.applied]
        covered = {n for f in applied for n in range(f.line - 1, (f.end_line or f.line) + 3)}
        old_lines, new_lines = data.splitlines(), fixed.splitlines()
        for tag, i1, i2, _, _ in difflib.SequenceMatcher(
            a=old_lines, b=new_lines, autojunk=False
        ).get_opcodes():
            if tag != "equal":
                assert any(n in covered for n in range(i1 + 1, max(i2, i1 + 1) + 1)), (tag, i1, i2)
        second = scan([path], options)
        assert path.read_bytes() == fixed and not second.changed, "a second fix changed the file"
        after = scan([path], ScanOptions(unsafe_fixes=unsafe, jobs=1))
        if any(f.fix is FixKind.MANUAL for f in before.findings):
            assert after.findings or after.errors, "what needed a human is no longer reported"
        kinds = {FixKind.SAFE, FixKind.UNSAFE} if unsafe else {FixKind.SAFE}
        assert not [f for f in after.findings if f.fix in kinds and f.edits], (
            "a fix left something it could apply"
        )


URL = 'requests.get(f"{BASE}/groups/{g}/clusters/{c}/backup/tenant/restores/{r}")\n'


@settings(
    max_examples=max(10, EXAMPLES // 3),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(program=hypothesmith.from_grammar(auto_target=False))
def test_grammar_generated_programs_around_a_retired_call(program: str) -> None:
    """Programs generated from Python's grammar (hypothesmith), with a retired call appended: the fix
    loop never crashes, and what it writes compiles and is left alone by a second fix."""
    source = program + ("" if program.endswith("\n") or not program else "\n") + URL
    try:
        compile(source, "g.py", "exec")
    except (SyntaxError, ValueError):
        return  # the generator's program and the call do not fit together
    try:
        outcome = fix_source(source, policy=FixPolicy(unsafe_fixes=True))
    except Exception as exc:  # libcst may reject what CPython accepts: that is reported, not a crash
        assert type(exc).__name__ in ("ParserSyntaxError", "RecursionError"), repr(exc)
        return
    compile(outcome.text, "g.py", "exec")
    assert fix_source(outcome.text, policy=FixPolicy(unsafe_fixes=True)).text == outcome.text
