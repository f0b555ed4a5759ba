"""Across many repositories: ``--shard I/N`` splits a tree so the union of the shards is one full
run, and ``flexmigrate merge`` combines JSON reports (shards or repositories) into one, in any
format, each finding keeping its repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flexmigrate.cli import main
from flexmigrate.scan.pipeline import ScanOptions, scan, shard_of

CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'


def _repo(root: Path, count: int) -> Path:
    for i in range(count):
        folder = root / f"pkg{i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{i}.py").write_text(CALL if i % 3 else "x = 1\n", "utf-8")
    (root / "run.sh").write_text(
        "atlas api sharedTierSnapshots listSharedClusterBackups --clusterName c\n", "utf-8"
    )
    return root


def _shard_reports(folder: Path, count: int) -> list[str]:
    """``repo`` scanned in ``count`` shards, one JSON report each (as a CI matrix would)."""
    reports = []
    for i in range(1, count + 1):
        out = folder / f"shard{i}.json"
        main(["scan", "--isolated", "--format", "json", "--shard", f"{i}/{count}", "-o", str(out), "repo"])
        reports.append(str(out))
    return reports


def _keys(findings) -> list[tuple]:
    return sorted((f.path, f.line, f.column, f.rule) for f in findings)


def test_the_union_of_the_shards_is_the_full_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path / "repo", 40)
    full = scan(["repo"])
    shards = [scan(["repo"], ScanOptions(shard=(i, 4))) for i in range(1, 5)]
    files = [{r.path for r in s.files} for s in shards]
    assert all(files), "every shard of 40 files has some"
    assert sum(len(f) for f in files) == len(full.files) and set().union(*files) == {
        r.path for r in full.files
    }
    assert _keys(f for s in shards for f in s.findings) == _keys(full.findings)


def test_a_file_keeps_its_shard_when_files_are_added(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path / "repo", 10)
    before = {p: shard_of(p, 4) for p in Path("repo").rglob("*.py")}
    _repo(tmp_path / "repo", 30)
    assert {p: shard_of(p, 4) for p in before} == before


def test_merge_keeps_each_findings_repository(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path / "api", 6)
    _repo(tmp_path / "infra", 3)
    reports = []
    for name in ("api", "infra"):
        out = tmp_path / f"{name}.json"
        assert (
            main(
                [
                    "scan",
                    "--isolated",
                    "--format",
                    "json",
                    "--repository",
                    f"acme/{name}",
                    "-o",
                    str(out),
                    name,
                ]
            )
            == 1
        )
        reports.append(str(out))
    expected = len(scan(["api"]).findings) + len(scan(["infra"]).findings)
    assert main(["merge", "--format", "json", *reports]) == 1
    merged = json.loads(capsys.readouterr().out)
    assert len(merged["findings"]) == expected
    assert {f["repository"] for f in merged["findings"]} == {"acme/api", "acme/infra"}
    assert merged["summary"]["files"] == 6 + 1 + 3 + 1
    assert main(["merge", *reports]) == 1
    text = capsys.readouterr().out
    assert "acme/infra/infra/run.sh:1:1: FM602" in text
    assert main(["merge", "--format", "sarif", *reports]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert {r["properties"]["repository"] for r in sarif["runs"][0]["results"]} == {"acme/api", "acme/infra"}


def test_shards_of_one_repository_merge_to_the_full_report(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path / "repo", 25)
    reports = _shard_reports(tmp_path, 3)
    main(["scan", "--isolated", "--format", "json", "-o", str(tmp_path / "full.json"), "repo"])
    capsys.readouterr()
    main(["merge", "--format", "json", *reports])
    merged = json.loads(capsys.readouterr().out)
    full = json.loads((tmp_path / "full.json").read_text("utf-8"))
    key = lambda f: (f["path"], f["line"], f["column"], f["rule"])  # noqa: E731
    assert sorted(map(key, merged["findings"])) == sorted(map(key, full["findings"]))
    assert merged["summary"]["files"] == full["summary"]["files"]


def test_a_report_that_cannot_be_read_is_named_and_the_rest_merged(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path / "repo", 3)
    good = tmp_path / "good.json"
    main(["scan", "--isolated", "--format", "json", "-o", str(good), "repo"])
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    (tmp_path / "other.json").write_text('{"tool": {"name": "ruff"}}', "utf-8")
    capsys.readouterr()
    assert (
        main(["merge", str(good), str(tmp_path / "bad.json"), str(tmp_path / "other.json"), "missing.json"])
        == 2
    )
    captured = capsys.readouterr()
    assert "bad.json: not a flexmigrate JSON scan report" in captured.err
    assert "other.json: not a flexmigrate JSON scan report" in captured.err
    assert "missing.json: cannot read" in captured.err
    assert "FM602" in captured.out


@pytest.mark.parametrize("bad", ["0/3", "4/3", "x", "1/0"])
def test_a_bad_shard_is_a_usage_error(bad: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--shard", bad, "."])
    assert exc.value.code == 2


def test_merge_counts_a_report_once_and_says_which_shards_are_missing(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """A helper found the same report given twice counted twice, and a missing shard unnoticed."""
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path / "repo", 25)
    reports = _shard_reports(tmp_path, 3)
    capsys.readouterr()
    single = json.loads((tmp_path / "shard1.json").read_text("utf-8"))
    assert single["shard"] == {"index": 1, "count": 3}
    assert main(["merge", "--format", "json", reports[0], reports[0], reports[1]]) == 2
    captured = capsys.readouterr()
    merged = json.loads(captured.out)
    assert len(merged["findings"]) == len(single["findings"]) + len(
        json.loads(Path(reports[1]).read_text())["findings"]
    )
    assert "the same report twice" in captured.err
    assert "shard(s) 3/3 missing" in captured.err


def test_an_output_that_cannot_be_written_is_a_usage_error(tmp_path: Path, capsys) -> None:
    """A helper found a traceback and exit 1 (read as "findings") for ``-o /nonexistent/x``."""
    (tmp_path / "ok.py").write_text("x = 1\n", "utf-8")
    assert (
        main(["scan", "--isolated", "-o", str(tmp_path / "no" / "such" / "dir" / "r.txt"), str(tmp_path)])
        == 2
    )
    assert "cannot write the report to" in capsys.readouterr().err
    assert main(["scan", "--isolated", "-o", str(tmp_path), str(tmp_path)]) == 2


def test_a_shard_that_gets_no_file_is_not_an_include_error(tmp_path: Path, monkeypatch) -> None:
    """A CI matrix job whose shard happens to hold no file of a small tree passes; ``--include``
    fails only when files of the shard exist and none matches.  An empty folder given beside it is
    still named (both broke when the shard and the include filter moved into the walk)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.py").write_text("x = 1\n", "utf-8")
    (tmp_path / "emptyd").mkdir()
    taken = shard_of(Path("one/a.py"), 2)
    other = 3 - taken
    empty_shard = scan(["one"], ScanOptions(shard=(other, 2), include=("*.py",)))
    assert not empty_shard.problems and not empty_shard.files
    own_shard = scan(["one"], ScanOptions(shard=(taken, 2), include=("*.md",)))
    assert [reason for _, reason in own_shard.problems] == ["holds no file matching --include *.md"]
    beside = scan(["one", "emptyd"], ScanOptions(shard=(other, 2)))
    assert [str(p) for p, _ in beside.problems] == ["emptyd"]
