"""Settings: pyproject.toml rules, the command line on top, and identifiers refused before any request."""

from __future__ import annotations

from pathlib import Path

import pytest

from flexmigrate.check.config import ConfigError, find_pyproject, read_file
from flexmigrate.cli import main

GROUP = "a" * 24
RID = "b" * 24
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, so a request would fail loudly


def test_nearest_pyproject_with_a_check_table_is_found_from_a_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flexmigrate.check]\nconcurrency = 3\nignore = ["links"]\n'
        '[tool.flexmigrate.check.normalise]\ntimestamp = ["*Date"]\nurl = false\n'
    )
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    found = find_pyproject(sub)
    assert found == tmp_path / "pyproject.toml"
    values, rules = read_file(found)
    assert values == {"concurrency": 3}
    assert rules.ignore == ("links",)
    assert rules.normalise == {"timestamp": ("*Date",), "url": ()}


def test_a_pyproject_without_the_table_is_not_a_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_pyproject(tmp_path) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("[tool.flexmigrate.check]\nconcurency = 3\n", "unknown"),
        ("[tool.flexmigrate.check]\nignore = 'links'\n", "ignore must be a list of strings"),
        ("[tool.flexmigrate.check.normalise]\nrot13 = ['*']\n", "unknown normaliser"),
        ("[tool.flexmigrate.check\n", "cannot read"),
    ],
)
def test_bad_config_files_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_file(path)


def _check(*args: str) -> list[str]:
    return ["check", "--group-id", GROUP, "--base-url", CLOSED, "--no-progress", *args]


@pytest.fixture
def creds(monkeypatch):
    monkeypatch.setenv("MONGODB_ATLAS_PUBLIC_API_KEY", "pub")
    monkeypatch.setenv("MONGODB_ATLAS_PRIVATE_API_KEY", "private-key-value")


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["check", "--group-id", "not-a-group", "--cluster", "c1", "--base-url", CLOSED],
            "groupId 'not-a-group'",
        ),
        (_check("--cluster=-bad"), "clusterName '-bad'"),
        (_check("--cluster", "c1", "--restore-id", "xyz"), "restoreId 'xyz'"),
        (_check("--cluster", "c1", "--snapshot-id", "c1/" + "Z" * 24), "snapshotId"),
        (_check("--cluster", "c1", "--cluster", "c2", "--restore-id", RID), "names no cluster"),
        (_check("--cluster", "c1", "--max-mismatch-rate", "2"), "between 0 and 1"),
        (_check("--cluster", "c1", "--concurrency", "0"), "at least 1"),
        (_check("--cluster", "c1", "--ca-bundle", "/nonexistent/ca.pem"), "no such file"),
    ],
)
def test_bad_identifiers_and_numbers_exit_2_before_any_request(creds, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "connection" not in err


def test_ids_file_lines_name_resource_cluster_and_id(tmp_path, creds, capsys):
    ids = tmp_path / "ids.txt"
    ids.write_text(f"# restore jobs\n{RID}\nsnapshots:c1/{RID}  # a snapshot\n\nbogus:{RID}\n")
    assert main(_check("--cluster", "c1", "--ids-file", str(ids))) == 2
    assert f"{ids}:5: unknown resource 'bogus'" in capsys.readouterr().err
    ids.write_text(f"c1/{RID}\nc1/{RID[:-1]}\n")
    assert main(_check("--cluster", "c1", "--ids-file", str(ids))) == 2
    assert f"{ids}:2: restoreId" in capsys.readouterr().err


def test_ids_file_is_parsed_as_a_stream():
    from flexmigrate.check.idsfile import parse_line

    assert parse_line("  # only a comment") is None
    spec = parse_line(f"snapshots:c1/{RID} # trailing")
    assert (spec.resource, spec.cluster, spec.id) == ("snapshots", "c1", RID)
    bare = parse_line(RID)
    assert (bare.resource, bare.cluster) == ("restores", None)


def test_missing_credentials_is_a_usage_error_naming_the_variables(capsys, monkeypatch):
    assert main(_check("--cluster", "c1")) == 2
    err = capsys.readouterr().err
    assert "MONGODB_ATLAS_PUBLIC_API_KEY" in err and "MONGODB_ATLAS_CLIENT_ID" in err


def test_no_command_line_option_takes_a_secret():
    from flexmigrate.cli import build_parser

    parser = build_parser()
    check = parser._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    options = {o for a in check._actions for o in a.option_strings}
    assert not {o for o in options if any(w in o for w in ("key", "secret", "password", "token"))}


def test_unreachable_server_makes_errors_not_a_crash(creds, capsys, tmp_path):
    report = tmp_path / "r.json"
    code = main(
        _check(
            "--cluster",
            "c1",
            "--restore-id",
            RID,
            "--max-attempts",
            "1",
            "--format",
            "json",
            "--output",
            str(report),
        )
    )
    assert code == 2
    text = report.read_text()
    assert '"verdict":"error"' in text and "connection failed" in text
    assert "private-key-value" not in text + capsys.readouterr().err


def test_config_option_points_at_a_file(tmp_path, creds, capsys):
    missing = tmp_path / "nope.toml"
    assert main(_check("--cluster", "c1", "--config", str(missing))) == 2
    assert "no such file" in capsys.readouterr().err
    assert Path(missing).exists() is False


@pytest.mark.parametrize("option", ["--output", "--record"])
def test_unwritable_output_is_a_usage_error(creds, capsys, tmp_path, option):
    target = tmp_path / "no-such-folder" / "file"
    assert main(_check("--cluster", "c1", "--restore-id", RID, option, str(target))) == 2
    assert f"cannot write {option}" in capsys.readouterr().err
