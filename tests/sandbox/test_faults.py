"""Fault injection: 5xx answers, dropped connections, truncated and malformed bodies, slow bodies and
latency, all drawn from the seed so a run repeats exactly."""

from __future__ import annotations

import statistics

import httpx
import pytest

from flexmigrate.sandbox.config import FaultConfig
from flexmigrate.sandbox.faults import FaultInjector
from tests.sandbox.helpers import call, digest_client, ids, op, path

pytestmark = pytest.mark.timeout(60)


def _get(sandbox, family="new"):
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        return call(client, "get_restore_job", family, *ids(cluster, cluster.restore_job_ids[0]))


def test_injected_server_errors(sandbox_factory):
    sandbox = sandbox_factory(faults={"error_rate": 1.0})
    cluster = sandbox.dataset.first_cluster()
    with digest_client(sandbox) as client:
        answers = [call(client, "list_snapshots", "new", *ids(cluster)) for _ in range(30)]
    statuses = {a.status_code for a in answers}
    assert statuses <= {500, 502, 503} and len(statuses) > 1
    for answer in answers:
        assert answer.json()["error"] == answer.status_code
        assert ("Retry-After" in answer.headers) == (answer.status_code == 503)


def test_only_503_with_retry_after(sandbox_factory):
    sandbox = sandbox_factory(faults={"error_rate": 1.0, "error_statuses": (503,), "retry_after_seconds": 7})
    answer = _get(sandbox)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "7"


def test_dropped_connection(sandbox_factory):
    sandbox = sandbox_factory(faults={"drop_rate": 1.0})
    with pytest.raises(httpx.RemoteProtocolError):
        _get(sandbox)


def test_truncated_body(sandbox_factory):
    sandbox = sandbox_factory(faults={"truncate_rate": 1.0})
    with pytest.raises(httpx.RemoteProtocolError):
        _get(sandbox)


def test_malformed_json(sandbox_factory):
    sandbox = sandbox_factory(faults={"malformed_rate": 1.0})
    answer = _get(sandbox)
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()


def test_slow_body_arrives_whole_in_pieces(sandbox_factory):
    slow = sandbox_factory(faults={"slow_body_rate": 1.0, "slow_body_chunk": 40, "slow_body_interval_ms": 20})
    normal = sandbox_factory()
    bodies = []
    for sandbox in (slow, normal):
        cluster = sandbox.dataset.first_cluster()
        operation = op("get_snapshot", "new")
        with (
            digest_client(sandbox) as client,
            client.stream(
                "GET",
                path(operation, *ids(cluster, cluster.snapshot_ids[0])),
                headers={"Accept": operation.media_type, "Accept-Encoding": "identity"},
            ) as response,
        ):
            pieces = list(response.iter_raw())
        bodies.append((b"".join(pieces).replace(sandbox.base_url.encode(), b""), len(pieces)))
    (slow_body, slow_pieces), (normal_body, _) = bodies
    assert slow_body == normal_body
    assert slow_pieces > 1
    assert [plan.kind for plan in slow.fault_history] == ["slow"]


def test_latency_is_planned_per_request(sandbox_factory):
    sandbox = sandbox_factory(faults={"latency": "fixed", "latency_ms": 30})
    assert _get(sandbox).status_code == 200
    assert [plan.delay for plan in sandbox.fault_history] == [0.03]


def test_faults_hit_only_the_chosen_family(sandbox_factory):
    sandbox = sandbox_factory(faults={"error_rate": 1.0, "families": ("old",)})
    assert _get(sandbox, "new").status_code == 200
    assert _get(sandbox, "old").status_code in (500, 502, 503)


@pytest.mark.parametrize(
    "distribution,check",
    [
        ("fixed", lambda xs: set(xs) == {0.1}),
        ("uniform", lambda xs: min(xs) >= 0 and max(xs) <= 0.2 and abs(statistics.mean(xs) - 0.1) < 0.01),
        (
            "normal",
            lambda xs: abs(statistics.mean(xs) - 0.1) < 0.005 and abs(statistics.stdev(xs) - 0.025) < 0.005,
        ),
        ("exponential", lambda xs: abs(statistics.mean(xs) - 0.1) < 0.01 and min(xs) >= 0),
    ],
)
def test_latency_distributions(distribution, check):
    injector = FaultInjector(FaultConfig(latency=distribution, latency_ms=100), seed=1)
    delays = [injector.plan("new").delay for _ in range(4000)]
    assert check(delays)


def test_same_seed_same_fault_sequence(sandbox_factory):
    def statuses(seed):
        sandbox = sandbox_factory(seed=seed, faults={"error_rate": 0.5, "malformed_rate": 0.2})
        cluster = sandbox.dataset.first_cluster()
        out = []
        with digest_client(sandbox) as client:
            for _ in range(40):
                answer = call(client, "list_snapshots", "new", *ids(cluster))
                try:
                    answer.json()
                    out.append(answer.status_code)
                except ValueError:
                    out.append("malformed")
        return out

    first, again, other = statuses(11), statuses(11), statuses(12)
    assert first == again
    assert first != other
    assert {200, "malformed"} <= set(first)


def test_invalid_fault_settings_are_refused():
    with pytest.raises(ValueError):
        FaultConfig(error_rate=0.7, drop_rate=0.7)
    with pytest.raises(ValueError):
        FaultConfig(latency="gamma")
    with pytest.raises(ValueError):
        FaultConfig(error_statuses=(504,))
    with pytest.raises(ValueError):
        FaultConfig(families=("tenant",))
