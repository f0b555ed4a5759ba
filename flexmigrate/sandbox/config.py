"""What a sandbox run looks like: one dataclass tree, every field with a default.

The same tree is filled from keyword arguments (tests), from command-line flags and from a TOML file
(``flexmigrate sandbox --config FILE``), so a scenario written down once replays exactly: every random
choice the sandbox makes is drawn from ``random.Random`` streams derived from ``seed``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexmigrate.models.config_keys import unknown_key_message

__all__ = [
    "Credentials",
    "ABSENT",
    "DRIFT_KINDS",
    "DriftRule",
    "FIELD_DRIFT_KINDS",
    "FaultConfig",
    "SandboxConfig",
    "config_from_mapping",
    "load_config_file",
]

LATENCY_DISTRIBUTIONS = ("none", "fixed", "uniform", "normal", "exponential")
FIELD_DRIFT_KINDS = ("value", "missing", "type", "volatile")
ABSENT = "absent"  # the record-level kind: the record does not exist in the family at all
DRIFT_KINDS = (*FIELD_DRIFT_KINDS, ABSENT)
FAULT_STATUSES = (500, 502, 503)


@dataclass(frozen=True)
class Credentials:
    """The sandbox-only credentials it accepts: an API key pair (Digest) and a service account (OAuth).

    They are test values, not secrets: the CLI prints them so a client can be pointed at the sandbox.
    """

    public_key: str = "sandboxpub"
    private_key: str = "00000000-0000-4000-8000-000000000000"
    client_id: str = "mdb_sa_id_sandbox"
    client_secret: str = "mdb_sa_sk_sandbox"


@dataclass(frozen=True)
class FaultConfig:
    """Misbehaviour injected into API answers (never into the OAuth endpoints).

    Rates are probabilities per request, drawn in request-arrival order from a stream seeded by the
    sandbox seed, so the same seed and the same request sequence give the same faults.
    """

    latency: str = "none"  # one of LATENCY_DISTRIBUTIONS
    latency_ms: float = 0.0  # mean (fixed: exact; uniform: 0..2*mean; normal: sd = mean/4)
    error_rate: float = 0.0  # share of requests answered 500/502/503
    error_statuses: tuple[int, ...] = FAULT_STATUSES
    retry_after_seconds: int = 1  # sent with injected 503s
    drop_rate: float = 0.0  # connection closed without an answer
    truncate_rate: float = 0.0  # body cut in half (Content-Length still announces the whole body)
    malformed_rate: float = 0.0  # complete answer whose body is not JSON
    slow_body_rate: float = 0.0  # body dribbled in small chunks
    slow_body_chunk: int = 16  # bytes per dribbled chunk
    slow_body_interval_ms: float = 5.0  # pause between dribbled chunks
    families: tuple[str, ...] = ("old", "new")  # which families the faults hit

    def __post_init__(self) -> None:
        if self.latency not in LATENCY_DISTRIBUTIONS:
            raise ValueError(f"latency must be one of {', '.join(LATENCY_DISTRIBUTIONS)}")
        for name in ("error_rate", "drop_rate", "truncate_rate", "malformed_rate", "slow_body_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if sum(self.rates()) > 1.0:
            raise ValueError("the fault rates add up to more than 1")
        bad = [s for s in self.error_statuses if s not in FAULT_STATUSES]
        if bad or not self.error_statuses:
            raise ValueError(f"error_statuses must be a non-empty subset of {FAULT_STATUSES}")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if not set(self.families) <= {"old", "new"}:
            raise ValueError("fault families must be 'old' and/or 'new'")

    def rates(self) -> tuple[float, ...]:
        return (self.error_rate, self.drop_rate, self.truncate_rate, self.malformed_rate, self.slow_body_rate)

    @property
    def active(self) -> bool:
        return self.latency != "none" or any(self.rates())


@dataclass(frozen=True)
class DriftRule:
    """Make one field differ between the families for some records, or the records exist in one only.

    ``field`` is named as either family names it (``clusterName`` or ``instanceName``); ``family`` is the
    side whose answers are altered ("new" = Flex by default); ``kind`` is one of ``value`` (another
    valid value), ``missing`` (field left out), ``type`` (same information, another JSON type),
    ``volatile`` (changes on every read) or ``absent`` (the whole record is unknown to ``family``: its
    GET answers 404 and its list leaves it out; this kind takes no ``field``).  ``record`` picks
    restore jobs or snapshots; ``ids`` pins the records, otherwise ``fraction`` of them is chosen with
    the seed.
    """

    field: str = ""
    kind: str = "value"
    family: str = "new"
    record: str = "restore_job"  # or "snapshot"
    fraction: float = 1.0
    ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in DRIFT_KINDS:
            raise ValueError(f"drift kind must be one of {', '.join(DRIFT_KINDS)}")
        if self.kind == ABSENT and self.field:
            # Refused rather than ignored: a field here suggests the user expects it to matter.
            raise ValueError(
                f"drift kind 'absent' removes whole records and takes no field (got {self.field!r})"
            )
        if self.kind != ABSENT and not self.field:
            raise ValueError(f"drift kind {self.kind!r} needs a field")
        if self.family not in ("old", "new"):
            raise ValueError("drift family must be 'old' or 'new'")
        if self.record not in ("restore_job", "snapshot"):
            raise ValueError("drift record must be 'restore_job' or 'snapshot'")
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError("drift fraction must be between 0 and 1")


@dataclass(frozen=True)
class SandboxConfig:
    """Everything a sandbox run depends on.  ``port=0`` binds a free port."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 20260122
    projects: int = 2
    clusters_per_project: int = 3
    restore_jobs_per_cluster: int = 5
    snapshots_per_cluster: int = 6
    retired: bool = False  # tenant family answers 410 Gone, as after the sunset
    retired_status: int = 410  # with ``retired``: 410 Gone, or 404 as for a path that no longer exists
    version_error_status: int = 406  # 406 or 400 for a missing/unknown Accept version
    rate_limit_scale: float = 1.0  # multiplies bucket capacity and refill rate; 0 turns limiting off
    rate_limit_headers: bool = True  # Atlas "may not always return" them: False omits them
    token_ttl_seconds: float = 3600.0  # OAuth access-token lifetime
    nonce_ttl_seconds: float = 300.0  # Digest nonce lifetime
    # ApiError.parameters: "values" sends the message's values as Atlas's documented samples show
    # (strings and numbers); "empty" sends [], which also satisfies the spec's "array of objects".
    error_parameters: str = "values"
    # Serve at most this many items per page whatever itemsPerPage asks (0: as asked).  The real
    # Atlas answered 100 items to a request for more (sandbox.json pagination), with a next link.
    page_cap: int = 0
    faults: FaultConfig = field(default_factory=FaultConfig)
    drift: tuple[DriftRule, ...] = ()
    credentials: Credentials = field(default_factory=Credentials)

    def __post_init__(self) -> None:
        # Loopback only, and a literal address: "localhost" may resolve to both families and, with
        # port 0, bind two sockets on two different ports.
        if self.host not in ("127.0.0.1", "::1"):
            raise ValueError("the sandbox listens on loopback only: --host 127.0.0.1 or ::1")
        if self.retired_status not in (404, 410):
            raise ValueError("retired_status must be 410 or 404")
        if self.version_error_status not in (400, 406):
            raise ValueError("version_error_status must be 406 or 400")
        for name in ("projects", "clusters_per_project", "restore_jobs_per_cluster", "snapshots_per_cluster"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.snapshots_per_cluster == 0 and self.restore_jobs_per_cluster > 0:
            raise ValueError("restore jobs need at least one snapshot per cluster")
        if self.error_parameters not in ("values", "empty"):
            raise ValueError("error_parameters must be 'values' or 'empty'")
        if self.rate_limit_scale < 0:
            raise ValueError("rate_limit_scale must not be negative")
        if self.page_cap < 0:
            raise ValueError("page_cap must not be negative")
        if self.token_ttl_seconds <= 0 or self.nonce_ttl_seconds <= 0:
            raise ValueError("token and nonce lifetimes must be positive")

    def replace(self, **changes: Any) -> SandboxConfig:
        """A copy with ``changes``; nested ``faults``/``credentials`` may be given as mappings."""
        return config_from_mapping(changes, base=self)


def _coerce(cls: type, value: Any) -> Any:
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(value) - names
        if unknown:
            raise ValueError(unknown_key_message(cls.__name__, sorted(unknown)[0], sorted(names)))
        kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
        return cls(**kwargs)
    raise ValueError(f"expected a table for {cls.__name__}, got {type(value).__name__}")


def config_from_mapping(data: Mapping[str, Any], base: SandboxConfig | None = None) -> SandboxConfig:
    """Build a config from plain data (a parsed TOML file or keyword overrides) on top of ``base``."""
    base = base or SandboxConfig()
    names = {f.name for f in dataclasses.fields(SandboxConfig)}
    unknown = set(data) - names
    if unknown:
        raise ValueError(unknown_key_message("sandbox settings", sorted(unknown)[0], sorted(names)))
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key == "faults":
            if isinstance(value, Mapping):
                value = {**dataclasses.asdict(base.faults), **value}
            changes[key] = _coerce(FaultConfig, value)
        elif key == "credentials":
            if isinstance(value, Mapping):
                value = {**dataclasses.asdict(base.credentials), **value}
            changes[key] = _coerce(Credentials, value)
        elif key == "drift":
            changes[key] = tuple(_coerce(DriftRule, rule) for rule in value)
        else:
            changes[key] = value
    return dataclasses.replace(base, **changes)


def load_config_file(path: str | Path) -> SandboxConfig:
    """Read a TOML scenario file (top-level keys = SandboxConfig fields, ``[faults]``, ``[[drift]]``)."""
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return config_from_mapping(data)
