"""``flexmigrate sandbox``: run the local Atlas in the foreground.

Flags override a ``--config`` TOML file, which overrides the defaults of :class:`SandboxConfig`.  The
command prints the base URL and the sandbox-only credentials it accepts, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from flexmigrate.sandbox.config import (
    ABSENT,
    FIELD_DRIFT_KINDS,
    LATENCY_DISTRIBUTIONS,
    SandboxConfig,
    config_from_mapping,
    load_config_file,
)

__all__ = ["register", "run", "config_from_args"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sandbox",
        help="run a local Atlas serving the tenant and Flex backup endpoints",
        description="Serve a faithful local Atlas (both endpoint families, Digest and OAuth, versions, "
        "rate limits) on loopback, optionally retired, faulty or drifting, for testing clients and "
        "the checker.",
    )
    p.add_argument(
        "--config", metavar="FILE", help="TOML scenario file (SandboxConfig fields, [faults], [[drift]])"
    )
    p.add_argument(
        "--replay",
        metavar="DIR",
        help="serve the recorded Atlas answers in DIR (one JSON file per exchange, docs/sandbox.md) "
        "instead of the synthetic data; --host and --port still apply",
    )
    p.add_argument("--host", help="loopback address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 0: a free one)")
    p.add_argument("--seed", type=int, help="seed for data, faults and drift")
    data = p.add_argument_group("data size")
    data.add_argument("--projects", type=int)
    data.add_argument("--clusters-per-project", type=int)
    data.add_argument("--restore-jobs-per-cluster", type=int)
    data.add_argument("--snapshots-per-cluster", type=int)
    modes = p.add_argument_group("modes")
    modes.add_argument(
        "--retired",
        action="store_true",
        default=None,
        help="answer the tenant family as after the sunset (410 Gone)",
    )
    modes.add_argument(
        "--retired-status",
        type=int,
        choices=(410, 404),
        help="with --retired: 410 Gone (default) or 404 RESOURCE_NOT_FOUND, as for a path that no "
        "longer exists (what Atlas answers for a removed path is not published)",
    )
    modes.add_argument(
        "--version-error-status",
        type=int,
        choices=(406, 400),
        help="status for a missing/unknown version (default 406)",
    )
    modes.add_argument(
        "--rate-limit-scale",
        type=float,
        help="multiply rate-limit capacity and refill (0 turns limiting off)",
    )
    modes.add_argument(
        "--no-rate-limit-headers",
        dest="rate_limit_headers",
        action="store_false",
        default=None,
        help="omit RateLimit-Limit/RateLimit-Remaining (Atlas may)",
    )
    modes.add_argument(
        "--token-ttl", dest="token_ttl_seconds", type=float, help="OAuth token lifetime, seconds"
    )
    modes.add_argument(
        "--nonce-ttl", dest="nonce_ttl_seconds", type=float, help="Digest nonce lifetime, seconds"
    )
    modes.add_argument(
        "--page-cap",
        type=int,
        metavar="N",
        help="serve at most N items per list page whatever itemsPerPage asks, as the real Atlas "
        "did (0: as asked)",
    )
    modes.add_argument(
        "--error-parameters",
        choices=("values", "empty"),
        help="ApiError.parameters: the message values, as Atlas's docs show (default), "
        "or [] (strictly what the spec's array-of-objects allows)",
    )
    faults = p.add_argument_group("faults (rates are per request, 0..1)")
    faults.add_argument("--latency", choices=LATENCY_DISTRIBUTIONS, help="latency distribution")
    faults.add_argument("--latency-ms", type=float, help="mean latency in milliseconds")
    faults.add_argument("--error-rate", type=float, help="share of 500/502/503 answers")
    faults.add_argument("--error-statuses", help="comma-separated subset of 500,502,503")
    faults.add_argument("--drop-rate", type=float, help="share of connections closed without an answer")
    faults.add_argument("--truncate-rate", type=float, help="share of bodies cut short")
    faults.add_argument("--malformed-rate", type=float, help="share of bodies that are not JSON")
    faults.add_argument("--slow-body-rate", type=float, help="share of bodies dribbled slowly")
    faults.add_argument("--fault-families", help="comma-separated: old,new (default both)")
    p.add_argument(
        "--drift",
        action="append",
        metavar="FIELD:KIND[:FAMILY[:FRACTION]]",
        help=f"make FIELD differ between families; KIND one of {', '.join(FIELD_DRIFT_KINDS)}; "
        "FAMILY old|new (default new); FRACTION of restore jobs (default 1). "
        f"'{ABSENT}[:FAMILY[:FRACTION]]' (or ':{ABSENT}:...') removes restore jobs from FAMILY instead: "
        "404 on GET, left out of its list. Repeatable.",
    )
    p.add_argument(
        "--access-log",
        action="store_true",
        help="print one line per request (method, target, status, fault) to stderr",
    )
    p.set_defaults(func=run)


def _drift_rule(text: str) -> dict[str, Any]:
    """One ``--drift`` value as DriftRule keywords (DriftRule itself validates the values).

    ``absent`` has no field, so ``absent[:FAMILY[:FRACTION]]`` is accepted as short for
    ``:absent[:FAMILY[:FRACTION]]``; no record field is called "absent", so nothing else is shadowed.
    """
    parts = text.split(":")
    if parts[0] == ABSENT:
        parts.insert(0, "")
    if len(parts) < 2 or len(parts) > 4:
        raise ValueError(
            f"--drift {text!r}: expected FIELD:KIND[:FAMILY[:FRACTION]] or {ABSENT}[:FAMILY[:FRACTION]]"
        )
    rule: dict[str, Any] = {"field": parts[0], "kind": parts[1]}
    if len(parts) > 2:
        rule["family"] = parts[2]
    if len(parts) > 3:
        try:
            rule["fraction"] = float(parts[3])
        except ValueError:
            raise ValueError(f"--drift {text!r}: FRACTION must be a number from 0 to 1") from None
    return rule


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    """The effective config: defaults, then ``--config``, then explicit flags."""
    base = load_config_file(args.config) if args.config else SandboxConfig()
    top = (
        "host",
        "port",
        "seed",
        "projects",
        "clusters_per_project",
        "restore_jobs_per_cluster",
        "snapshots_per_cluster",
        "retired",
        "retired_status",
        "version_error_status",
        "rate_limit_scale",
        "rate_limit_headers",
        "token_ttl_seconds",
        "nonce_ttl_seconds",
        "error_parameters",
        "page_cap",
    )
    changes: dict[str, Any] = {k: getattr(args, k) for k in top if getattr(args, k) is not None}
    fault_flags = (
        "latency",
        "latency_ms",
        "error_rate",
        "drop_rate",
        "truncate_rate",
        "malformed_rate",
        "slow_body_rate",
    )
    faults: dict[str, Any] = {k: getattr(args, k) for k in fault_flags if getattr(args, k) is not None}
    if args.error_statuses:
        faults["error_statuses"] = tuple(int(s) for s in args.error_statuses.split(","))
    if args.fault_families:
        faults["families"] = tuple(s.strip() for s in args.fault_families.split(","))
    if faults:
        changes["faults"] = faults
    if args.drift:
        changes["drift"] = [_drift_rule(t) for t in args.drift]
    return config_from_mapping(changes, base=base)


def run(args: argparse.Namespace) -> int:
    from flexmigrate.models.exits import UsageError
    from flexmigrate.sandbox.runner import serve_forever

    try:
        config = config_from_args(args)
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    if args.replay:
        return _replay(args, config)

    def announce(running: Any) -> None:
        creds = running.credentials
        # Sandbox-only test credentials, printed on purpose so a client can be pointed at it.
        print(f"Atlas sandbox listening on {running.base_url}")
        print(f"  Digest API key:   public={creds.public_key} private={creds.private_key}")
        print(f"  Service account:  client_id={creds.client_id} client_secret={creds.client_secret}")
        projects = running.dataset.projects
        print(f"  Data: {len(projects)} projects, seed {config.seed}; e.g. group {next(iter(projects), '-')}")
        sys.stdout.flush()

    try:
        serve_forever(config, on_ready=announce, access_log=sys.stderr if args.access_log else None)
    except OSError as exc:
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {exc}") from exc
    return 0


def _replay(args: argparse.Namespace, config: SandboxConfig) -> int:
    """``--replay DIR``: serve recorded exchanges; a file that is not one is named and left out."""
    from pathlib import Path

    from flexmigrate.models.exits import UsageError
    from flexmigrate.sandbox.replay import ReplayApp, load_exchanges
    from flexmigrate.sandbox.runner import serve_forever

    folder = Path(args.replay)
    if not folder.is_dir():
        raise UsageError(f"--replay {folder}: not a folder")
    exchanges, problems = load_exchanges(folder)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not exchanges:
        raise UsageError(f"--replay {folder}: no recorded exchange to serve")
    app = ReplayApp(exchanges)

    def announce(running: Any) -> None:
        print(f"Atlas replay listening on {running.base_url}: {len(exchanges)} recorded answers")
        for method, path in app.paths:
            print(f"  {method} {path}")
        sys.stdout.flush()

    try:
        serve_forever(
            config, on_ready=announce, access_log=sys.stderr if args.access_log else None, replay=app
        )
    except OSError as exc:
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {exc}") from exc
    return 0
