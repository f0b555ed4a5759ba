"""What one ``flexmigrate check`` report proved, in the few numbers a readiness report shows.

A check report (``--format json``/``jsonl``, or ``--json-report``) lists a verdict for every restore
job and snapshot it compared; a digest keeps, per endpoint pair, how many IDs got each verdict, the
sample that was drawn, and the fields that differed.  A report of a run that was killed (no summary)
is still digested, and says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from flexmigrate.catalog import load_catalog
from flexmigrate.models.check_results import FAILING_VERDICTS, DiffKind, Verdict

# Every verdict a check gives, in the order the model declares them.
VERDICTS = tuple(v.value for v in Verdict)


@dataclass(frozen=True)
class CheckDigest:
    name: str  # the report's file name, as given
    group_id: str | None
    clusters: tuple[str, ...]
    sample: int | None  # IDs drawn per cluster and resource (None: every ID, or IDs named)
    seed: int | None
    complete: bool  # False: the run was interrupted or killed, so these are the IDs it reached
    verdicts: dict[str, Counter[str]]  # "getBackupTenantRestore -> getFlexBackupRestoreJob": counts
    differing_fields: tuple[tuple[str, int, int], ...] = ()  # (field, mismatched, compared)
    from_baseline: int = 0  # IDs whose retired side came from recorded baselines
    problems: tuple[str, ...] = field(default=())
    # IDs that fail by the model's rule (``CheckResult.failed``): a failing verdict, or a Flex
    # answer that breaks its schema whatever the verdict (after the sunset: ``old-retired``).
    failed: int = 0
    run_parity: bool | None = None  # the run's own verdict (its summary), when it finished

    @property
    def checked(self) -> int:
        return sum(sum(c.values()) for c in self.verdicts.values())

    @property
    def matched(self) -> int:
        return sum(c["match"] for c in self.verdicts.values())

    @property
    def unchecked(self) -> int:
        """IDs the run could not check (``error``): nothing is proven about them."""
        return sum(c[Verdict.ERROR.value] for c in self.verdicts.values())

    @property
    def parity(self) -> bool:
        """The run finished and proved parity: no failing ID, none left unchecked, and the run's
        own summary agrees (it also weighs ``--max-mismatch-rate`` and list differences)."""
        return (
            self.complete
            and self.checked > 0
            and self.failed == 0
            and self.unchecked == 0
            and self.run_parity is not False
        )


def is_check_report(document: Mapping[str, Any]) -> bool:
    return document.get("format") == "flexmigrate-check"


def _pair(resource: str) -> str:
    try:
        ep = load_catalog().endpoint(resource)
    except KeyError:
        return resource
    return f"{ep.old.operation_id} -> {ep.new.operation_id}"


def digest_check(document: Mapping[str, Any], name: str | Path) -> CheckDigest:
    """The digest of one parsed check report (``report.check_json.read_report``).

    Raises ``KeyError``/``TypeError``/``ValueError`` for a document that is not a check report.
    """
    if not is_check_report(document):
        raise ValueError("not a flexmigrate check report")
    settings = document.get("settings") or {}
    verdicts: dict[str, Counter[str]] = {}
    baseline = 0
    failed = 0
    for result in document["results"]:
        verdict = result["verdict"]
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        verdicts.setdefault(_pair(result["resource"]), Counter())[verdict] += 1
        baseline += result.get("source") == "baseline"
        failed += Verdict(verdict) in FAILING_VERDICTS or any(
            d.get("kind") == DiffKind.SCHEMA.value for d in result.get("differences", ())
        )
    summary = document.get("summary")
    fields = (summary or {}).get("fields", {})
    differing = tuple(
        sorted(
            ((f, int(s["mismatched"]), int(s["compared"])) for f, s in fields.items() if s.get("mismatched")),
            key=lambda row: (-row[1], row[0]),
        )
    )
    return CheckDigest(
        name=str(name),
        group_id=settings.get("group_id"),
        clusters=tuple(settings.get("clusters") or ()),
        sample=settings.get("sample"),
        seed=settings.get("seed"),
        complete=summary is not None and not summary.get("interrupted", False),
        verdicts=dict(sorted(verdicts.items())),
        differing_fields=differing,
        from_baseline=baseline,
        problems=tuple(str(p) for p in (summary or {}).get("problems", ())),
        failed=failed,
        run_parity=summary.get("parity") if summary is not None else None,
    )
