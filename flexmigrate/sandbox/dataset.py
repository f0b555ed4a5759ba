"""The seeded data both families serve: projects, their (former M2/M5, now Flex) clusters, snapshots
and restore jobs.

One store backs both families, as after a migration: a restore job has one id, and the tenant family's
``clusterName`` is the Flex family's ``instanceName``.  Records are kept in the tenant family's field
names (see ``sandbox.json`` ``field_names``) without ``links``; :mod:`flexmigrate.sandbox.render`
renames and links them per family.  Everything is drawn from ``random.Random(seed)``, so the same seed
gives the same data, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from flexmigrate.sandbox.config import SandboxConfig
from flexmigrate.sandbox.facts import facts

__all__ = ["Cluster", "Dataset", "Project", "build_dataset", "iso", "object_id"]

# The data's own clock: fixed so that the same seed gives the same timestamps on any day.
EPOCH = datetime(2025, 9, 1, tzinfo=timezone.utc)
_STATUS_WEIGHTS = (1, 1, 1, 1, 6)  # PENDING, QUEUED, RUNNING, FAILED, COMPLETED: mostly finished
# A cluster's restore jobs are a day apart, squeezed closer when there are more than fit in this span
# (a 100,000-job data set for benchmarks must not run the clock past 2106, the ObjectId time limit).
_JOB_SPAN = timedelta(days=3650)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as Atlas writes date-time fields."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """The moment an :func:`iso` string names."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def object_id(rng: random.Random, moment: datetime) -> str:
    """A 24-hex-digit id shaped like a MongoDB ObjectId (4-byte time + 8 random bytes)."""
    # The time part is 4 bytes, as in an ObjectId: it wraps rather than growing a 25th digit.
    return f"{int(moment.timestamp()) & 0xFFFFFFFF:08x}{rng.getrandbits(64):016x}"


@dataclass
class Cluster:
    name: str
    project_id: str
    id: str = ""
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    restore_jobs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def snapshot_ids(self) -> list[str]:
        return list(self.snapshots)

    @property
    def restore_job_ids(self) -> list[str]:
        return list(self.restore_jobs)


@dataclass
class Project:
    id: str
    name: str
    clusters: dict[str, Cluster] = field(default_factory=dict)
    dedicated: tuple[str, ...] = ()  # dedicated (non-Flex) clusters: the Flex API refuses them

    @property
    def cluster_names(self) -> list[str]:
        return list(self.clusters)


@dataclass
class Dataset:
    """The sandbox's state; ``projects`` is keyed by project (group) id, in creation order."""

    seed: int
    projects: dict[str, Project]

    @property
    def groups(self) -> dict[str, Project]:
        """Atlas calls projects groups in paths; same objects."""
        return self.projects

    @property
    def project_ids(self) -> list[str]:
        return list(self.projects)

    def clusters(self) -> Iterator[Cluster]:
        for project in self.projects.values():
            yield from project.clusters.values()

    def first_cluster(self) -> Cluster:
        """The first cluster that has restore jobs (or any cluster): handy for tests and examples."""
        clusters = list(self.clusters())
        return next((c for c in clusters if c.restore_jobs), clusters[0])

    def restore_job_ids(self) -> list[str]:
        return [job_id for c in self.clusters() for job_id in c.restore_jobs]

    def snapshot_ids(self) -> list[str]:
        return [snap_id for c in self.clusters() for snap_id in c.snapshots]


def _snapshot(rng: random.Random, when: datetime, versions: list[str]) -> dict[str, Any]:
    f = facts().fields("snapshot")
    statuses = facts().data["enums"]["status"]
    status = rng.choices(statuses, weights=_STATUS_WEIGHTS)[0]
    start = when + timedelta(seconds=rng.randint(0, 120))
    record: dict[str, Any] = {
        f["id"]: object_id(rng, when),
        f["scheduled_time"]: iso(when),
        f["start_time"]: iso(start),
        f["mongodb_version"]: rng.choice(versions),
        f["status"]: status,
    }
    if status == "COMPLETED":
        finish = start + timedelta(seconds=rng.randint(30, 900))
        record[f["finish_time"]] = iso(finish)
        days = facts().data["recorded_data"]["snapshot_expiration_days"]
        record[f["expiration"]] = iso(when + timedelta(days=days))
    return record


def new_restore_job(
    rng: random.Random,
    when: datetime,
    cluster: Cluster,
    snapshot: dict[str, Any],
    delivery: str,
    status: str,
    target_name: str | None,
    target_project: str | None,
) -> dict[str, Any]:
    """One restore-job record; used for seeded jobs and for jobs created through the API."""
    f = facts().fields("restore_job")
    sf = facts().fields("snapshot")
    record: dict[str, Any] = {
        f["id"]: object_id(rng, when),
        f["cluster"]: cluster.name,
        f["project"]: cluster.project_id,
        f["delivery_type"]: delivery,
        f["snapshot_id"]: snapshot[sf["id"]],
        f["status"]: status,
        f["restore_scheduled"]: iso(when),
    }
    recorded = facts().data["recorded_data"]
    if sf["finish_time"] in snapshot:
        record[f["snapshot_finished"]] = snapshot[sf["finish_time"]]
    if status in recorded["finished_statuses"]:
        record[f["restore_finished"]] = iso(when + timedelta(seconds=rng.randint(60, 3600)))
    if delivery == facts().data["enums"]["delivery_type"][0]:  # RESTORE
        record[f["expiration"]] = iso(when + timedelta(hours=recorded["restore_expiration_hours"]))
    if delivery == facts().data["enums"]["delivery_type"][1]:  # DOWNLOAD
        hours = facts().data["snapshot_url_hours"]
        record[f["snapshot_url"]] = f"https://restore.sandbox.invalid/{record[f['id']]}/snapshot.tar.gz"
        record[f["expiration"]] = iso(when + timedelta(hours=hours))
        # TenantRestore (shared by request and answer) requires targetDeploymentItemName, so a download
        # job names its own cluster as the target, keeping every answer valid against the schema.
        target_name, target_project = cluster.name, cluster.project_id
    if target_name is not None:
        record[f["target_name"]] = target_name
    if target_project is not None:
        record[f["target_project"]] = target_project
    return record


def build_dataset(config: SandboxConfig) -> Dataset:
    """The seeded data for ``config`` (same config, same data)."""
    rng = random.Random(config.seed)
    versions = list(facts().data["mongodb_versions"])
    sf = facts().fields("snapshot")
    deliveries = facts().data["enums"]["delivery_type"]
    statuses = facts().data["enums"]["status"]
    clock = EPOCH
    cluster_ids = random.Random(
        f"clusters/{config.seed}"
    )  # own stream: adding clusters' ids moved no other value
    projects: dict[str, Project] = {}
    for p in range(config.projects):
        dedicated = facts().data["flex_cluster"]["dedicated_cluster_name"].format(project=p + 1)
        project = Project(id=object_id(rng, clock), name=f"sandbox-project-{p + 1}", dedicated=(dedicated,))
        projects[project.id] = project
        for c in range(config.clusters_per_project):
            cluster = Cluster(
                name=f"flex{p + 1}-cluster{c + 1}", project_id=project.id, id=object_id(cluster_ids, clock)
            )
            project.clusters[cluster.name] = cluster
    for project in projects.values():
        for cluster in project.clusters.values():
            clock = clock + timedelta(hours=1)
            for s in range(config.snapshots_per_cluster):
                snap = _snapshot(rng, clock + timedelta(days=s), versions)
                cluster.snapshots[snap[sf["id"]]] = snap
            # A job restores a snapshot that has finished, and is scheduled after it finished.
            snaps = [s for s in cluster.snapshots.values() if sf["finish_time"] in s]
            if not snaps and cluster.snapshots:
                first = next(iter(cluster.snapshots.values()))
                first[sf["status"]] = "COMPLETED"
                first[sf["finish_time"]] = first[sf["start_time"]]
                first[sf["expiration"]] = iso(
                    parse_iso(first[sf["scheduled_time"]])
                    + timedelta(days=facts().data["recorded_data"]["snapshot_expiration_days"])
                )
                snaps = [first]
            latest = max((parse_iso(s[sf["finish_time"]]) for s in snaps), default=clock)
            step = min(timedelta(days=1), _JOB_SPAN / max(1, config.restore_jobs_per_cluster))
            for j in range(config.restore_jobs_per_cluster):
                when = latest + step * j + timedelta(minutes=rng.randint(1, 600))
                delivery = rng.choice(deliveries)
                targets = [c for c in project.clusters if c != cluster.name] or [cluster.name]
                job = new_restore_job(
                    rng,
                    when,
                    cluster,
                    rng.choice(snaps),
                    delivery,
                    rng.choices(statuses, weights=_STATUS_WEIGHTS)[0],
                    rng.choice(targets),
                    project.id,
                )
                cluster.restore_jobs[job[facts().fields("restore_job")["id"]]] = job
            if facts().data["recorded_data"]["restore_jobs_newest_first"]:  # the order Atlas lists them in
                scheduled = facts().fields("restore_job")["restore_scheduled"]
                cluster.restore_jobs = dict(
                    sorted(
                        cluster.restore_jobs.items(), key=lambda kv: (kv[1][scheduled], kv[0]), reverse=True
                    )
                )
    return Dataset(seed=config.seed, projects=projects)
