"""Fixtures shared by every test package.

``shared_dir`` is the project's research folder (``../shared`` beside the clone: CI has it, a user's
clone does not); tests that need it skip, saying why, where it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ("tests.plugins.sandbox",)

REPO = Path(__file__).resolve().parent.parent


def _find_shared() -> Path | None:
    env = os.environ.get("FLEXMIGRATE_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared")
    for cand in candidates:
        if (cand / "atlas-endpoints.json").is_file():
            return cand
    return None


SHARED = _find_shared()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if SHARED is None:
        pytest.skip(
            "../shared (the endpoint research and official spec excerpts) is not beside this clone; "
            "CI has it. Set FLEXMIGRATE_SHARED to its path to run these checks."
        )
    return SHARED
