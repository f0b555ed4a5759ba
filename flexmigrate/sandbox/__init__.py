"""A local MongoDB Atlas for the retired tenant (M2/M5) backup endpoints and their Flex replacements.

A real HTTP server on loopback that authenticates like Atlas (Digest API keys, OAuth service accounts),
answers both endpoint families from one seeded data set, enforces versions and rate limits, and can be
told to misbehave (sunset, faults, drift) so the checker can be tested against it.  Imported by the CLI
and by tests only; the checker talks to it over HTTP like to Atlas.

    from flexmigrate.sandbox import SandboxConfig, serve_in_background
    with serve_in_background(SandboxConfig(seed=7)) as sandbox:
        sandbox.base_url, sandbox.credentials, sandbox.dataset
"""

from __future__ import annotations

import importlib
from typing import Any

# What this package exports, and the module each name lives in: imported on first use, so that
# ``flexmigrate scan`` (whose parser registers the sandbox command) never loads the server.
_EXPORTS = {
    "Credentials": "config",
    "DriftRule": "config",
    "FaultConfig": "config",
    "SandboxConfig": "config",
    "load_config_file": "config",
    "RunningSandbox": "runner",
    "serve_forever": "runner",
    "serve_in_background": "runner",
}

__all__ = [
    "Credentials",
    "DriftRule",
    "FaultConfig",
    "RunningSandbox",
    "SandboxConfig",
    "load_config_file",
    "serve_forever",
    "serve_in_background",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
