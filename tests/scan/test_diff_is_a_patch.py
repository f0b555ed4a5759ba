"""``fix --diff`` prints a patch that ``git apply`` and ``patch -p1`` accept and that yields exactly the fixed files.

Every codemod fixture, in five forms: as it is, with CRLF line endings, with a UTF-8 BOM, with a
latin-1 encoding cookie (and a latin-1 byte in a comment), and without a newline at its end.  For
each form the whole tree is diffed once; the patch is checked by the real ``git apply --check`` and
``patch -p1 --dry-run``, applied with ``git apply`` to one copy, and compared byte for byte with a
second copy fixed by ``flexmigrate fix``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from flexmigrate.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "codemods" / "fixtures"
BEFORES = sorted(FIXTURES.rglob("*.before.py"))

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("patch") is None, reason="needs git and GNU patch on the PATH"
)


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def _latin1(data: bytes) -> bytes:
    if b"coding" in data.split(b"\n", 2)[0] or not data.isascii():
        return data
    return b"# -*- coding: latin-1 -*-\n# caf\xe9 de l'\xe9quipe\n" + data


def _no_final_newline(data: bytes) -> bytes:
    return data.rstrip(b"\r\n")


FORMS = {
    "as_is": lambda d: d,
    "crlf": _crlf,
    "bom": _bom,
    "latin1": _latin1,
    "no_final_newline": _no_final_newline,
}


def _tree(root: Path, form) -> list[Path]:
    out = []
    for before in BEFORES:
        target = root / "src" / before.relative_to(FIXTURES).with_name(before.name.replace(".before", ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(form(before.read_bytes()))
        out.append(target.relative_to(root))
    return out


def _git(cwd: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, timeout=60)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_diff_applies_and_equals_the_fix(form: str, tmp_path: Path, monkeypatch, capsysbinary) -> None:
    patched, fixed = tmp_path / "patched", tmp_path / "fixed"
    files = _tree(patched, FORMS[form])
    _tree(fixed, FORMS[form])
    assert files
    _git(patched, "init", "-q")

    monkeypatch.chdir(patched)
    assert main(["fix", "--diff", "src"]) == 1
    patch = capsysbinary.readouterr().out
    assert patch.startswith(b"--- a/src/"), patch[:200]
    monkeypatch.chdir(fixed)
    assert main(["fix", "src"]) in (0, 1)
    capsysbinary.readouterr()

    changed = [f for f in files if (fixed / f).read_bytes() != (patched / f).read_bytes()]
    assert changed, "the fixtures must change under fix"
    if form == "no_final_newline":
        assert b"\\ No newline at end of file\n" in patch

    check = _git(patched, "apply", "--check", "-", data=patch)
    assert check.returncode == 0, check.stderr.decode(errors="replace")
    dry = subprocess.run(
        ["patch", "-p1", "--dry-run", "--batch"], cwd=patched, input=patch, capture_output=True, timeout=60
    )
    assert dry.returncode == 0, dry.stdout.decode(errors="replace") + dry.stderr.decode(errors="replace")
    applied = _git(patched, "apply", "-", data=patch)
    assert applied.returncode == 0, applied.stderr.decode(errors="replace")
    for f in files:
        assert (patched / f).read_bytes() == (fixed / f).read_bytes(), f"{f}: the patch and fix differ"


def test_a_change_no_patch_can_carry_is_said_in_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from flexmigrate.report.scan_text import file_patch

    with pytest.raises(ValueError, match="NUL"):
        file_patch("x.py", b"a\0\n", b"b\n")


CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'


def _dry_run(tmp_path: Path, *flags: str):
    """``flexmigrate fix FLAGS`` as a user runs it, on one file with two safe fixes; the file is
    checked to be untouched."""
    import sys

    target = tmp_path / "calls.py"
    target.write_text(CALL)
    done = subprocess.run(
        [sys.executable, "-m", "flexmigrate", "fix", *flags, "--isolated", str(target)],
        capture_output=True,
        text=True,
    )
    assert target.read_text() == CALL, "a dry run writes nothing"
    return done


def test_the_diff_summary_says_what_would_be_fixed_not_fixed(tmp_path: Path) -> None:
    """``fix --diff`` writes nothing, so its summary must not say it fixed anything."""
    done = _dry_run(tmp_path, "--diff")
    assert done.returncode == 1
    assert "would fix 2 in 1 file(s)" in done.stderr and "fixed 2" not in done.stderr


def test_the_check_summary_says_what_would_be_fixed(tmp_path: Path) -> None:
    done = _dry_run(tmp_path, "--check")
    assert done.returncode == 1 and "would fix 2 in 1 file(s)" in done.stdout
    assert (
        "[applied]" not in done.stdout and "FM101 [safe]" in done.stdout and "= would be fixed" in done.stdout
    )


def test_a_dry_run_json_report_says_so(tmp_path: Path) -> None:
    """``fix --check --format json`` writes nothing: its "applied" fixes are the ones it would write,
    and the report says it was a dry run (and still holds to the published schema)."""
    import json

    import jsonschema

    done = _dry_run(tmp_path, "--check", "--format", "json")
    doc = json.loads(done.stdout)
    assert done.returncode == 1 and doc["dry_run"] is True and doc["summary"]["by_fix"]["applied"] == 2
    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "docs/schemas/findings-v1.schema.json").read_text()
    )
    jsonschema.validate(doc, schema)
