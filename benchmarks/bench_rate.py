"""How much of Atlas's rate limit the checker uses, against a sandbox with the real Flex bucket (issue 9).

The sandbox's Flex bucket is the one the real Atlas announces (1,200 per minute, sandbox.json).  The
checker's transport asks for one Flex restore job after another, as fast as its own bucket lets it,
for ``--seconds``; the server allows its capacity at once plus its refill over the run.  Printed: the
requests answered 200, the share of the allowed number, and the 429s per refill window.  Target: at
least 95% of the allowed rate, at most one 429 per refill window.

    .venv/bin/python benchmarks/bench_rate.py --seconds 180
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time

import httpx

from flexmigrate.catalog import load_catalog
from flexmigrate.check.ratelimit import buckets_from_catalog
from flexmigrate.check.redact import Redactor
from flexmigrate.check.transport import Transport
from flexmigrate.sandbox.config import SandboxConfig
from flexmigrate.sandbox.runner import serve_in_background


async def drive(
    base_url: str, path: str, media: str, auth, seconds: float, concurrency: int
) -> list[tuple[float, int]]:
    facts = load_catalog().section("check")
    buckets = buckets_from_catalog(facts["rate_limits"], 1.0)
    answers: list[tuple[float, int]] = []
    start = time.monotonic()
    async with Transport(
        base_url, auth, Redactor({}), concurrency=concurrency, timeout=30, max_attempts=1, buckets=buckets
    ) as transport:

        async def worker() -> None:
            while time.monotonic() - start < seconds:
                reply = await transport.get("new", path, media)
                answers.append((time.monotonic() - start, reply.status or 0))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return answers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    catalog = load_catalog()
    spec = catalog.section("sandbox")["rate_limits"]["buckets"]["new"]
    capacity, refill, period = spec["capacity"], spec["refill_rate"], spec["refill_seconds"]
    with serve_in_background(SandboxConfig()) as sb:
        cluster = sb.dataset.first_cluster()
        ep = catalog.endpoint("get_restore_job")
        values = iter([cluster.project_id, cluster.name, next(iter(cluster.restore_jobs))])
        path = re.sub(r"\{[^}]+\}", lambda _: next(values), ep.new.path)
        auth = httpx.DigestAuth(sb.credentials.public_key, sb.credentials.private_key)
        answers = asyncio.run(
            drive(sb.base_url, path, ep.new.media_type, auth, args.seconds, args.concurrency)
        )
    ok = sum(1 for _, status in answers if status == 200)
    allowed = capacity + refill * args.seconds / period
    windows: dict[int, int] = {}
    for at, status in answers:
        if status == 429:
            windows[int(at // period)] = windows.get(int(at // period), 0) + 1
    print(
        f"Flex bucket: {capacity} per {period} s; run {args.seconds:.0f} s at concurrency {args.concurrency}"
    )
    print(f"answered 200: {ok} of {allowed:.0f} allowed = {ok / allowed:.1%} (target >= 95%)")
    print(
        f"429s per {period}-s window: {[windows.get(w, 0) for w in range(int(args.seconds // period) + 1)]} (target <= 1)"
    )


if __name__ == "__main__":
    main()
