"""Turn the fetched representations of one ID into a :class:`CheckResult` (pure: no I/O).

The order of questions matters and is the documented contract (docs/checker.md):
transport failures first (the ID could not be checked), then existence (missing-in-new,
old-retired), then the field-by-field comparison with the run's rules and the noise fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flexmigrate.check.compare import compare, partition, volatile_fields
from flexmigrate.check.normalise import Normaliser
from flexmigrate.check.paths import GlobSet
from flexmigrate.check.redact import Redactor
from flexmigrate.check.schema import SchemaValidator
from flexmigrate.check.transport import Reply
from flexmigrate.models.check_results import CheckResult, Difference, Verdict


def _unusable(family: str, reply: Reply) -> str | None:
    """Why ``reply`` cannot be compared (``None`` when it is a 200 with a JSON object).

    A non-200 answer is described by its status and, when the body is Atlas's error object, its
    ``errorCode``; a 200 that is not a JSON object says so.
    """
    if reply.status == 200:
        return (
            None
            if isinstance(reply.body, dict)
            else f"{family} family answered HTTP 200 without a JSON object"
        )
    code = reply.body.get("errorCode") if isinstance(reply.body, dict) else None
    return f"{family} family answered HTTP {reply.status}" + (f" ({code})" if isinstance(code, str) else "")


@dataclass(frozen=True)
class Judge:
    """Everything a verdict depends on besides the replies themselves."""

    normaliser: Normaliser
    ignore: GlobSet
    validator: SchemaValidator
    schema_name: str
    retired_statuses: frozenset[int]
    gone_status: int
    sunset: date
    today: date
    redactor: Redactor
    hypermedia: frozenset[str] = frozenset()  # top-level fields that are links, not data

    def old_is_retired(self, status: int | None) -> bool:
        """410 always; 404 only once the sunset has passed (before it, 404 means the ID is unknown)."""
        if status == self.gone_status:
            return True
        return status in self.retired_statuses and self.today >= self.sunset

    def __call__(
        self,
        resource: str,
        id_param: str,
        cluster: str,
        item_id: str,
        old: Reply | None,
        new: Reply,
        old_again: Reply | None = None,
        source: str = "live",
        old_family: str | None = None,
    ) -> CheckResult:
        """The verdict on one ID.

        ``old_family`` is what the retired family's list said for the ID's cluster: ``"retired"``
        (the list itself answered as retired), ``"listed"`` (it answered and does not hold the ID),
        ``"holds"`` (it holds the ID), or ``None`` (not read).  A 404 for the ID is the family's
        retirement only when the family as a whole answers so; while its list still answers, a 404
        means the ID is only in the replacement (``only-in-new``), or, for an ID the list holds, that
        the family contradicts itself (``error``).  Without the list, the per-ID rule stands: a 404
        after the sunset is retirement.
        """

        def result(verdict: Verdict, **kw: Any) -> CheckResult:
            if kw.get("error"):
                kw["error"] = self.redactor.text(kw["error"])
            return CheckResult(
                resource,
                id_param,
                cluster,
                item_id,
                verdict,
                old_status=old.status if old else None,
                new_status=new.status,
                source=source,
                **kw,
            )

        if old is None:
            return result(Verdict.ERROR, error="no recorded response of the retired family in the baseline")
        if new.error:
            return result(Verdict.ERROR, error=f"replacement family: {new.error}")
        if old.error:
            return result(Verdict.ERROR, error=f"retired family: {old.error}")
        retired = self.old_is_retired(old.status)
        only_in_new = False
        if old.status != self.gone_status and old.status in self.retired_statuses and old_family:
            if old_family == "holds":
                return result(
                    Verdict.ERROR,
                    error=f"the retired family lists this ID but answers HTTP {old.status} for it",
                )
            only_in_new = old_family == "listed"
            retired = retired and old_family == "retired"
        if new.status == 404:
            if old.status == 200:
                return result(Verdict.MISSING_IN_NEW)
            return result(
                Verdict.ERROR, error=f"not found: retired family HTTP {old.status}, replacement HTTP 404"
            )
        if (problem := _unusable("replacement", new)) is not None:
            return result(Verdict.ERROR, error=problem)
        if only_in_new:
            problems = self.validator.validate(new.body, self.schema_name)
            return result(Verdict.ONLY_IN_NEW, differences=self._redacted(problems))
        if retired:
            problems = self.validator.validate(new.body, self.schema_name)
            return result(Verdict.OLD_RETIRED, differences=self._redacted(problems))
        if (problem := _unusable("retired", old)) is not None:
            return result(Verdict.ERROR, error=problem)

        volatile: frozenset[str] = frozenset()
        if old_again is not None and old_again.ok and isinstance(old_again.body, dict):
            volatile = volatile_fields(self.normaliser.old(old.body), self.normaliser.old(old_again.body))
        old_data, old_links = self._split(self.normaliser.old(old.body))
        new_data, new_links = self._split(self.normaliser.new(new.body))
        split = partition(compare(old_data, new_data), self.ignore, volatile)
        # Links are compared only where both families send them (the real Flex items carry none).
        both = {k: old_links[k] for k in old_links.keys() & new_links.keys()}
        links = compare(both, {k: new_links[k] for k in both}).differences
        return result(
            Verdict.MISMATCH if split.differences else Verdict.MATCH,
            differences=self._redacted(split.differences),
            volatile=split.volatile,
            ignored=split.ignored,
            compared=split.compared,
            hypermedia=self._redacted(links),
        )

    def _split(self, document: Any) -> tuple[Any, dict[str, Any]]:
        """``document`` without its hypermedia fields, and those fields."""
        if not isinstance(document, dict) or not self.hypermedia:
            return document, {}
        data = {k: v for k, v in document.items() if k not in self.hypermedia}
        return data, {k: v for k, v in document.items() if k in self.hypermedia}

    def _redacted(self, diffs: tuple[Difference, ...]) -> tuple[Difference, ...]:
        red = self.redactor.document
        return tuple(Difference(d.field, d.kind, red(d.old), red(d.new)) for d in diffs)
