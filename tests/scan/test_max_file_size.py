"""``--max-file-size``: a file over the limit is never analysed, and never passed over in silence.

It is read in chunks through the byte prefilter: one that cannot hold a retired call is clean, one
that can is reported with a one-line reason and the run exits 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.cli import main
from flexmigrate.scan.pipeline import DEFAULT_MAX_FILE_SIZE, ScanOptions, scan
from flexmigrate.languages.prefilter import Prefilter

CALL = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'
NOISE = "".join(f"def f{i}(x):\n    return {i}\n\n" for i in range(200))  # about 6 KB, no token


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_large_file_that_may_call_is_reported_and_exits_2(tmp_path, capsys) -> None:
    big = _write(tmp_path, "big.py", NOISE + CALL)
    code = main(["scan", "--isolated", "--max-file-size", "2KB", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2
    line = next(line for line in (out + err).splitlines() if str(big) in line)
    assert "over the --max-file-size limit of" in line and "not analysed" in line


def test_a_large_file_that_cannot_call_is_clean(tmp_path, capsys) -> None:
    _write(tmp_path, "big.py", NOISE)
    _write(tmp_path, "small.py", CALL)
    code = main(["scan", "--isolated", "--max-file-size", "2KB", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1, "the small file's finding, and nothing skipped"
    assert "FM000" not in out + err


def test_no_limit_and_the_default(tmp_path) -> None:
    big = _write(tmp_path, "big.py", NOISE + CALL)
    result = scan([big], ScanOptions(max_file_size=0))
    assert not result.errors and "FM101" in [f.rule for f in result.findings]
    assert scan([big]).findings, f"{big.stat().st_size} bytes is far below the default"
    assert DEFAULT_MAX_FILE_SIZE >= 1024 * 1024


def test_configuration_and_bad_values(tmp_path, monkeypatch, capsys) -> None:
    _write(tmp_path, "big.py", NOISE + CALL)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.flexmigrate]\nmax-file-size = "2KB"\n', "utf-8")
    assert main(["scan", "big.py"]) == 2
    assert "over the --max-file-size limit of 2.0 KiB" in capsys.readouterr().out
    assert main(["scan", "--max-file-size", "1MiB", "big.py"]) == 1, "the command line wins"
    capsys.readouterr()
    (tmp_path / "pyproject.toml").write_text('[tool.flexmigrate]\nmax-file-size = "lots"\n', "utf-8")
    assert main(["scan", "big.py"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "max-file-size" in err[0] and "lots" in err[0]
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--max-file-size", "10XB", "big.py"])
    assert exc.value.code == 2


@pytest.mark.parametrize("cut", range(1, 8))
def test_a_token_across_a_chunk_edge_is_found(tmp_path, cut) -> None:
    """Chunks overlap, so ``tenant`` split by a chunk edge at any letter still matches."""
    catalog = load_catalog()
    prefilter = Prefilter(catalog.prefilter_tokens())
    text = "x" * (64 - cut) + "tenant" + "y" * 100
    path = tmp_path / "f.py"
    path.write_text(text, "ascii")
    assert prefilter.may_match_file(path, chunk_size=64)
    path.write_text(text.replace("tenant", "tenan_t"), "ascii")
    assert not prefilter.may_match_file(path, chunk_size=64)


@pytest.mark.parametrize("cut", range(0, 12))
def test_an_escaped_segment_across_a_chunk_edge_is_found(tmp_path, cut) -> None:
    prefilter = Prefilter([b"tenant"], ["tenant"])
    path = tmp_path / "f.py"
    path.write_bytes(b"x" * (64 - cut) + b'"/backup/\\x74en\\u0061nt/restores"' + b" " * 200)
    assert prefilter.may_match_file(path, chunk_size=64)
    path.write_bytes(b"x" * (64 - cut) + b'"/backup/\\x74/restores"' + b" " * 200)
    assert not prefilter.may_match_file(path, chunk_size=64)
