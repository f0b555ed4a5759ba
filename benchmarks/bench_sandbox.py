"""Requests per second of the Atlas sandbox against a baseline on the same stack, in one run.

The baseline is the sandbox's own wire code (asyncio Protocol + httptools) answering every request with
a constant body: what the sandbox's logic (routing, auth, version check, rate limiting, rendering) costs
is the ratio between the two.  Each server runs in its own process; the load comes from ``wrk`` (Debian
package ``wrk``), a C load generator that is not the bottleneck, with an OAuth bearer token (Digest needs a
fresh signature per request, which wrk cannot compute; ``--digest`` measures Digest with httpx clients
in several processes instead, which is client-bound and only a lower bound).

    .venv/bin/python benchmarks/bench_sandbox.py [--runs 5] [--seconds 5] [--connections 32]

Prints each run and the medians; not part of the test suite.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flexmigrate.catalog import load_catalog  # noqa: E402
from flexmigrate.sandbox import SandboxConfig  # noqa: E402

_SERVER = r"""
import asyncio, sys
from flexmigrate.sandbox import SandboxConfig
from flexmigrate.sandbox.runner import serve_forever
from flexmigrate.sandbox.server import HttpProtocol
from flexmigrate.sandbox.http import Response

def ready(running):
    print(running.base_url, flush=True)

if sys.argv[1] == "sandbox":
    serve_forever(SandboxConfig(rate_limit_scale=1e6), on_ready=ready)  # buckets on, never empty
else:
    CONSTANT = Response(200, b'{"ok":true}')
    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: HttpProtocol(lambda request: CONSTANT, set()),
                                          "127.0.0.1", 0, backlog=2048)
        print(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
        await asyncio.Event().wait()
    asyncio.run(main())
"""


def start(kind: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER, kind], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().strip()
    if not base_url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"{kind} server did not start")
    return proc, base_url


def bearer_token(base_url: str) -> str:
    creds = SandboxConfig().credentials
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    path = load_catalog().section("sandbox")["oauth"]["token_path"]
    req = urllib.request.Request(
        base_url + path,
        data=b"grant_type=client_credentials",
        method="POST",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req) as resp:  # noqa: S310 - loopback only
        return json.load(resp)["access_token"]


def sample_path(base_url: str) -> tuple[str, str]:
    """A Flex get-restore-job URL and its Accept header, with ids from the sandbox's seeded data."""
    from flexmigrate.sandbox.dataset import build_dataset

    cluster = build_dataset(SandboxConfig()).first_cluster()  # same seed as the server
    op = load_catalog().endpoint("get_restore_job").new
    path = op.path
    for name, value in zip(op.path_params, (cluster.project_id, cluster.name, cluster.restore_job_ids[0])):
        path = path.replace("{" + name + "}", value)
    return base_url + path, op.media_type


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int, threads: int) -> float:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"wrk saw {non2xx.group(1)} error answers from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _digest_worker(args: tuple[str, str, float]) -> int:
    import httpx

    url, accept, seconds = args
    creds = SandboxConfig().credentials
    count = 0
    with httpx.Client(auth=httpx.DigestAuth(creds.public_key, creds.private_key)) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            client.get(url, headers={"Accept": accept}).raise_for_status()
            count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (the machine has 2 cores)")
    parser.add_argument(
        "--digest", action="store_true", help="also measure Digest with httpx client processes"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")

    sandbox, sandbox_url = start("sandbox")
    baseline, baseline_url = start("baseline")
    try:
        token = bearer_token(sandbox_url)
        url, accept = sample_path(sandbox_url)
        headers = {"Authorization": f"Bearer {token}", "Accept": accept}
        ours, base = [], []
        for run in range(1, args.runs + 1):  # alternate so machine noise hits both alike
            ours.append(wrk(url, headers, args.seconds, args.connections, args.threads))
            base.append(wrk(baseline_url + "/", {}, args.seconds, args.connections, args.threads))
            print(f"run {run}: sandbox {ours[-1]:,.0f} req/s   baseline {base[-1]:,.0f} req/s", flush=True)
        m_ours, m_base = statistics.median(ours), statistics.median(base)
        print(f"median sandbox  (Flex get restore job, bearer auth, buckets on): {m_ours:,.0f} req/s")
        print(f"median baseline (constant body, same asyncio+httptools stack):        {m_base:,.0f} req/s")
        paired = statistics.median(o / b for o, b in zip(ours, base))
        print(f"ratio of medians: {m_ours / m_base:.2f}   median of per-run ratios: {paired:.2f}")
        if args.digest:
            procs = os.cpu_count() or 2
            with multiprocessing.Pool(procs) as pool:
                counts = pool.map(_digest_worker, [(url, accept, float(args.seconds))] * procs)
            print(
                f"Digest, {procs} httpx client processes (client-bound lower bound): "
                f"{sum(counts) / args.seconds:,.0f} req/s"
            )
    finally:
        for proc in (sandbox, baseline):
            proc.terminate()
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
