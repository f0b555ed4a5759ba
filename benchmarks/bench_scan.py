"""Scanner throughput on a generated repository, against a no-prefilter libcst baseline.

The repository is realistic in shape: most files are ordinary modules (classes, functions, string
literals, some mentioning clusters or snapshots); a few percent call retired endpoints in the forms
the codemod handles.  flexmigrate's scan (prefilter + parse only the candidates) is timed against a
baseline that parses every file with libcst and resolves positions, which is what a codemod without
the prefilter pays.  Both run in this process, alternately, ``--repeat`` times; medians and the
ratio are printed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flexmigrate.scan.pipeline import ScanOptions, scan

ORDINARY = '''"""Module {i}: helpers for the billing service."""

import dataclasses
import json


@dataclasses.dataclass
class Invoice{i}:
    customer: str
    amount: float
    lines: list

    def total(self) -> float:
        return sum(line["amount"] for line in self.lines) + {i}

    def to_json(self) -> str:
        return json.dumps({{"customer": self.customer, "amount": self.amount, "id": "{i}"}})


def fetch_clusters(session, group_id):
    return session.get(f"{{BASE}}/groups/{{group_id}}/clusters").json()["results"]


def snapshot_names(snapshots):
    return [s["id"] for s in snapshots if s.get("status") == "COMPLETED"]
'''

RETIRED = """import requests

BASE = "https://cloud.mongodb.com/api/atlas/v2"


def get_restore_{i}(g, c, r):
    url = f"{{BASE}}/groups/{{g}}/clusters/{{c}}/backup/tenant/restores/{{r}}"
    resp = requests.get(url, headers={{"Accept": "application/vnd.atlas.2023-01-01+json"}})
    return resp.json()["clusterName"]


def list_snapshots_{i}(g, c):
    return requests.get(BASE + "/groups/" + g + "/clusters/" + c + "/backup/tenant/snapshots").json()
"""


def make_repo(root: Path, files: int, share: float, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(files):
        pkg = root / f"pkg{i % 20:02}"
        pkg.mkdir(exist_ok=True)
        template = RETIRED if rng.random() < share else ORDINARY
        (pkg / f"mod{i:05}.py").write_text(template.format(i=i))


def baseline(root: Path) -> int:
    count = 0
    for path in sorted(root.rglob("*.py")):
        wrapper = MetadataWrapper(cst.parse_module(path.read_text()))
        wrapper.resolve(PositionProvider)
        count += 1
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--share", type=float, default=0.05, help="fraction of files with retired calls")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=None, help="scan worker processes (default: automatic)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_repo(root, args.files, args.share, args.seed)
        ours, base = [], []
        findings = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = scan([root], ScanOptions(jobs=args.jobs))
            ours.append(time.perf_counter() - t0)
            findings = len(result.findings)
            t0 = time.perf_counter()
            baseline(root)
            base.append(time.perf_counter() - t0)
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(f"files: {args.files}  with retired calls: ~{args.share:.0%}  findings: {findings}")
    print(f"flexmigrate scan        median {m_ours:8.3f} s  ({args.files / m_ours:8.0f} files/s)")
    print(f"baseline (libcst parse) median {m_base:8.3f} s  ({args.files / m_base:8.0f} files/s)")
    print(f"ratio baseline/ours: {m_base / m_ours:.1f}x")


if __name__ == "__main__":
    main()
