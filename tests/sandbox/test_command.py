"""``flexmigrate sandbox``: flags and a TOML scenario file become the config; the command serves and
prints its base URL and the credentials it accepts."""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap

import httpx
import pytest

from flexmigrate.cli import build_parser
from flexmigrate.sandbox import SandboxConfig, load_config_file
from flexmigrate.commands.sandbox import config_from_args
from tests.sandbox.helpers import op, path

pytestmark = pytest.mark.timeout(60)


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["sandbox", *argv])


def test_flags_become_the_config():
    config = config_from_args(
        _args(
            "--seed",
            "9",
            "--projects",
            "1",
            "--restore-jobs-per-cluster",
            "12",
            "--retired",
            "--version-error-status",
            "400",
            "--rate-limit-scale",
            "0.5",
            "--token-ttl",
            "30",
            "--latency",
            "normal",
            "--latency-ms",
            "20",
            "--error-rate",
            "0.1",
            "--error-statuses",
            "502,503",
            "--drop-rate",
            "0.05",
            "--fault-families",
            "new",
            "--drift",
            "status:value",
            "--drift",
            "snapshotId:missing:old:0.25",
            "--no-rate-limit-headers",
        )
    )
    assert (config.seed, config.projects, config.restore_jobs_per_cluster) == (9, 1, 12)
    assert config.retired and config.version_error_status == 400 and config.rate_limit_scale == 0.5
    assert config.token_ttl_seconds == 30 and not config.rate_limit_headers
    assert config.faults.latency == "normal" and config.faults.latency_ms == 20
    assert config.faults.error_statuses == (502, 503) and config.faults.families == ("new",)
    assert [(r.field, r.kind, r.family, r.fraction) for r in config.drift] == [
        ("status", "value", "new", 1.0),
        ("snapshotId", "missing", "old", 0.25),
    ]


def test_defaults_without_flags():
    assert config_from_args(_args()) == SandboxConfig()


def test_toml_file_then_flags_override(tmp_path):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        textwrap.dedent("""
        seed = 77
        retired = true
        snapshots_per_cluster = 3

        [faults]
        error_rate = 0.2
        error_statuses = [503]

        [[drift]]
        field = "status"
        kind = "volatile"
        fraction = 0.5
    """)
    )
    loaded = load_config_file(scenario)
    assert loaded.seed == 77 and loaded.retired and loaded.snapshots_per_cluster == 3
    assert loaded.faults.error_rate == 0.2 and loaded.faults.error_statuses == (503,)
    assert loaded.drift[0].kind == "volatile" and loaded.drift[0].fraction == 0.5
    config = config_from_args(_args("--config", str(scenario), "--seed", "1", "--drop-rate", "0.1"))
    assert config.seed == 1 and config.retired and config.faults.error_rate == 0.2
    assert config.faults.drop_rate == 0.1


@pytest.mark.parametrize(
    "content", ["colour = 'red'", "[faults]\nerror_rate = 2.0", "host = '0.0.0.0'", "host = 'localhost'"]
)
def test_bad_scenarios_are_usage_errors(tmp_path, capsys, content):
    from flexmigrate.cli import main

    scenario = tmp_path / "bad.toml"
    scenario.write_text(content)
    assert main(["sandbox", "--config", str(scenario)]) == 2
    assert "flexmigrate sandbox: error:" in capsys.readouterr().err


def test_command_serves_and_prints_url_and_credentials():
    proc = subprocess.Popen(
        [sys.executable, "-m", "flexmigrate", "sandbox", "--seed", "4", "--retired"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        base_url = lines[0].split()[-1]
        assert base_url.startswith("http://127.0.0.1:")
        creds = SandboxConfig().credentials
        assert f"public={creds.public_key}" in lines[1] and f"client_id={creds.client_id}" in lines[2]
        group = lines[3].split()[-1]
        operation = op("list_snapshots", "old")
        with httpx.Client(
            base_url=base_url, auth=httpx.DigestAuth(creds.public_key, creds.private_key)
        ) as client:
            response = client.get(
                path(operation, group, "flex1-cluster1"), headers={"Accept": operation.media_type}
            )
        assert response.status_code == 410
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ipv6_loopback(sandbox_factory):
    import socket

    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        sandbox = sandbox_factory(host="::1")
    except OSError as exc:
        pytest.skip(f"cannot bind ::1 here: {exc}")
    assert sandbox.base_url == f"http://[::1]:{sandbox.port}"
    assert httpx.get(sandbox.base_url + "/nowhere").status_code == 404


def test_the_documented_scenario_loads(tmp_path):
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "sandbox.md").read_text(encoding="utf-8")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(re.search(r"A scenario file:\n\n```toml\n(.*?)```", docs, re.S).group(1))
    config = load_config_file(scenario)
    assert config.faults.latency == "exponential" and [r.kind for r in config.drift] == ["value", "volatile"]


def test_access_log_and_interrupt(tmp_path):
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "flexmigrate", "sandbox", "--access-log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        base_url = proc.stdout.readline().split()[-1]
        creds = SandboxConfig().credentials
        with httpx.Client(
            base_url=base_url, auth=httpx.DigestAuth(creds.public_key, creds.private_key)
        ) as client:
            client.get("/api/atlas/v2/nowhere")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "GET /api/atlas/v2/nowhere -> 404" in err
    assert "Traceback" not in err
    assert creds.private_key not in err  # the log never carries credentials


def test_port_in_use_is_an_error_not_a_hang(sandbox, capsys):
    from flexmigrate.cli import main
    from flexmigrate.sandbox import serve_in_background

    with pytest.raises(OSError), serve_in_background(SandboxConfig(port=sandbox.port)):
        pass
    assert main(["sandbox", "--port", str(sandbox.port)]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content, message",
    [
        ("seeed = 3", "sandbox settings: unknown key 'seeed'; did you mean 'seed'?"),
        ("[faults]\nlatncy = 'fixed'", "FaultConfig: unknown key 'latncy'; did you mean 'latency'?"),
    ],
)
def test_an_unknown_scenario_key_names_the_nearest_one(tmp_path, capsys, content, message):
    from flexmigrate.cli import main

    scenario = tmp_path / "typo.toml"
    scenario.write_text(content)
    assert main(["sandbox", "--config", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
