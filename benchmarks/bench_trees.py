"""The scanner on real trees, as whole processes, against ruff and grep in the same run (issue 8).

Four trees, each timed as whole processes, alternating tools, median of ``--repeat`` runs, with
the peak memory of each process (``wait4``):

1. ``stdlib``: one copy of this interpreter's standard library, with a few files that call retired
   endpoints in different URL forms.  ``flexmigrate scan`` against ``ruff check --select UP
   --no-cache`` and ``grep -rlE`` over the catalog's tokens.  Target: no slower than ruff.
2. ``stdlib10``: ten copies of it.  Target: within 3x of grep.
3. ``tenant``: real third-party code that says "tenant" everywhere (azure-identity, msal,
   azure-mgmt-resource, django-tenants, openstacksdk, keystoneauth1), installed by this script
   from the package registry into a scratch folder.  Target: zero findings, no slower than ruff.
4. ``hits``: the twenty largest files of the standard library, each with one seeded call.
   Target: at least 1 MB/s of source across both cores; and, in this process, the analysis
   step's cost per MB against a bare libcst parse of the same files.

Run from the repository with the project's virtual environment::

    .venv/bin/python benchmarks/bench_trees.py --trees stdlib,tenant,hits --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from flexmigrate.catalog import load_catalog

BIN = Path(sys.executable).parent
TENANT_PACKAGES = [
    "azure-identity",
    "msal",
    "azure-mgmt-resource",
    "django-tenants",
    "openstacksdk",
    "keystoneauth1",
]

# One retired call in each URL form the codemod handles; the benchmark's trees get all of them.
SEEDS = {
    "fstring.py": 'import requests\n\n\ndef get(g, c, r):\n    return requests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restores/{r}").json()\n',
    "percent.py": 'import requests\nBASE = "https://cloud.mongodb.com/api/atlas/v2"\n\n\ndef snaps(g, c):\n    return requests.get("%s/groups/%s/clusters/%s/backup/tenant/snapshots" % (BASE, g, c))\n',
    "plus.py": 'import requests\n\n\ndef download(base, g, c):\n    return requests.post(base + "/groups/" + g + "/clusters/" + c + "/backup/tenant/download", json={"snapshotId": "x"})\n',
    "fmt.py": 'import requests\nURL = "{}/groups/{}/clusters/{}/backup/tenant/restores"\n\n\ndef jobs(b, g, c):\n    return requests.get(URL.format(b, g, c)).json()["results"]\n',
    "joined.py": 'import requests\n\n\ndef snap(b, g, c, s):\n    return requests.get("/".join([b, "groups", g, "clusters", c, "backup", "tenant", "snapshots", s]))\n',
}
SEED_CALL = (
    "\n\ndef _seeded_flexmigrate_call(g, c, r):\n    import requests\n\n"
    '    return requests.get(f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}'
    '/backup/tenant/restores/{r}").json()\n'
)


def stdlib() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def copy_stdlib(dest: Path) -> None:
    shutil.copytree(
        stdlib(), dest, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"), symlinks=True
    )


def seed(tree: Path) -> None:
    target = tree / "flexmigrate_seeds"
    target.mkdir()
    for name, text in SEEDS.items():
        (target / name).write_text(text, "utf-8")


def source_mb(tree: Path) -> float:
    return sum(p.stat().st_size for p in tree.rglob("*.py") if p.is_file()) / 1e6


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB (0 without GNU time), and stdout of one whole process.

    A process forked from this one starts with this one's memory counted in its peak, so the peak
    is read by GNU ``time`` (``apt-get install time``), a small process that forks the tool.
    """
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [gnu_time, "-f", "%M", "-o", peak.name, *cmd] if gnu_time else cmd
        start = time.perf_counter()
        subprocess.run(wrapped, stdout=out, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        kib = peak.read().strip().splitlines()[-1:] if gnu_time else []
    return elapsed, (int(kib[0]) / 1024 if kib and kib[0].isdigit() else 0.0), text


def tools(tree: Path) -> dict[str, list[str]]:
    tokens = sorted({t.decode() for t in load_catalog().prefilter_tokens()})
    return {
        "flexmigrate scan": [str(BIN / "flexmigrate"), "scan", "--isolated", "--format", "json", str(tree)],
        "ruff check --select UP": [
            str(BIN / "ruff"),
            "check",
            "--isolated",
            "--select",
            "UP",
            "--no-cache",
            "--exit-zero",
            "--quiet",
            str(tree),
        ],
        "grep -rlE": ["grep", "-rlE", "--include=*.py", "|".join(tokens), str(tree)],
    }


def findings(json_text: str) -> int:
    import json

    try:
        return len(json.loads(json_text).get("findings", []))
    except ValueError:
        return -1


def measure(name: str, tree: Path, repeat: int) -> dict[str, tuple[float, float]]:
    commands = tools(tree)
    times: dict[str, list[float]] = {k: [] for k in commands}
    memory: dict[str, float] = {k: 0.0 for k in commands}
    found = 0
    for _ in range(repeat):
        for tool, cmd in commands.items():  # alternating, so drifts of the machine hit every tool
            elapsed, rss, out = run(cmd)
            times[tool].append(elapsed)
            memory[tool] = max(memory[tool], rss)
            if tool == "flexmigrate scan":
                found = findings(out)
    medians = {k: statistics.median(v) for k, v in times.items()}
    mb = source_mb(tree)
    print(f"\n### {name}: {mb:.1f} MB of Python, flexmigrate findings: {found}\n")
    print("| tool | median s | peak MiB | ratio to flexmigrate |")
    print("| --- | ---: | ---: | ---: |")
    ours = medians["flexmigrate scan"]
    for tool, value in medians.items():
        print(f"| `{tool}` | {value:.2f} | {memory[tool]:.0f} | {value / ours:.2f} |")
    ruff = medians["ruff check --select UP"]
    grep = medians["grep -rlE"]
    print(f"\nflexmigrate / ruff = {ours / ruff:.2f}x; flexmigrate / grep = {ours / grep:.1f}x")
    return {k: (medians[k], memory[k]) for k in medians}


def hits(scratch: Path, repeat: int) -> None:
    """The twenty largest stdlib files, each with one call: whole-process MB/s and analysis vs parse."""
    import libcst as cst

    from flexmigrate.codemods.fixer import check_source

    files = sorted(
        (p for p in stdlib().rglob("*.py") if "site-packages" not in p.parts),
        key=lambda p: p.stat().st_size,
    )[-20:]
    tree = scratch / "hits"
    tree.mkdir()
    texts = []
    for i, path in enumerate(files):
        text = path.read_text("utf-8") + SEED_CALL
        (tree / f"{i:02d}_{path.name}").write_text(text, "utf-8")
        texts.append(text)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    whole = [run(tools(tree)["flexmigrate scan"]) for _ in range(repeat)]
    wall = statistics.median(w for w, _, _ in whole)
    found = findings(whole[-1][2])
    parse, analyse = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            cst.parse_module(text)
        parse.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for text in texts:
            check_source(text)
        analyse.append(time.perf_counter() - t0)
    p, a = statistics.median(parse), statistics.median(analyse)
    print(f"\n### hits: the 20 largest stdlib files, {mb:.1f} MB, one seeded call each, findings: {found}\n")
    print("| measure | value |")
    print("| --- | ---: |")
    print(f"| `flexmigrate scan`, whole process, both cores | {wall:.2f} s, {mb / wall:.2f} MB/s |")
    print(f"| analysis (one process): `check_source` per MB | {a / mb:.3f} s/MB |")
    print(f"| bare `libcst.parse_module` per MB | {p / mb:.3f} s/MB |")
    print(f"| analysis / bare parse | {a / p:.2f} |")


def compile_flexmigrate() -> None:
    """Compile flexmigrate's modules to bytecode first, as pip does when it installs the wheel.

    An editable install compiles a module when it is first imported and keeps the bytecode, unless
    ``PYTHONDONTWRITEBYTECODE`` is set (some CI images set it): then every run would compile every
    module again, about 0.1 s that no installed copy pays.  ruff, a binary, has nothing to compile.
    """
    import flexmigrate

    package = Path(flexmigrate.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    note = " (PYTHONDONTWRITEBYTECODE is set here)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    print(f"flexmigrate's bytecode compiled first, as pip does when it installs it{note}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trees", default="stdlib,stdlib10,tenant,hits")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--scratch", type=Path, default=None, help="keep the trees here (default: a temporary folder)"
    )
    args = ap.parse_args()
    wanted = [t.strip() for t in args.trees.split(",") if t.strip()]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, stdlib at {stdlib()}")
    compile_flexmigrate()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = args.scratch or Path(tmp)
        scratch.mkdir(parents=True, exist_ok=True)
        if "stdlib" in wanted or "stdlib10" in wanted:
            one = scratch / "stdlib"
            if not one.exists():
                copy_stdlib(one)
                seed(one)
            if "stdlib" in wanted:
                measure("stdlib (one copy, 5 seeded files)", one, args.repeat)
            if "stdlib10" in wanted:
                ten = scratch / "stdlib10"
                if not ten.exists():
                    for i in range(10):
                        shutil.copytree(one, ten / f"copy{i}", symlinks=True)
                measure("stdlib10 (ten copies)", ten, args.repeat)
        if "tenant" in wanted:
            tenant = scratch / "tenant"
            if not tenant.exists():
                subprocess.run(
                    [sys.executable, "-m", "pip", "install", "-q", "--target", str(tenant), *TENANT_PACKAGES],
                    check=True,
                )
            measure(f"tenant ({', '.join(TENANT_PACKAGES)})", tenant, args.repeat)
        if "hits" in wanted:
            if (scratch / "hits").exists():
                shutil.rmtree(scratch / "hits")
            hits(scratch, args.repeat)


if __name__ == "__main__":
    main()
