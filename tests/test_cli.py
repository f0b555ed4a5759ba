"""The command's frame: subcommands, exit codes for usage errors, --version."""

from __future__ import annotations

import pytest

from flexmigrate import __version__
from flexmigrate.cli import main


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    for command in ("scan", "fix", "rules", "check", "sandbox", "catalog", "demo"):
        assert command in err


def test_unknown_option_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--no-such-flag"])
    assert exc.value.code == 2


def test_usage_error_is_one_line_and_exit_2(capsys, tmp_path):
    assert main(["scan", "--jobs", "0", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "flexmigrate scan: error: --jobs must be at least 1"


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and __version__ in capsys.readouterr().out
