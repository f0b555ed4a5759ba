"""A request is migrated whole or not at all: no URL on Flex with the tenant header or body.

These go through ``check_source``, the findings as ``scan`` reports them (analysed, filtered, settled).
"""

from __future__ import annotations

from flexmigrate.codemods.fixer import check_source as analyze
from flexmigrate.models.findings import FixKind

URL = "https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/restores/{r}"


def kinds(source: str) -> dict[str, FixKind]:
    return {f.rule: f.fix for f in analyze(source)}


def test_whole_request_visible_stays_safe():
    src = (
        "import requests\n"
        "def get(g, c, r):\n"
        f'    return requests.get(f"{URL}", headers={{"Accept": "application/vnd.atlas.2023-01-01+json"}})\n'
    )
    found = analyze(src)
    assert {f.fix for f in found} == {FixKind.SAFE}
    assert not any("unsafe:" in f.message for f in found)


def test_header_from_a_parameter_holds_the_url_fix_back():
    src = f'import requests\ndef get(g, c, r, headers):\n    return requests.get(f"{URL}", headers=headers)\n'
    found = analyze(src)
    url = next(f for f in found if f.rule.startswith("FM1"))
    header = next(f for f in found if f.rule.startswith("FM2"))
    assert header.fix is FixKind.MANUAL
    # Not even --unsafe-fixes may move the URL while the version header needs a human.
    assert url.fix is FixKind.MANUAL and url.edits
    assert f"held back: {header.rule} of this request (line {header.line}) needs a human" in url.message


def test_a_safe_sibling_fix_of_a_half_visible_request_is_held_back_too():
    # Accept is a literal the call owns (safe on its own) but the body comes from a parameter.
    src = (
        "import requests\n"
        "def download(g, c, body):\n"
        "    return requests.post(\n"
        '        f"https://cloud.mongodb.com/api/atlas/v2/groups/{g}/clusters/{c}/backup/tenant/download",\n'
        "        json=body,\n"
        '        headers={"Accept": "application/vnd.atlas.2023-01-01+json",\n'
        '                 "Content-Type": "application/vnd.atlas.2023-01-01+json"},\n'
        "    )\n"
    )
    found = analyze(src)
    body = next(f for f in found if f.rule.startswith("FM4"))
    assert body.fix is FixKind.MANUAL
    with_edits = [f for f in found if f.edits]
    assert with_edits and all(f.fix is FixKind.MANUAL for f in with_edits)
    assert all(f"held back: {body.rule} of this request" in f.message for f in with_edits)


def test_a_local_url_part_used_inside_the_call_argument_is_one_request():
    # Found in the demo sample: the definition of `path` was reported as a request whose sending
    # call could not be found (FM203), which made the whole create call unsafe.
    src = (
        "import requests\n"
        "BASE = 'https://cloud.mongodb.com/api/atlas/v2'\n"
        "def start(g, c, body):\n"
        "    path = '/groups/{}/clusters/{}/backup/tenant/restore'.format(g, c)\n"
        "    headers = {'Accept': 'application/vnd.atlas.2023-01-01+json',\n"
        "               'Content-Type': 'application/vnd.atlas.2023-01-01+json'}\n"
        "    return requests.post(BASE + path, json=body, headers=headers)\n"
    )
    found = analyze(src)
    assert not [f for f in found if f.rule == "FM203"]
    assert sorted(f.rule for f in found) == ["FM101", "FM201", "FM201"]
    assert {f.fix for f in found} == {FixKind.SAFE}
