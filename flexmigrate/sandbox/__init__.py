"""A local MongoDB Atlas for the retired tenant (M2/M5) backup endpoints and their Flex replacements.

A real HTTP server on loopback that authenticates like Atlas (Digest API keys, OAuth service accounts),
answers both endpoint families from one seeded data set, enforces versions and rate limits, and can be
told to misbehave (sunset, faults, drift) so the checker can be tested against it.  Imported by the CLI
and by tests only; the checker talks to it over HTTP like to Atlas.

    from flexmigrate.sandbox import SandboxConfig, serve_in_background
    with serve_in_background(SandboxConfig(seed=7)) as sandbox:
        sandbox.base_url, sandbox.credentials, sandbox.dataset
"""

from flexmigrate.sandbox.config import Credentials, DriftRule, FaultConfig, SandboxConfig, load_config_file
from flexmigrate.sandbox.runner import RunningSandbox, serve_forever, serve_in_background

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
