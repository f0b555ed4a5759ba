"""Every key of every ``[tool.flexmigrate...]`` table is checked for type and range when it is read.

A wrong value, a number out of range and an unknown key (named with the nearest known one) each
end the command with one line on stderr that names the file and the key, and exit 2: never a
traceback, never a run with a value the code cannot use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flexmigrate.check.config import FILE_KEYS
from flexmigrate.cli import main
from flexmigrate.models.config_keys import BOOL, INT, NUMBER, STRING, STRINGS, TABLE
from flexmigrate.scan.config import SCAN_KEYS

GROUP = "5f1a2b3c4d5e6f7a8b9c0d1e"
WRONG = {BOOL: '"yes"', INT: '"8"', NUMBER: '"0.5"', STRING: "3", STRINGS: '"FM1"', TABLE: "[1]"}
COMMANDS = {
    "tool.flexmigrate": (SCAN_KEYS, ["scan", "."]),
    "tool.flexmigrate.check": (
        FILE_KEYS,
        ["check", "--group-id", GROUP, "--base-url", "https://127.0.0.1:9", "--no-progress"],
    ),
}


def _run(tmp_path: Path, monkeypatch, capsys, table: str, body: str, argv: list[str]) -> tuple[int, str]:
    (tmp_path / "pyproject.toml").write_text(f"[{table}]\n{body}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MONGODB_ATLAS_PUBLIC_API_KEY", "pub")
    monkeypatch.setenv("MONGODB_ATLAS_PRIVATE_API_KEY", "private")
    code = main(argv)
    return code, capsys.readouterr().err


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


CASES = [(table, key) for table, (keys, _) in COMMANDS.items() for key in keys]


@pytest.mark.parametrize("table, key", CASES, ids=[f"{t}:{k.name}" for t, k in CASES])
def test_a_value_of_the_wrong_type_is_one_line(table, key, tmp_path, monkeypatch, capsys) -> None:
    code, err = _run(
        tmp_path, monkeypatch, capsys, table, f"{key.name} = {WRONG[key.kind]}", COMMANDS[table][1]
    )
    line = _one_line(err)
    assert code == 2
    assert (
        str(tmp_path / "pyproject.toml") in line
        and f"{key.name} must be {'an' if key.kind == INT else 'a'} {key.kind}," in line
    ), line


RANGED = [
    (t, k, bound) for t, k in CASES for bound in ("minimum", "maximum") if getattr(k, bound) is not None
]


@pytest.mark.parametrize("table, key, bound", RANGED, ids=[f"{t}:{k.name}:{b}" for t, k, b in RANGED])
def test_a_number_out_of_range_is_one_line(table, key, bound, tmp_path, monkeypatch, capsys) -> None:
    limit = getattr(key, bound)
    value = limit - 1 if bound == "minimum" else limit + 1
    value = int(value) if key.kind == INT else float(value)
    code, err = _run(tmp_path, monkeypatch, capsys, table, f"{key.name} = {value}", COMMANDS[table][1])
    line = _one_line(err)
    assert code == 2 and f"{key.name} must be at {'least' if bound == 'minimum' else 'most'}" in line, line


@pytest.mark.parametrize("table", sorted(COMMANDS))
def test_an_unknown_key_names_the_nearest_known_one(table, tmp_path, monkeypatch, capsys) -> None:
    keys, argv = COMMANDS[table]
    known = keys[0].name
    typo = known[:-1] + ("x" if known[-1] != "x" else "y")
    code, err = _run(tmp_path, monkeypatch, capsys, table, f"{typo} = 1", argv)
    line = _one_line(err)
    assert code == 2 and f"unknown key {typo!r}; did you mean {known!r}?" in line, line


def test_the_issue_example_concurrency_as_a_string(tmp_path, monkeypatch, capsys) -> None:
    code, err = _run(
        tmp_path,
        monkeypatch,
        capsys,
        "tool.flexmigrate.check",
        'concurrency = "8"',
        COMMANDS["tool.flexmigrate.check"][1],
    )
    assert code == 2
    assert _one_line(err).endswith("[tool.flexmigrate.check]: concurrency must be an integer, not '8'")


def test_scan_reads_its_table_and_the_command_line_adds_to_it(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "a.py").write_text(
        'import requests\nrequests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n',
        "utf-8",
    )
    code, _ = _run(
        tmp_path, monkeypatch, capsys, "tool.flexmigrate", 'ignore = ["FM1", "FM2"]', ["scan", "."]
    )
    assert code == 0, "every finding is ignored by the file"
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--isolated", "."]) == 1, "--isolated reads no file"


def test_the_docs_example_table_is_valid(tmp_path) -> None:
    from flexmigrate.scan.config import read_config

    page = (Path(__file__).resolve().parents[1] / "docs" / "scan-and-fix.md").read_text("utf-8")
    block = page.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(block, "utf-8")
    values = read_config(tmp_path / "pyproject.toml")
    assert set(values) == {k.attribute for k in SCAN_KEYS}, "docs/scan-and-fix.md shows every key"
