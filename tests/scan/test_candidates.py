"""The second filter stage: only files whose tokens can form a retired call reach libcst.

Recall first: every codemod fixture (pairs and no-ops, URLs and rules) goes through ``scan`` from
disk and must give exactly the findings the fix loop gives on its text.  Then the near misses of
the scanner's reports ("Maintenant", ``tenant_id``, ``/tenants/{id}``, a comment) are never parsed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.codemods.fixer import check_source
from flexmigrate.codemods.candidates import candidate_test
from flexmigrate.scan.pipeline import ScanOptions, scan

FIXTURES = Path(__file__).resolve().parents[1] / "codemods" / "fixtures"
ALL = sorted(p for p in FIXTURES.rglob("*.py") if not p.name.endswith(".after.py"))
CATALOG = load_catalog()
TEST = candidate_test(CATALOG)
# A URL whose retired segment comes from the name ``kind``.
_FLEX_HOLE = 'u = f"{BASE}/groups/{g}/clusters/{c}/backup/{kind}/snapshots"\n'


def _key(f) -> tuple:
    return (f.line, f.column, f.rule, f.fix, f.message)


@pytest.mark.parametrize("fixture", ALL, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_is_found_through_the_scanner(fixture: Path, tmp_path: Path) -> None:
    target = tmp_path / fixture.name
    target.write_bytes(fixture.read_bytes())
    options = ScanOptions(report_comments=fixture.parent.name == "comments")
    result = scan([target], options)
    expected = check_source(fixture.read_text("utf-8"), path=str(target), policy=options.policy)
    assert [_key(f) for f in result.findings] == [_key(f) for f in expected]
    if expected:
        assert result.files[0].parsed


NEAR_MISSES_TEXTS = [
    's = "Maintenant, il faut partir"\n',
    "def f(tenant_id):\n    return {'tenant_id': tenant_id}\n",
    'url = f"{base}/tenants/{tid}/users"\n',
    "# call /backup/tenant/restores here one day\nx = 1\n",
    '"""The tenant is the customer: every tenant has its own schema."""\n',
    "tenant = get_tenant()\nprint(tenant.name)\n",
    'route = "/api/v1/tenant-admin/settings"\n',
    'url = "https://login.example.com/{tenant}/oauth2"\n',
    # A bare "tenant" where no URL can be built from it: a plain call, a condition, a statement.
    "parser.add_argument('--tenant', dest='tenant')\n",
    "if 'tenant' in scopes:\n    print(token['tenant'])\n",
    "assert getattr(request, 'tenant') == 'tenant'\n",
    "with open('tenant') as f:\n    pass\n",
    "self.assertEqual(sot.resource_key, 'tenant')\n",
    # A segment whose neighbours no catalog path has (the engine matches none of these).
    'change_form_template = "admin/django_tenants/tenant/change_form.html"\n',
    'requests.get(f"{base}/groups/{g}/clusters/{c}/foo/tenant/restores")\n',
    'requests.get(f"{base}/groups/{g}/clusters/{c}/backup/tenant/settings")\n',
    'requests.get(f"{base}/groups/{g}/clusters/{c}/backup/tenant?page=1")\n',
    # A bare "tenant" bound where the engine never reads it, or to a name that never reaches URL text.
    "self.sync_tenant = options.get('tenant')\n",
    "token['tenant'] = {'id': tid}\n",
    "class Token:\n    def tenant_id(self):\n        return self._token.get('tenant', {}).get('id')\n",
    'KIND = "tenant"\nprint(KIND)\n',
    'u = "tenant" + suffix\n',
    'x = "Main" + "tenant"\n',
    'requests.get(f"{base}/tenants/" + "tenant" + "-admin")\n',
    # ``params`` reaches URL text only as a call's argument, which the engine never reads through.
    'params = {"tenant": {"name": name}}\nquery = "?" + urlencode(params)\nrequests.get(f"{BASE}/tenants{query}")\n',
    'kind = "tenant"\nok = f"{BASE}/{len(kind)}" if kind == other else None\n',
    # ``domain`` reaches URL text only through an attribute, which the engine never reads through.
    'schema_name = "tenant{}".format(i)\n'
    "domain = Domain(name=schema_name)\n"
    'url = "/clients/{}/".format(domain.domain)\n',
]


@pytest.mark.parametrize("text", NEAR_MISSES_TEXTS)
def test_near_misses_do_not_reach_libcst(text: str) -> None:
    assert not TEST.may_hold_call(text)


CAN_FORM = [
    'u = f"{base}/groups/{g}/clusters/{c}/backup/tenant/restores/{r}"\n',
    'u = "/backup/tenant/restore%s" % x\n',
    'u = f"{base}/backup/tenant{suffix}"\n',
    'u = base + "/backup/" + "tenant/download"\n',
    "api.getBackupTenantRestore(group_id, cluster, restore_id)\n",
    'op = "listBackupTenantRestores"\n',
    "s = '/backup/tenant\\\\nx'\n",
    # A bare "tenant" where a URL can be built from it, or a name can carry it to one.
    'u = "/".join([base, "backup", "tenant", "restores"])\n',
    'u = "%s/%s" % (base, "tenant")\n',
    "u = f\"{base}/backup/{'tenant'}/restores\"\n",
    'u = "{}/{}".format(base, "tenant")\n',
    'u = urljoin(base, "tenant")\n',
    'segments.append("tenant")\n',
    'u = "/backup/\\x74enant/restores"\n',
    'u = f"{base}/backup/tenant/restor{suffix}"\n',
    'u = f"{base}/tenant/{rest}"\n',
    'u = "%sup/tenant/restores" % base\n',
    # A bare "tenant" that a name carries to URL text (the engine reads a hole through its name).
    'parts = ["groups", g, "clusters", c, "backup", "tenant", "snapshots"]\nu = "/".join(parts)\n',
    'KIND = "tenant"\nu = f"{base}/backup/{KIND}/restores"\n',
    'kind = KINDS["tenant"]\nu = base + "/backup/" + kind + "/restores"\n',
    'kind = "tenant" if small else "dedicated"\nu = f"{base}/backup/{kind}/restores"\n',
    'def f(g, c, kind="tenant"):\n    return f"{base}/groups/{g}/clusters/{c}/backup/{kind}/restores"\n',
    'def kind():\n    return "tenant"\nu = "%s/backup/%s/restores" % (base, kind())\n',
    'for kind in ("tenant", "dedicated"):\n    urls.append(f"{base}/backup/{kind}/restores")\n',
    'k = "tenant"\nkind = k\nu = f"{base}/backup/{kind}/snapshots"\n',
    'kind, n = "tenant", 1\nu = f"{base}/backup/{kind}/download"\n',
    'if (kind := "tenant"):\n    u = f"{base}/backup/{kind}/restores"\n',
    'schema = "tenant{}".format(i)\nu = TEMPLATE.format(base, schema)\n',
]


@pytest.mark.parametrize("text", CAN_FORM)
def test_what_can_form_a_retired_call_does(text: str) -> None:
    assert TEST.may_hold_call(text)


def _unfiltered(text: str, path: str) -> list:
    """The engine on the whole module with no filter at all: no focus (which masks by this very
    stage's lines, so it would agree with the scanner where both are wrong), then settled."""
    from flexmigrate.codemods.context import AnalyzeOptions
    from flexmigrate.codemods.engine import analyze
    from flexmigrate.codemods.settle import DEFAULT_POLICY, settle
    from flexmigrate.codemods.suppress import parse_suppressions

    found = analyze(text, path=path, options=AnalyzeOptions(focus=False))
    return settle(found, DEFAULT_POLICY, parse_suppressions(text))


# What the review of this stage found dropped (each reported by the unfiltered engine).
_BASE = 'BASE = "https://cloud.mongodb.com/api/atlas/v2"\n'


def _in_function(binding: str, hole: str = "{kind}") -> str:
    """``binding`` in a function whose request's retired segment is ``hole``."""
    return (
        f"{_BASE}def restore_jobs(g, c, size):\n    {binding}\n"
        f'    return requests.get(f"{{BASE}}/groups/{{g}}/clusters/{{c}}/backup/{hole}/snapshots")\n'
    )


REVIEWED = [
    # A lone carriage return: ``ast`` counts it as a line end, so must the stage.
    "x = 1\r" + _in_function("kind = 'x'", "tenant"),
    (
        _BASE
        + "def h(g, c):\n    return requests.get(f'{BASE}/groups/{g}/clusters/{c}/backup/tenant/download')\n"
    ).replace("\n", "\r"),
    # A binding inside the expression an outer name holds: the engine reads every string of it.
    _in_function('kind = {s: k for s, k in [("M0", "tenant")]}[size]'),
    _in_function('kind = KINDS.get(size, default := "tenant")'),
    _in_function('kind = sorted(k for k in {"tenant"})[0]'),
    _in_function('kind = (lambda k="tenant": K[k])()'),
    _in_function("pass", "{(kind := 'tenant')}"),
    _in_function("pass", "{[k for k in ('tenant',)][0]}"),
    # A decorator of a nested def or class (a def's line span starts below its decorators).
    _BASE
    + "class Api:\n"
    + '    @route(BASE + "/groups/{group_id}/clusters/{cluster}/backup/tenant/restores")\n'
    + "    def handler(self, group_id, cluster):\n        pass\n",
    # A segment split across an explicit ``+``, after an f-string's last part or a plain literal.
    _BASE + 'u = requests.get(f"{BASE}/groups/{g}/clusters/{c}/backup/ten" + "ant/restores")\n',
    _BASE
    + 'u = requests.get(BASE + "/groups/" + g + "/clusters/" + c + "/backup/te"\n    "nant/" + "restores")\n',
    # A split right after the segment before it.
    _BASE + 'u = f"{BASE}/groups/{g}/clusters/{c}/backup/" "ten" "ant/restores"\n',
]


@pytest.mark.parametrize("text", [*NEAR_MISSES_TEXTS, *CAN_FORM, *REVIEWED])
def test_the_scanner_finds_what_the_engine_finds(text: str, tmp_path: Path) -> None:
    """The oracle is the engine on the whole text, with no filter: what it reports in a near miss
    (nothing), or in a string this stage keeps, the scanner reports from disk too."""
    target = tmp_path / "case.py"
    target.write_bytes(("import requests\n" + text).encode("utf-8"))
    expected = _unfiltered(target.read_bytes().decode("utf-8"), str(target))
    assert [_key(f) for f in scan([target]).findings] == [_key(f) for f in expected]


def test_the_reviewed_cases_are_findings() -> None:
    """Each reviewed case is a finding of the unfiltered engine, so the test above can fail on it."""
    for text in REVIEWED:
        assert _unfiltered("import requests\n" + text, "case.py"), text


def test_a_name_carries_a_bare_segment_to_a_url() -> None:
    """The engine follows ``kind`` to ``KINDS["tenant"]`` and reads the hole's string as evidence:
    the file must reach it (the assignment is kept), and it does report the URL."""
    text = (
        'BASE = "https://cloud.mongodb.com/api/atlas/v2"\n'
        'kind = KINDS["tenant"]\n'
        'url = f"{BASE}/groups/{g}/clusters/{c}/backup/{kind}/restores"\n'
    )
    assert TEST.may_hold_call(text)
    assert [f.rule for f in check_source(text)] == ["FM110"]


def test_a_file_ast_cannot_parse_goes_on_to_the_parser(tmp_path: Path) -> None:
    target = tmp_path / "broken.py"
    target.write_text('x = "/backup/tenant/restores\n', "utf-8")
    result = scan([target])
    assert result.files[0].parsed and result.files[0].error


def test_a_large_unrelated_file_with_one_call_is_still_found(tmp_path: Path) -> None:
    call = 'import requests\nrequests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'
    noise = "".join(f"def f{i}(tenant_id):\n    return 'Maintenant {i}'\n\n" for i in range(3000))
    target = tmp_path / "big.py"
    target.write_text(noise + call + noise, "utf-8")
    result = scan([target])
    assert [f.rule for f in result.findings if f.rule.startswith("FM1")] == ["FM101"]


NEAR_MISSES = """\
import requests



def tenant_of(token, options):
    if "tenant" in token and options.get("tenant"):
        print(token["tenant"]["name"])
    parser.add_argument("--tenant", dest="tenant")
    return requests.get(f"https://login.example.com/{{tenant}}/v2.0").json()


class Maintenance{i}:
    \"\"\"Maintenant: every tenant has its own schema.\"\"\"

    def run(self, tenant_id):
        return requests.get("https://example.com/tenants/%s/backup" % tenant_id)
"""


def test_every_fixture_in_a_large_tree_is_found_alike(tmp_path: Path) -> None:
    """All fixtures among 200 multi-tenant near-miss modules: each gives its own findings."""
    for i, fixture in enumerate(ALL):
        (tmp_path / f"f{i:03d}_{fixture.name}").write_bytes(fixture.read_bytes())
    noise = tmp_path / "vendor_like"
    noise.mkdir()
    for i in range(200):
        (noise / f"multi_tenant_{i:03d}.py").write_text(NEAR_MISSES.format(i=i), "utf-8")
    options = ScanOptions(report_comments=False)
    result = scan([tmp_path], options)
    by_file = {Path(f.path).name: [] for f in result.findings}
    for f in result.findings:
        by_file[Path(f.path).name].append(_key(f))
    assert not any(name.startswith("multi_tenant") for name in by_file)
    for i, fixture in enumerate(ALL):
        if fixture.parent.name == "comments":
            continue
        name = f"f{i:03d}_{fixture.name}"
        expected = check_source(fixture.read_text("utf-8"), path=name, policy=options.policy)
        assert by_file.get(name, []) == [_key(f) for f in expected], name
    parsed = [r.path.name for r in result.files if r.parsed]
    assert not any(name.startswith("multi_tenant") for name in parsed), "near misses never reach libcst"


def test_one_worker_and_many_give_the_same_findings(tmp_path: Path) -> None:
    for i, fixture in enumerate(ALL):
        (tmp_path / f"f{i:03d}_{fixture.name}").write_bytes(fixture.read_bytes())
    one = scan([tmp_path], ScanOptions(jobs=1))
    many = scan([tmp_path], ScanOptions(jobs=2))
    assert len(one.findings) > 50
    assert [(f.path, *_key(f)) for f in one.findings] == [(f.path, *_key(f)) for f in many.findings]


def test_parallel_triage_settles_every_file_as_one_worker_does(tmp_path: Path) -> None:
    """A tree large enough that reading and filtering go to the workers too: every file (found,
    too large, generated, clean) comes out as it does with one worker, in the same order."""
    from flexmigrate.scan.pipeline import PARALLEL_TRIAGE, _triage_jobs

    for i, fixture in enumerate(ALL):
        (tmp_path / f"f{i:03d}_{fixture.name}").write_bytes(fixture.read_bytes())
    noise = tmp_path / "vendor_like"
    noise.mkdir()
    for i in range(PARALLEL_TRIAGE):
        suffix = (".py", ".sh", ".md", ".tf")[i % 4]
        (noise / f"multi_tenant_{i:04d}{suffix}").write_text(NEAR_MISSES.format(i=i), "utf-8")
    (tmp_path / "huge.sh").write_text(
        "curl $B/groups/$G/clusters/$C/backup/tenant/snapshots\n" * 400, "utf-8"
    )
    (tmp_path / "client_gen.py").write_text(
        "# Code generated by OpenAPI Generator (https://openapi-generator.tech). DO NOT EDIT.\n"
        + ALL[0].read_text("utf-8"),
        "utf-8",
    )
    files = sum(1 for p in tmp_path.rglob("*") if p.is_file())
    assert _triage_jobs(ScanOptions(jobs=2), files) == 2, "the tree must be large enough for parallel triage"
    for extra in ({}, {"exclude_generated": True}):
        one = scan([tmp_path], ScanOptions(jobs=1, max_file_size=4096, **extra))
        many = scan([tmp_path], ScanOptions(jobs=2, max_file_size=4096, **extra))

        def settled(result):
            return [(str(r.path), r.parsed, r.error, [_key(f) for f in r.findings]) for r in result.files]

        assert settled(one) == settled(many)
        assert len(one.findings) > 50
        assert any(r.error and "over the --max-file-size" in r.error for r in one.files)
        assert any(r.path.name == "client_gen.py" for r in one.files) != bool(extra)


def test_no_candidate_no_libcst(tmp_path: Path) -> None:
    """``--version`` and a scan whose files hold no candidate never import libcst (nor httpx, nor
    jsonschema for the shipped catalog, nor the sandbox's server for the parser's sake); a small
    tree with no ``.gitignore`` imports neither the worker pool's machinery nor pathspec, and an
    ``--isolated`` run does not import ``tomllib``."""
    import subprocess
    import sys

    (tmp_path / "multi_tenant.py").write_text("def f(tenant_id):\n    return 'Maintenant'\n", "utf-8")
    probe = (
        "import sys\n"
        "from flexmigrate.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        f"code = main(['scan', '--isolated', {str(tmp_path)!r}])\n"
        "print(code, 'libcst' in sys.modules, 'httpx' in sys.modules, 'jsonschema' in sys.modules,"
        " 'flexmigrate.sandbox.runner' in sys.modules, 'concurrent.futures.process' in sys.modules,"
        " 'pathspec' in sys.modules, 'tomllib' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "0 False False False False False False False", (
        done.stdout + done.stderr
    )
