"""Where the checker's credentials come from: environment variables or an Atlas CLI profile, nothing else.

Never from a command-line argument (it would sit in shell history and ``ps``), and never written
anywhere: :class:`Credentials` hides its secrets from ``repr`` and the redactor scrubs them from
all output.  The variable names, config file location and profile keys are the Atlas CLI's, kept in
``check.json`` so a team can reuse what ``atlas config init`` already wrote.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class CredentialsError(Exception):
    """No usable credentials, or an unreadable profile (one line, for the user)."""


@dataclass(frozen=True)
class Credentials:
    """API keys (HTTP Digest) or a service account (OAuth 2 client credentials)."""

    public_key: str | None = None
    private_key: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    base_url: str | None = None  # from a profile (ops_manager_url / service), if it names one
    source: str = ""  # "environment" or "profile NAME", for messages

    @property
    def method(self) -> str:
        if self.client_id and self.client_secret:
            return "service-account"
        if self.public_key and self.private_key:
            return "digest"
        return "none"

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.private_key, self.client_secret) if s)


def config_path(policy: Mapping[str, Any], env: Mapping[str, str]) -> Path:
    """The Atlas CLI's ``config.toml`` ($XDG_CONFIG_HOME/atlascli, else ~/.config/atlascli)."""
    base = env.get(policy["config_dir_env"]) or os.path.expanduser(policy["config_dir_fallback"])
    return Path(base) / policy["config_subdir"] / policy["config_file"]


def from_environment(policy: Mapping[str, Any], env: Mapping[str, str]) -> Credentials | None:
    names = policy["env"]
    values = {attr: env.get(var) or None for attr, var in names.items()}
    creds = Credentials(**values, source="environment")
    return creds if creds.method != "none" else None


def from_profile(
    policy: Mapping[str, Any], name: str, env: Mapping[str, str], base_urls: Mapping[str, str]
) -> Credentials:
    path = config_path(policy, env)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise CredentialsError(f"no Atlas CLI config file at {path} (profile {name!r})") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CredentialsError(f"cannot read Atlas CLI config {path}: {type(exc).__name__}") from None
    profile = data.get(name)
    if not isinstance(profile, dict):
        raise CredentialsError(f"no profile [{name}] in {path}")
    keys = policy["profile_keys"]
    base_url = profile.get(keys["base_url"]) or base_urls.get(profile.get(keys["service"], ""), None)
    creds = Credentials(
        public_key=profile.get(keys["public_key"]),
        private_key=profile.get(keys["private_key"]),
        client_id=profile.get(keys["client_id"]),
        client_secret=profile.get(keys["client_secret"]),
        base_url=base_url,
        source=f"profile {name}",
    )
    if creds.method == "none":
        raise CredentialsError(
            f"profile [{name}] in {path} has neither {keys['public_key']}/{keys['private_key']} "
            f"nor {keys['client_id']}/{keys['client_secret']}"
        )
    return creds


def resolve(
    policy: Mapping[str, Any],
    base_urls: Mapping[str, str],
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Credentials:
    """An explicit ``--profile`` wins; else the environment; else the default profile, if any.

    (The Atlas CLI lets environment variables override a profile; an explicit ``--profile`` on our
    command line is taken as the stronger statement of intent.)
    """
    env = os.environ if env is None else env
    if profile:
        return from_profile(policy, profile, env, base_urls)
    creds = from_environment(policy, env)
    if creds is not None:
        return creds
    if config_path(policy, env).is_file():
        return from_profile(policy, policy["default_profile"], env, base_urls)
    names = policy["env"]
    raise CredentialsError(
        f"no credentials: set {names['public_key']} and {names['private_key']} (API key), or "
        f"{names['client_id']} and {names['client_secret']} (service account), or use --profile"
    )
