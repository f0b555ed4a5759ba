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


def test_every_command_is_listed_where_it_is_registered():
    """``SUBCOMMANDS`` says which module registers which commands, so that a run imports only its
    own module: hold it to what the modules really register."""
    import argparse
    import importlib

    from flexmigrate.commands import SUBCOMMANDS

    for module, commands in SUBCOMMANDS:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        assert tuple(sub.choices) == commands, module


def test_a_command_imports_its_own_module_only():
    """``flexmigrate scan`` does not import the other commands (the checker's HTTP settings, the
    sandbox, the demo); every command is still named in the usage, and ``--help`` lists all."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from flexmigrate.cli import main\n"
        "main(['rules'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('flexmigrate.commands.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "['flexmigrate.commands.scan']", done.stdout + done.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "flexmigrate", "scan", "--no-such-option"], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "--no-such-option" in usage.stderr
    listed = subprocess.run([sys.executable, "-m", "flexmigrate", "--help"], capture_output=True, text=True)
    for name in ("scan", "fix", "rules", "merge", "report", "check", "sandbox", "catalog", "demo"):
        assert f"    {name}" in listed.stdout, name


def test_a_catalog_of_ones_own_that_cannot_be_read_is_one_line(tmp_path):
    """``$FLEXMIGRATE_CATALOG`` naming a missing folder or broken JSON gave a traceback from every
    command, and, on a tree large enough for workers, a "process pool is not usable" one from them."""
    import os
    import subprocess
    import sys

    from flexmigrate.scan.pipeline import PARALLEL_TRIAGE

    small = tmp_path / "small"
    small.mkdir()
    (small / "a.py").write_text("x = 1\n", "utf-8")
    large = tmp_path / "large"
    large.mkdir()
    for i in range(PARALLEL_TRIAGE + 1):
        (large / f"m{i}.py").write_text("x = 1\n", "utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "endpoints.json").write_text("{", "utf-8")
    for folder, reason in (
        (tmp_path / "missing", "missing: cannot read the catalog folder: No such file or directory"),
        (broken, "endpoints.json: cannot read: Expecting property name"),
    ):
        env = {**os.environ, "FLEXMIGRATE_CATALOG": str(folder)}
        for argv in (
            ["scan", "--isolated", str(small)],
            ["scan", "--isolated", str(large)],
            ["catalog"],
            ["--help"],
        ):
            done = subprocess.run(
                [sys.executable, "-m", "flexmigrate", *argv],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            assert done.returncode == 2, (argv, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr and reason in done.stderr, (argv, done.stderr)
            assert len(done.stderr.strip().splitlines()) == 1, (argv, done.stderr)
