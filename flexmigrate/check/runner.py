"""Drive one check run: plan the targets, fetch both families, judge, and stream results to the sink.

Data flows one way: :func:`plan` (clusters, list endpoints, sampling) produces :class:`Target`\\ s;
a bounded queue feeds ``concurrency`` workers that fetch and judge; each result goes straight to the
sink (the report renderers) and is folded into the :class:`RunSummary`, then dropped.  Neither
responses nor results accumulate, so memory stays flat from a thousand IDs to a hundred thousand.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Protocol

from flexmigrate.catalog import Catalog
from flexmigrate.check import idsfile
from flexmigrate.check.config import IdSpec, Settings
from flexmigrate.check.record import Baseline, Recorder
from flexmigrate.check.routes import Resource
from flexmigrate.check.sampling import sample
from flexmigrate.check.transport import Listing, Reply, Transport
from flexmigrate.check.verdicts import Judge
from flexmigrate.models.check_results import CheckResult, ListDelta, RunSummary, Verdict

log = logging.getLogger("flexmigrate.check")


class CheckAborted(Exception):
    """The run cannot start (e.g. the project's clusters cannot be listed); one line for the user."""


class Sink(Protocol):
    """Where results go as they are made (a report renderer, a progress display, or several)."""

    def start(self, info: Mapping[str, Any]) -> None: ...

    def list_delta(self, delta: ListDelta) -> None: ...

    def result(self, result: CheckResult) -> None: ...

    def finish(self, summary: RunSummary) -> None: ...


@dataclass(frozen=True, slots=True)
class Target:
    resource: Resource
    cluster: str
    id: str


class Runner:
    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        transport: Transport,
        resources: Mapping[str, Resource],
        judges: Mapping[str, Judge],
        sink: Sink,
        seed: int,
        recorder: Recorder | None = None,
        baseline: Baseline | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.facts = catalog.section("check")
        self.transport = transport
        self.resources = resources
        self.judges = judges
        self.sink = sink
        self.seed = seed
        self.recorder = recorder
        self.baseline = baseline
        self.summary = RunSummary(max_mismatch_rate=settings.max_mismatch_rate)
        # What the retired family's list said, per (resource label, cluster): "retired", or the IDs
        # it holds; filled by the listing, or by one probe of the list for named IDs.
        self._old_lists: dict[tuple[str, str], str | frozenset[str]] = {}
        self._probes: dict[tuple[str, str], asyncio.Task[str | frozenset[str] | None]] = {}
        # The answer of a retired family's list, per (resource label, cluster): once the whole family
        # answers as retired, its items are not asked one by one (its bucket would pace the run).
        self._retired_answers: dict[tuple[str, str], Reply] = {}
        self.old_calls_skipped = 0

    # -- planning ---------------------------------------------------------------------------------

    async def clusters(self) -> list[str]:
        """``--cluster``; else the clusters the named IDs or the baseline name; else every Flex cluster."""
        if self.settings.clusters:
            return list(self.settings.clusters)
        if self.settings.named_clusters and not self.settings.bare_ids:
            return sorted(self.settings.named_clusters)
        if self.baseline is not None:
            recorded = sorted(
                {c for r in self.settings.resources for c in self.baseline.clusters(self.resources[r].key)}
            )
            if recorded:
                return recorded
        spec = self.facts["cluster_discovery"]
        path = spec["path"].format(groupId=self.settings.group_id)
        listing = await self.transport.paginate(
            "new",
            path,
            self.catalog.media_type(spec["accept_version"]),
            self.facts["pagination"],
            spec["paginated"],
        )
        items, reply = listing.items, listing.reply
        if listing.incomplete:
            self.summary.problems.append(f"{spec['operationId']}: listing incomplete: {listing.incomplete}")
        if items is None:
            why = reply.error or f"HTTP {reply.status}"
            raise CheckAborted(
                f"could not list the project's clusters ({spec['operationId']}: {why}); name them with --cluster"
            )
        names = [i.get(spec["name_field"]) for i in items if isinstance(i, dict)]
        return sorted(n for n in names if isinstance(n, str))

    async def _listed(self, resource: Resource, cluster: str) -> list[str]:
        """IDs of ``resource`` in ``cluster`` by either family's list endpoint (and the baseline)."""
        group = self.settings.group_id
        id_field = self.facts["items"]["id_field"]
        pagination = self.facts["pagination"]
        assert resource.listing is not None
        new_op, old_op = resource.listing.new, resource.listing.old
        new_task = self.transport.paginate(
            "new", resource.list_path("new", group, cluster), new_op.media_type, pagination, True
        )
        if self.baseline is not None:
            new_listing = await new_task
            old_listing = Listing(None, Reply(None, error="baseline run"))
            baseline_ids = self.baseline.ids("old", resource.key, cluster)
        else:
            old_task = self.transport.paginate(
                "old", resource.list_path("old", group, cluster), old_op.media_type, pagination, False
            )
            new_listing, old_listing = await asyncio.gather(new_task, old_task)
            baseline_ids = []
        for side, listing in (("replacement", new_listing), ("retired", old_listing)):
            if listing.incomplete:
                self.summary.problems.append(
                    f"{resource.listing.key} {cluster}: {side} list incomplete: {listing.incomplete}"
                )
        new_items, new_reply = new_listing.items, new_listing.reply
        old_items, old_reply = old_listing.items, old_listing.reply
        if self.baseline is None:
            state = self._old_state(resource, old_listing, cluster)
            if state is not None:
                self._old_lists[(resource.label, cluster)] = state
        new_ids = _ids(new_items, id_field)
        old_ids = _ids(old_items, id_field)
        if new_items is None:
            self.summary.problems.append(
                f"{resource.listing.key} {cluster}: replacement list failed ({new_reply.error or new_reply.status})"
            )
        old_available = old_items is not None
        if not old_available and self.baseline is None:
            judge = self.judges[resource.label]
            if not judge.old_is_retired(old_reply.status):
                self.summary.problems.append(
                    f"{resource.listing.key} {cluster}: retired list failed ({old_reply.error or old_reply.status})"
                )
        if new_items is not None:
            delta = ListDelta(
                resource.listing.key,
                cluster,
                only_in_old=tuple(sorted(set(old_ids) - set(new_ids))),
                only_in_new=tuple(sorted(set(new_ids) - set(old_ids))) if old_available else (),
                old_available=old_available,
            )
            self.summary.add_list(delta)
            self.sink.list_delta(delta)
        return sorted(set(new_ids) | set(old_ids) | set(baseline_ids))

    async def plan(self) -> tuple[int, Iterable[Target]]:
        """How many targets, and the targets: named IDs streamed, discovered ones sampled."""
        clusters = await self.clusters()
        total = 0
        parts: list[Iterable[Target]] = []
        file_counts = dict(self.settings.ids_file_counts)
        for label in self.settings.resources:
            resource = self.resources[label]
            named = [s for s in self.settings.ids if s.resource == label]
            if named or file_counts.get(label):
                total += len(named) + file_counts.get(label, 0)
                parts.append(self._named(resource, named, clusters[0] if clusters else ""))
            else:
                listed = await asyncio.gather(*(self._listed(resource, c) for c in clusters))
                pairs = [(c, i) for c, ids in zip(clusters, listed) for i in ids]
                chosen = [Target(resource, c, i) for c, i in sample(pairs, self.settings.sample, self.seed)]
                total += len(chosen)
                parts.append(chosen)
        self.summary.settings.update(
            group_id=self.settings.group_id,
            clusters=clusters,
            resources=list(self.settings.resources),
            sample=self.settings.sample,
            seed=self.seed,
            noise_fetch=self.settings.noise_fetch,
            baseline=str(self.settings.baseline) if self.settings.baseline else None,
        )
        return total, itertools.chain.from_iterable(parts)

    def _named(self, resource: Resource, named: list[IdSpec], default_cluster: str) -> Iterator[Target]:
        for spec in named:
            yield Target(resource, spec.cluster or default_cluster, spec.id)
        if self.settings.ids_file is not None:
            for _, spec in idsfile.iter_ids(self.settings.ids_file):
                if spec.resource == resource.label:
                    yield Target(resource, spec.cluster or default_cluster, spec.id)

    # -- checking ---------------------------------------------------------------------------------

    async def check(self, target: Target) -> CheckResult:
        res, group, cluster, item = target.resource, self.settings.group_id, target.cluster, target.id
        new_call = self.transport.get(
            "new", res.item_path("new", group, cluster, item), res.item.new.media_type
        )
        gone: Reply | None = None
        family: str | None = None
        if self.baseline is not None:
            new = await new_call
            old = self.baseline.reply("old", res.key, cluster, item)
            old_again = None
            source = "baseline"
        else:
            family = await self._old_family(res, cluster, item)
            gone = self._retired_answers.get((res.label, cluster)) if family == "retired" else None
            if gone is not None:  # the whole family answers as retired: its items need no asking
                new, old, old_again = await new_call, gone, None
                self.old_calls_skipped += 1
            else:
                old_path = res.item_path("old", group, cluster, item)
                calls = [new_call, self.transport.get("old", old_path, res.item.old.media_type)]
                if self.settings.noise_fetch:
                    calls.append(self.transport.get("old", old_path, res.item.old.media_type))
                replies = await asyncio.gather(*calls)
                new, old = replies[0], replies[1]
                old_again = replies[2] if len(replies) > 2 else None
            source = "live"
        if self.recorder is not None:
            if self.baseline is None and old is not None and gone is None:
                self.recorder.add("old", res.key, cluster, item, old)
            self.recorder.add("new", res.key, cluster, item, new)
        return self.judges[res.label](
            res.key, res.id_param, cluster, item, old, new, old_again, source, old_family=family
        )

    def _old_state(self, resource: Resource, listing: Listing, cluster: str) -> str | frozenset[str] | None:
        """What a retired-family list answer says of the family: retired, the IDs it holds, or nothing."""
        if listing.items is not None and not listing.incomplete:
            return frozenset(_ids(listing.items, self.facts["items"]["id_field"]))
        status = listing.reply.status
        if status is not None and self.judges[resource.label].old_is_retired(status):
            self._retired_answers[(resource.label, cluster)] = listing.reply
            return "retired"
        return None

    async def _old_family(self, resource: Resource, cluster: str, item: str) -> str | None:
        """``retired``, ``holds`` or ``listed`` for this ID, from the family's list (read once)."""
        key = (resource.label, cluster)
        if key not in self._old_lists and resource.listing is not None:
            if key not in self._probes:
                self._probes[key] = asyncio.ensure_future(self._probe(resource, cluster))
            state = await self._probes[key]
            if state is not None:
                self._old_lists[key] = state
        state = self._old_lists.get(key)
        if state is None:
            return None
        if state == "retired":
            return "retired"
        return "holds" if item in state else "listed"

    async def _probe(self, resource: Resource, cluster: str) -> str | frozenset[str] | None:
        assert resource.listing is not None
        listing = await self.transport.paginate(
            "old",
            resource.list_path("old", self.settings.group_id, cluster),
            resource.listing.old.media_type,
            self.facts["pagination"],
            False,
        )
        return self._old_state(resource, listing, cluster)

    async def _worker(self, queue: "asyncio.Queue[Target | None]") -> None:
        while True:
            target = await queue.get()
            if target is None:
                return
            try:
                result = await self.check(target)
            except Exception as exc:  # a bug must cost one ID its verdict, not the whole run
                log.exception("checking %s failed", target.id)
                judge = self.judges[target.resource.label]
                result = CheckResult(
                    target.resource.key,
                    target.resource.id_param,
                    target.cluster,
                    target.id,
                    verdict=Verdict.ERROR,
                    error=judge.redactor.text(f"internal error: {type(exc).__name__}: {exc}"),
                )
            self.summary.add(result)
            self.sink.result(result)

    async def run(self) -> RunSummary:
        """Plan, check every target, and finish the sink, also when cancelled (SIGINT/SIGTERM)."""
        started = False
        try:
            total, targets = await self.plan()
            self.sink.start({**self.summary.settings, "total": total})
            started = True
            queue: asyncio.Queue[Target | None] = asyncio.Queue(maxsize=self.settings.concurrency * 2)
            workers = [asyncio.create_task(self._worker(queue)) for _ in range(self.settings.concurrency)]
            try:
                for target in targets:
                    await queue.put(target)
                for _ in workers:
                    await queue.put(None)
                await asyncio.gather(*workers)
            finally:
                for w in workers:
                    w.cancel()
        except asyncio.CancelledError:
            self.summary.interrupted = True
            if not started:
                self.sink.start({**self.summary.settings, "total": 0})
                started = True
        finally:
            self.summary.settings.update(requests=self.transport.requests, retries=self.transport.retries)
            if self.old_calls_skipped:
                self.summary.settings["retired_item_requests_skipped"] = self.old_calls_skipped
            if self.transport.buckets:
                self.summary.settings["rate_limits"] = {
                    family: bucket.describe() for family, bucket in sorted(self.transport.buckets.items())
                }
            tokens = getattr(self.transport.auth, "tokens_issued", None)
            if tokens is not None:
                self.summary.settings["tokens_issued"] = tokens
            if started:
                self.sink.finish(self.summary)
        return self.summary


def _ids(items: Iterable[Any] | None, id_field: str) -> list[str]:
    if not items:
        return []
    return [i[id_field] for i in items if isinstance(i, dict) and isinstance(i.get(id_field), str)]
