"""Helpers for the checker's tests: run ``flexmigrate check`` in-process against a sandbox, over loopback.

Credentials go in through the environment only (as a user would set them); the command's stdout,
stderr and report file are returned for assertions.  ``XDG_CONFIG_HOME`` points at an empty folder so
a developer's own Atlas CLI profile can never be picked up, and the working directory is a temporary
folder so no pyproject.toml of the repository leaks rules in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from flexmigrate.cli import main
from flexmigrate.report.check_json import read_report

ENV_NAMES = (
    "MONGODB_ATLAS_PUBLIC_API_KEY",
    "MONGODB_ATLAS_PRIVATE_API_KEY",
    "MONGODB_ATLAS_CLIENT_ID",
    "MONGODB_ATLAS_CLIENT_SECRET",
)


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None

    @property
    def results(self) -> list[dict[str, Any]]:
        assert self.report is not None
        return self.report["results"]

    @property
    def summary(self) -> dict[str, Any]:
        assert self.report is not None
        return self.report["summary"]

    def verdicts(self) -> dict[str, str]:
        return {r["id"]: r["verdict"] for r in self.results}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "xdg"
    home.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def digest_env(sb: Any) -> dict[str, str]:
    return {ENV_NAMES[0]: sb.credentials.public_key, ENV_NAMES[1]: sb.credentials.private_key}


def oauth_env(sb: Any) -> dict[str, str]:
    return {ENV_NAMES[2]: sb.credentials.client_id, ENV_NAMES[3]: sb.credentials.client_secret}


@pytest.fixture
def run_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[..., Outcome]:
    counter = iter(range(1_000_000))

    def run(
        sb: Any, *args: str, env: dict[str, str] | None = None, cluster: Any = None, fmt: str = "json"
    ) -> Outcome:
        cluster = cluster or sb.dataset.first_cluster()
        for name, value in (digest_env(sb) if env is None else env).items():
            monkeypatch.setenv(name, value)
        report = tmp_path / f"report-{next(counter)}.{'json' if fmt == 'json' else fmt}"
        argv = ["check", "--group-id", cluster.project_id, "--base-url", sb.base_url, "--no-progress"]
        if "--cluster" not in args and "--no-cluster" not in args:
            argv += ["--cluster", cluster.name]
        argv += ["--format", fmt, "--output", str(report)]
        argv += [a for a in args if a != "--no-cluster"]
        code = main(argv)
        captured = capsys.readouterr()
        data = read_report(report) if fmt == "json" and report.exists() else None
        if fmt != "json" and report.exists():
            data = {"text": report.read_text("utf-8")}
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        return Outcome(code, captured.out, captured.err, data)

    return run


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)
