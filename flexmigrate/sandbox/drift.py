"""Drift injection: make chosen fields of chosen records differ between the two families.

This is what the checker exists to catch (a migrated endpoint that answers differently), so the sandbox
can produce each kind on demand: another valid value, a missing field, a different JSON type, a value
that changes on every read, or a record one family does not have at all (``absent``: the app answers
its GET with the not-found error and leaves it out of lists).  Records are chosen once, at start-up, with a stream seeded from the
sandbox seed; :attr:`DriftEngine.selected` says which, so a test knows what the checker must report.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from flexmigrate.sandbox.config import ABSENT, DriftRule
from flexmigrate.sandbox.dataset import Dataset, iso
from flexmigrate.sandbox.facts import facts

__all__ = ["DriftEngine"]


def _parse(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not value.endswith("Z"):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def _other_value(value: Any) -> Any:
    enums = facts().data["enums"]
    for options in (enums["status"], enums["delivery_type"]):
        if value in options:
            return options[(options.index(value) + 1) % len(options)]
    if _is_date(value):
        return iso(_parse(value) + timedelta(hours=1))
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "-drift"
    return value


def _other_type(value: Any) -> Any:
    if _is_date(value):  # same instant, as epoch milliseconds
        return int(_parse(value).timestamp() * 1000)
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float, bool)):
        return str(value)
    return repr(value)


class DriftEngine:
    def __init__(self, rules: tuple[DriftRule, ...], dataset: Dataset, seed: int) -> None:
        self.rules = rules
        rng = random.Random(f"drift/{seed}")
        self.selected: list[frozenset[str]] = []
        for rule in rules:
            candidates = dataset.restore_job_ids() if rule.record == "restore_job" else dataset.snapshot_ids()
            if rule.ids:
                chosen = frozenset(rule.ids)
            else:
                chosen = frozenset(rng.sample(candidates, round(rule.fraction * len(candidates))))
            self.selected.append(chosen)
        # (record kind, family) -> ids that family does not have; looked up on every GET and list
        self._absent: dict[tuple[str, str], frozenset[str]] = {}
        for rule, ids in zip(rules, self.selected):
            if rule.kind == ABSENT:
                key = (rule.record, rule.family)
                self._absent[key] = self._absent.get(key, frozenset()) | ids
        self._reads: dict[tuple[int, str], int] = {}

    @property
    def active(self) -> bool:
        return bool(self.rules)

    def drifted(self) -> dict[str, list[DriftRule]]:
        """Record id -> the rules that alter it."""
        out: dict[str, list[DriftRule]] = {}
        for rule, ids in zip(self.rules, self.selected):
            for record_id in ids:
                out.setdefault(record_id, []).append(rule)
        return out

    def absent(self, record_kind: str, family: str, record_id: str) -> bool:
        """Whether ``family`` must behave as if the record did not exist (an ``absent`` rule chose it)."""
        return record_id in self._absent.get((record_kind, family), frozenset())

    def apply(
        self, record_kind: str, family: str, record: dict[str, Any], renames: Mapping[str, str]
    ) -> None:
        """Alter ``record`` (already in ``family``'s field names) in place."""
        id_field = facts().fields(record_kind)["id"]
        record_id = record.get(id_field)
        for index, (rule, ids) in enumerate(zip(self.rules, self.selected)):
            if rule.kind == ABSENT:  # whole records, handled by the app through absent()
                continue
            if rule.family != family or rule.record != record_kind or record_id not in ids:
                continue
            name = rule.field
            if family == "new":
                name = renames.get(name, name)
            else:
                name = {new: old for old, new in renames.items()}.get(name, name)
            if name not in record:
                continue
            if rule.kind == "missing":
                del record[name]
            elif rule.kind == "value":
                record[name] = _other_value(record[name])
            elif rule.kind == "type":
                record[name] = _other_type(record[name])
            else:  # volatile
                key = (index, record_id)
                count = self._reads[key] = self._reads.get(key, 0) + 1
                value = record[name]
                if _is_date(value):  # a later instant on every read, yet the same sequence for the same seed
                    record[name] = iso(_parse(value) + timedelta(seconds=count))
                else:
                    for _ in range(count):
                        value = _other_value(value)
                    record[name] = value if value != record[name] else f"{value}#{count}"
