"""The run of ``flexmigrate check``: settings from arguments and configuration, the pipeline, the exit code.

Imported only when a check runs (``flexmigrate.commands.check.run``), so that building the command
line of every other subcommand does not import httpx, asyncio and the checker's renderers.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Any

from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.check import config as cfg
from flexmigrate.check import credentials as creds_mod
from flexmigrate.check import idsfile, validate
from flexmigrate.check.auth import build_auth
from flexmigrate.check.config import ConfigError, IdSpec, Settings
from flexmigrate.check.normalise import Normaliser
from flexmigrate.check.paths import GlobSet
from flexmigrate.check.ratelimit import buckets_from_catalog
from flexmigrate.check.record import Baseline, Recorder, RecordError
from flexmigrate.check.redact import RedactingFilter, Redactor
from flexmigrate.check.routes import Resource, resources
from flexmigrate.check.runner import CheckAborted, Runner
from flexmigrate.check.sampling import new_seed
from flexmigrate.check.schema import SchemaValidator
from flexmigrate.check.transport import Transport
from flexmigrate.check.verdicts import Judge
from flexmigrate.report.check_json import JsonLinesRenderer, JsonRenderer
from flexmigrate.report.check_junit import JunitRenderer
from flexmigrate.report.check_markdown import MarkdownRenderer
from flexmigrate.report.check_output import Output, Tee
from flexmigrate.report.check_text import ProgressDisplay, TextRenderer
from flexmigrate.models.check_results import RunSummary

# Written in place as results arrive; every other format goes to a temporary file renamed when complete.
STREAMING_FORMATS = ("jsonl",)


def _usage(message: str) -> Exception:
    from flexmigrate.models.exits import UsageError

    return UsageError(message)


def build_settings(args: argparse.Namespace, catalog: Catalog, cwd: Path) -> Settings:
    facts = catalog.section("check")
    defaults = facts["defaults"]
    settings = Settings(
        group_id=args.group_id,
        concurrency=defaults["concurrency"],
        sample=defaults["sample"],
        timeout=defaults["timeout_seconds"],
        max_attempts=defaults["max_attempts"],
        rules=cfg.default_rules(defaults),
    )
    config_file = args.config if args.config else cfg.find_pyproject(cwd)
    if config_file is not None:
        if not config_file.is_file():
            raise _usage(f"--config {config_file}: no such file")
        values, rules = cfg.read_file(config_file)
        settings = cfg.apply(settings, values)
        settings = cfg.apply(settings, {"rules": settings.rules.merged(rules)})
    ids = [idsfile.split_id(v, "restores") for v in args.restore_id]
    ids += [idsfile.split_id(v, "snapshots") for v in args.snapshot_id]
    ids = list(dict.fromkeys(ids))
    known = resources(catalog)
    try:
        for spec in ids:
            _check_id(catalog, known, spec)
    except validate.InvalidIdentifier as exc:
        raise _usage(str(exc)) from None
    file_info = idsfile.IdsFileSummary()
    if args.ids_file:
        try:
            file_info = idsfile.scan(args.ids_file, lambda spec: _check_id(catalog, known, spec))
        except OSError as exc:
            raise _usage(f"cannot read --ids-file {args.ids_file}: {exc.strerror}") from None
        except idsfile.IdsFileError as exc:
            raise _usage(str(exc)) from None
    named = dict.fromkeys([*(s.resource for s in ids), *file_info.counts])
    chosen = list(named) if named else ["restores", *(["snapshots"] if args.snapshots else [])]
    rules = settings.rules.merged(cfg.Rules(ignore=tuple(args.ignore))).merged(
        cfg.parse_normalise_option(args.normalise)
    )
    settings = cfg.apply(
        settings,
        {
            "clusters": tuple(dict.fromkeys(args.cluster)),
            "resources": tuple(chosen),
            "ids": tuple(ids),
            "ids_file": args.ids_file,
            "ids_file_counts": tuple(file_info.counts.items()),
            "named_clusters": frozenset({s.cluster for s in ids if s.cluster} | file_info.clusters),
            "bare_ids": file_info.bare or any(s.cluster is None for s in ids),
            "sample": args.sample,
            "seed": args.seed,
            "noise_fetch": args.noise_fetch,
            "rules": rules,
            "max_mismatch_rate": args.max_mismatch_rate,
            "concurrency": args.concurrency,
            "timeout": args.timeout,
            "max_attempts": args.max_attempts,
            "rate_limit_scale": args.rate_limit_scale,
            "base_url": args.base_url,
            "ca_bundle": args.ca_bundle,
            "profile": args.profile,
            "record": args.record,
            "baseline": args.baseline,
            "output_format": args.output_format,
            "output": args.output,
            "json_report": args.json_report,
            "show_ids": args.show_ids,
            "progress": not args.no_progress,
        },
    )
    _check_settings(settings, catalog, known)
    return settings


def _check_id(catalog: Catalog, known: dict[str, Resource], spec: IdSpec) -> None:
    """One named ID against the spec's patterns (raises a ValueError subclass)."""
    res = known.get(spec.resource)
    if res is None:
        raise validate.InvalidIdentifier(f"unknown resource {spec.resource!r} (known: {', '.join(known)})")
    validate.check(catalog, res.id_param, [spec.id])
    if spec.cluster is not None:
        validate.check(catalog, res.cluster_param, [spec.cluster])


def _check_settings(settings: Settings, catalog: Catalog, known: dict[str, Resource]) -> None:
    """Reject bad identifiers and numbers before anything is sent (named IDs were checked as read)."""
    sample_resource = known["restores"]
    try:
        validate.check(catalog, sample_resource.group_param, [settings.group_id])
        validate.check(catalog, sample_resource.cluster_param, settings.clusters)
    except validate.InvalidIdentifier as exc:
        raise _usage(str(exc)) from None
    if settings.bare_ids and len(settings.clusters) != 1:
        raise _usage("an ID names no cluster: give exactly one --cluster, or write it as CLUSTER/ID")
    if settings.concurrency < 1 or settings.max_attempts < 1 or settings.timeout <= 0:
        raise _usage("--concurrency and --max-attempts must be at least 1, --timeout positive")
    if settings.sample is not None and settings.sample < 0:
        raise _usage("--sample must not be negative")
    if settings.max_mismatch_rate is not None and not 0 <= settings.max_mismatch_rate <= 1:
        raise _usage("--max-mismatch-rate must be between 0 and 1")
    if settings.ca_bundle and not Path(settings.ca_bundle).is_file():
        raise _usage(f"--ca-bundle {settings.ca_bundle}: no such file")
    if settings.record and settings.baseline and settings.record.resolve() == settings.baseline.resolve():
        raise _usage("--record and --baseline must be different files")
    if settings.json_report is not None:
        others = {"--record": settings.record, "--baseline": settings.baseline, "--output": settings.output}
        for flag, other in others.items():
            if other is not None and other.resolve() == settings.json_report.resolve():
                raise _usage(f"--json-report and {flag} must be different files")


def _renderer(settings: Settings, out: Output) -> Any:
    fmt = settings.output_format
    if fmt == "json":
        return JsonRenderer(out.stream)
    if fmt == "jsonl":
        return JsonLinesRenderer(out.stream)
    if fmt == "junit":
        return JunitRenderer(out.stream)
    if fmt == "markdown":
        return MarkdownRenderer(out.stream, show_ids=settings.show_ids)
    return TextRenderer(out.stream, show_ids=settings.show_ids)


def _judges(
    catalog: Catalog, settings: Settings, known: dict[str, Resource], redactor: Redactor
) -> dict[str, Judge]:
    facts = catalog.section("check")
    validator = SchemaValidator(facts["schemas"])
    ignore = GlobSet(settings.rules.ignore)
    retired = facts["retired"]
    out = {}
    for label in settings.resources:
        res = known[label]
        try:
            normaliser = Normaliser(catalog, res.item.response_field_renames, settings.rules)
        except ValueError as exc:
            raise _usage(str(exc)) from None
        out[label] = Judge(
            normaliser=normaliser,
            ignore=ignore,
            validator=validator,
            schema_name=res.item.response_schema["new"],
            retired_statuses=frozenset(retired["statuses"]),
            gone_status=retired["gone_status"],
            sunset=date.fromisoformat(catalog.sunset),
            today=date.today(),
            redactor=redactor,
            hypermedia=frozenset(facts["defaults"]["hypermedia"]),
        )
    return out


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    facts = catalog.section("check")
    try:
        settings = build_settings(args, catalog, Path.cwd())
    except ConfigError as exc:
        raise _usage(str(exc)) from None
    try:
        credentials = creds_mod.resolve(facts["credentials"], facts["base_urls"], settings.profile)
    except creds_mod.CredentialsError as exc:
        raise _usage(str(exc)) from None
    redactor = Redactor(facts["redaction"], credentials.secrets)
    _configure_logging(args.verbose, redactor)
    base_url = settings.base_url or credentials.base_url or catalog.base_url
    baseline = None
    if settings.baseline:
        try:
            baseline = Baseline(settings.baseline)
        except (OSError, RecordError) as exc:
            raise _usage(f"--baseline: {exc}") from None
    known = resources(catalog)
    judges = _judges(catalog, settings, known, redactor)
    auth = build_auth(
        credentials, base_url, dict(catalog.auth), facts["credentials"]["token_renew_before_seconds"]
    )
    limits = facts["rate_limits"]
    buckets = buckets_from_catalog(limits, settings.rate_limit_scale)
    seed = settings.seed if settings.seed is not None else new_seed()
    try:
        out = Output(settings.output, atomic=settings.output_format not in STREAMING_FORMATS)
    except OSError as exc:
        raise _usage(f"cannot write --output {settings.output}: {exc.strerror}") from None
    renderer = _renderer(settings, out)
    extra = None
    if settings.json_report is not None:
        try:
            extra = Output(settings.json_report, atomic=False)
        except OSError as exc:
            out.discard()
            raise _usage(f"cannot write --json-report {settings.json_report}: {exc.strerror}") from None
    outputs = [o for o in (out, extra) if o is not None]
    progress = None
    if settings.progress and sys.stderr.isatty():
        progress = ProgressDisplay(sys.stderr)
    recorder = None
    if settings.record:
        try:
            recorder = Recorder(
                settings.record, redactor, {"group_id": settings.group_id, "base_url": base_url}
            )
        except OSError as exc:
            for o in outputs:
                o.discard()
            raise _usage(f"cannot write --record {settings.record}: {exc.strerror}") from None
    try:
        summary = asyncio.run(
            _main(
                settings,
                catalog,
                base_url,
                auth,
                redactor,
                buckets,
                known,
                judges,
                Tee(progress, renderer, JsonRenderer(extra.stream) if extra is not None else None),
                seed,
                recorder,
                baseline,
            )
        )
    except CheckAborted as exc:
        for o in outputs:
            o.discard()
        raise _usage(redactor.text(str(exc))) from None
    finally:
        if recorder is not None:
            recorder.close()
        if baseline is not None:
            baseline.close()
    for o in outputs:
        o.close()
    return summary.exit_code


async def _main(
    settings: Settings,
    catalog: Catalog,
    base_url: str,
    auth: Any,
    redactor: Redactor,
    buckets: Any,
    known: dict[str, Resource],
    judges: dict[str, Judge],
    sink: Any,
    seed: int,
    recorder: Recorder | None,
    baseline: Baseline | None,
) -> RunSummary:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows, or not the main thread
            pass
    try:
        async with Transport(
            base_url,
            auth,
            redactor,
            concurrency=settings.concurrency,
            timeout=settings.timeout,
            max_attempts=settings.max_attempts,
            buckets=buckets,
            rate_limit_headers=_rate_limit_headers(catalog),
            ca_bundle=settings.ca_bundle,
        ) as transport:
            runner = Runner(settings, catalog, transport, known, judges, sink, seed, recorder, baseline)
            return await runner.run()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def _configure_logging(verbosity: int, redactor: Redactor) -> None:
    logger = logging.getLogger("flexmigrate.check")
    logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO if verbosity else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(redactor))
    handler.setFormatter(logging.Formatter("flexmigrate check: %(message)s"))
    logger.handlers[:] = [handler]
    logger.propagate = False
    for name in ("httpx", "httpcore"):
        other = logging.getLogger(name)
        other.addFilter(RedactingFilter(redactor))
        if verbosity > 1:
            other.addHandler(handler)
            other.setLevel(logging.DEBUG)


def _rate_limit_headers(catalog: Catalog) -> tuple[str, str]:
    names = catalog.section("check")["rate_limits"]["headers"]
    return names["limit"], names["remaining"]
