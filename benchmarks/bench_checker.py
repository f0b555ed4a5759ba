"""The parity checker's speed, CPU cost and memory, each against a baseline in the same run.

Three measurements, every process separate (sandbox, checker, baseline) so they do not share a GIL:

1. **Wall time vs the ideal.**  The sandbox adds a fixed latency (default 50 ms) to every answer and
   rate limits are off; N IDs (default 1,000) at concurrency C (default 32) need 2*N requests, so no
   client can finish faster than ``2 * N * latency / C``.  Printed: ideal, measured (median of
   ``--runs``), ratio.  The goal is a ratio within 1.15.
2. **CPU per ID.**  The checker process's CPU time (user + system) divided by N, next to the same for a
   bare fetch loop (the checker's own transport, same concurrency, same requests, bodies parsed and
   dropped): the ratio is what normalising, comparing, judging and reporting cost on top of fetching.
3. **Memory at growing sizes.**  Peak RSS of the checker and of the bare fetch loop at each size of
   ``--memory-sizes`` (default 1,000, 10,000, 100,000; no latency): checker/baseline per size, and
   each one's growth from the smallest to the largest size.  Flat means the comparison path streams.

    .venv/bin/python benchmarks/bench_checker.py [--ids 1000] [--concurrency 32] [--latency-ms 50]
        [--runs 3] [--memory-sizes 1000,10000,100000]

Not part of the test suite; quote medians and ratios (docs/checker.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SANDBOX = r"""
import json, sys
from flexmigrate.sandbox import SandboxConfig, serve_in_background
n, latency, ids_path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
faults = {"latency": "fixed", "latency_ms": latency} if latency else {}
# At most 5,000 jobs per cluster: the sandbox's seeded clock runs past 2106 (a 9-digit ObjectId time)
# with ~30,000 jobs in one cluster.
clusters = -(-n // 5000)
config = SandboxConfig().replace(projects=1, clusters_per_project=clusters, restore_jobs_per_cluster=n // clusters,
                                 snapshots_per_cluster=10, rate_limit_scale=0, faults=faults)
with serve_in_background(config) as sb:
    cluster = sb.dataset.first_cluster()
    with open(ids_path, "w") as fh:
        for c in sb.dataset.groups[cluster.project_id].clusters.values():
            fh.write("".join(f"{c.name}/{i}\n" for i in c.restore_job_ids))
    print(json.dumps({"base_url": sb.base_url, "group": cluster.project_id, "cluster": cluster.name,
                      "public": sb.credentials.public_key, "private": sb.credentials.private_key}), flush=True)
    sys.stdin.read()
"""

_CHECKER = r"""
import json, resource, sys, time
from flexmigrate.cli import build_parser, main
build_parser()  # every subcommand imported before the clock starts: we time the check, not start-up
argv = json.loads(sys.argv[1])
wall, cpu = time.perf_counter(), time.process_time()
code = main(argv)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"code": code, "wall": wall, "cpu": cpu,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

_BASELINE = r"""
import asyncio, json, resource, sys, time
import httpx
from flexmigrate.catalog import load_catalog
from flexmigrate.check.redact import Redactor
from flexmigrate.check.transport import Transport
base_url, group, public, private, ids_path, concurrency = sys.argv[1:7]
concurrency = int(concurrency)
catalog = load_catalog()
ep = catalog.endpoint("get_restore_job")

async def run():
    # The checker's own transport (same sharded clients, retries, timeouts), the same requests in the
    # same order through the same bounded queue; bodies are parsed and dropped: no normalising,
    # comparing, judging or reporting.
    redactor = Redactor(catalog.section("check")["redaction"], [private])
    async with Transport(base_url, httpx.DigestAuth(public, private), redactor, concurrency=concurrency,
                         timeout=30, max_attempts=5) as transport:
        queue = asyncio.Queue(maxsize=concurrency * 2)
        async def worker():
            while (line := await queue.get()) is not None:
                name, _, item = line.partition("/")
                await asyncio.gather(
                    transport.get("new", ep.new.path.format(groupId=group, name=name, restoreJobId=item),
                                  ep.new.media_type),
                    transport.get("old", ep.old.path.format(groupId=group, clusterName=name, restoreId=item),
                                  ep.old.media_type))
        workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
        with open(ids_path) as fh:
            for line in fh:
                if line.strip():
                    await queue.put(line.strip())
        for _ in workers:
            await queue.put(None)
        await asyncio.gather(*workers)

wall, cpu = time.perf_counter(), time.process_time()
asyncio.run(run())
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"code": 0, "wall": wall, "cpu": cpu, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


class Sandbox:
    """The sandbox in its own process, with ``n`` restore jobs (in as many clusters as it needs)."""

    def __init__(self, n: int, latency_ms: float, folder: Path) -> None:
        self.ids_file = folder / f"ids-{n}.txt"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SANDBOX, str(n), str(latency_ms), str(self.ids_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.info = json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _run(code: str, args: list[str], env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark process failed:\n{out.stderr[-3000:]}")
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "stderr": out.stderr[-2000:]}


def run_checker(sb: Sandbox, concurrency: int, folder: Path) -> dict:
    info = sb.info
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONGODB_ATLAS_")}
    env.update(
        MONGODB_ATLAS_PUBLIC_API_KEY=info["public"],
        MONGODB_ATLAS_PRIVATE_API_KEY=info["private"],
        XDG_CONFIG_HOME=str(folder),
    )
    argv = [
        "check",
        "--group-id",
        info["group"],
        "--base-url",
        info["base_url"],
        "--ids-file",
        str(sb.ids_file),
        "--concurrency",
        str(concurrency),
        "--rate-limit-scale",
        "0",
        "--format",
        "json",
        "--output",
        str(folder / "report.json"),
        "--no-progress",
    ]
    report_file = folder / "report.json"
    report_file.unlink(missing_ok=True)
    result = _run(_CHECKER, [json.dumps(argv)], env)
    if not report_file.exists():
        raise SystemExit(f"the checker wrote no report: {result.get('stderr', '')}")
    report = json.loads((folder / "report.json").read_text())
    result["counts"] = report["summary"]["counts"]
    if result["code"] == 1:
        raise SystemExit(f"the checker found differences where there are none: {result['counts']}")
    if result["code"] == 2 and not result["counts"]["error"]:
        raise SystemExit(f"the checker could not run: {result.get('stderr', '')}")
    if result["code"] == 2:  # some IDs could not be checked (a loaded machine timing out): say so, go on
        causes = sorted({r.get("error", "") for r in report["results"] if r["verdict"] == "error"})
        print(f"   note: {result['counts']['error']} ID(s) could not be checked: {causes[:3]}")
    return result


def run_baseline(sb: Sandbox, concurrency: int) -> dict:
    i = sb.info
    return _run(
        _BASELINE,
        [
            i["base_url"],
            i["group"],
            i["public"],
            i["private"],
            str(sb.ids_file),
            str(concurrency),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ids", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-sizes", default="1000,10000,100000")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ideal = 2 * args.ids * args.latency_ms / 1000 / args.concurrency
        sb = Sandbox(args.ids, args.latency_ms, folder)
        try:
            checks, bases = [], []
            for run in range(args.runs):
                checks.append(run_checker(sb, args.concurrency, folder))
                bases.append(run_baseline(sb, args.concurrency))
                print(
                    f"run {run + 1}: checker {checks[-1]['wall']:.3f} s, bare fetch loop {bases[-1]['wall']:.3f} s"
                )
        finally:
            sb.close()
        wall = statistics.median(c["wall"] for c in checks)
        base_wall = statistics.median(b["wall"] for b in bases)
        cpu = statistics.median(c["cpu"] for c in checks) / args.ids
        base_cpu = statistics.median(b["cpu"] for b in bases) / args.ids
        print(
            f"\n1. wall time, {args.ids} IDs, {args.latency_ms:g} ms latency, concurrency {args.concurrency}"
        )
        print(
            f"   ideal {ideal:.3f} s   checker {wall:.3f} s   ratio {wall / ideal:.3f}   "
            f"(bare fetch loop {base_wall:.3f} s, ratio {base_wall / ideal:.3f})"
        )
        print("2. CPU per ID (both families fetched)")
        print(
            f"   checker {cpu * 1e3:.3f} ms   bare fetch loop {base_cpu * 1e3:.3f} ms   ratio {cpu / base_cpu:.2f}"
        )

        if args.skip_memory:
            return
        sizes = [int(s) for s in args.memory_sizes.split(",")]
        print("3. peak RSS (no latency): size, checker MiB, bare fetch loop MiB, ratio")
        rows = []
        for n in sizes:
            sb = Sandbox(n, 0, folder)
            try:
                c = run_checker(sb, args.concurrency, folder)
                b = run_baseline(sb, args.concurrency)
            finally:
                sb.close()
            rows.append((n, c["maxrss_kb"] / 1024, b["maxrss_kb"] / 1024))
            print(f"   {n:>7}  {rows[-1][1]:8.1f}  {rows[-1][2]:8.1f}  {rows[-1][1] / rows[-1][2]:.2f}")
        first, last = rows[0], rows[-1]
        print(
            f"   growth {first[0]} -> {last[0]} IDs: checker x{last[1] / first[1]:.2f}, "
            f"bare fetch loop x{last[2] / first[2]:.2f}"
        )


if __name__ == "__main__":
    main()
