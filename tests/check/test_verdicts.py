"""The verdict rules on replies as the transport hands them over (no server needed)."""

from __future__ import annotations

from datetime import date

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check.normalise import Normaliser, Rules
from flexmigrate.check.paths import GlobSet
from flexmigrate.check.redact import Redactor
from flexmigrate.check.schema import SchemaValidator
from flexmigrate.check.transport import Reply
from flexmigrate.check.verdicts import Judge
from flexmigrate.models.check_results import RunSummary

CATALOG = load_catalog()
FACTS = CATALOG.section("check")
EP = CATALOG.endpoint("get_restore_job")
SUNSET = date.fromisoformat(CATALOG.sunset)
RID = "b" * 24
OLD = {"id": RID, "clusterName": "c1", "status": "COMPLETED", "snapshotUrl": "https://dl/x?sig=secret-sig"}
NEW = {"id": RID, "instanceName": "c1", "status": "COMPLETED", "snapshotUrl": "https://dl/x?sig=other"}


URL_RULES = Rules(normalise={"url": ("*",)})


def judge(today: date = SUNSET, rules: Rules = URL_RULES) -> Judge:
    return Judge(
        normaliser=Normaliser(CATALOG, EP.response_field_renames, rules),
        ignore=GlobSet(rules.ignore),
        validator=SchemaValidator(FACTS["schemas"]),
        schema_name=EP.response_schema["new"],
        retired_statuses=frozenset(FACTS["retired"]["statuses"]),
        gone_status=FACTS["retired"]["gone_status"],
        sunset=SUNSET,
        today=today,
        redactor=Redactor(FACTS["redaction"]),
        hypermedia=frozenset(FACTS["defaults"]["hypermedia"]),
    )


def verdict(old, new, **kw):
    return judge(**kw)(EP.key, "restoreId", "c1", RID, old, new)


def test_match_through_the_field_map():
    assert verdict(Reply(200, OLD), Reply(200, NEW)).verdict.value == "match"


def test_missing_in_new_when_only_the_retired_family_knows_the_id():
    r = verdict(Reply(200, OLD), Reply(404, {"errorCode": "TENANT_RESTORE_NOT_FOUND"}))
    assert r.verdict.value == "missing-in-new" and r.failed
    summary = RunSummary()
    summary.add(r)
    assert summary.exit_code == 1


@pytest.mark.parametrize("status", [404, 410])
def test_old_retired_after_the_sunset(status):
    r = verdict(Reply(status, {}), Reply(200, NEW))
    assert r.verdict.value == "old-retired" and not r.differences


def test_404_before_the_sunset_is_not_retirement_but_410_is():
    before = date(2025, 12, 1)
    assert verdict(Reply(404, {}), Reply(200, NEW), today=before).verdict.value == "error"
    assert verdict(Reply(410, {}), Reply(200, NEW), today=before).verdict.value == "old-retired"


def test_a_404_before_the_sunset_names_its_error_code_not_a_missing_json_object():
    # Found by the one-sided sandbox tests: Atlas's 404 body IS a JSON object; the message said it was not.
    r = verdict(
        Reply(404, {"errorCode": "TENANT_RESTORE_NOT_FOUND"}), Reply(200, NEW), today=date(2025, 12, 1)
    )
    assert r.error == "retired family answered HTTP 404 (TENANT_RESTORE_NOT_FOUND)"
    r = verdict(Reply(200, ["not", "an", "object"]), Reply(200, NEW))
    assert r.error == "retired family answered HTTP 200 without a JSON object"


def test_unknown_everywhere_is_an_error_not_a_mismatch():
    r = verdict(Reply(410, {}), Reply(404, {}))
    assert r.verdict.value == "error" and "not found" in r.error


@pytest.mark.parametrize(
    "old, new, cause",
    [
        (Reply(200, OLD), Reply(503, None, "HTTP 503"), "replacement family: HTTP 503"),
        (Reply(None, None, "timeout (ReadTimeout)"), Reply(200, NEW), "retired family: timeout"),
        (Reply(200, OLD), Reply(500, {"detail": "x"}), "replacement family answered HTTP 500"),
        (None, Reply(200, NEW), "baseline"),
    ],
)
def test_errors_carry_their_cause(old, new, cause):
    r = verdict(old, new)
    assert r.verdict.value == "error" and cause in r.error


def test_difference_values_are_redacted():
    rules = Rules()  # URLs compared whole: the presigned query differs
    r = verdict(Reply(200, OLD), Reply(200, NEW), rules=rules)
    (diff,) = r.differences
    assert (
        diff.field == "snapshotUrl" and "secret-sig" not in str(diff.old) and diff.old.endswith("?REDACTED")
    )


def test_noise_fetch_turns_a_changing_field_into_volatile():
    running = {**OLD, "status": "RUNNING"}
    r = judge()(EP.key, "restoreId", "c1", RID, Reply(200, running), Reply(200, NEW), Reply(200, OLD))
    assert r.verdict.value == "match" and r.volatile == ("status",)


SELF_OLD = [
    {
        "rel": "self",
        "href": "https://cloud.mongodb.com/api/atlas/v2/groups/g/clusters/c1/backup/tenant/restores/" + RID,
    }
]


def test_links_on_one_side_only_are_not_a_mismatch():
    """Real Flex items carry no links; the tenant family's do (issue 9)."""
    r = verdict(Reply(200, {**OLD, "links": SELF_OLD}), Reply(200, NEW))
    assert r.verdict.value == "match" and not r.differences and not r.hypermedia
    assert "links" not in r.compared


def test_links_on_both_sides_are_compared_and_reported_apart():
    other = [{"rel": "self", "href": "https://cloud.mongodb.com/api/atlas/v2/groups/g/flexClusters/c1/x"}]
    r = verdict(Reply(200, {**OLD, "links": SELF_OLD}), Reply(200, {**NEW, "links": other}))
    assert r.verdict.value == "match", "hypermedia is not data"
    assert [d.field for d in r.hypermedia] == ["links[0].href"]
    assert r.to_dict()["hypermedia"][0]["field"] == "links[0].href"
    summary = RunSummary()
    summary.add(r)
    assert summary.hypermedia == {"links[].href": 1} and summary.exit_code == 0
    changed = verdict(
        Reply(200, {**OLD, "links": SELF_OLD}), Reply(200, {**NEW, "status": "FAILED", "links": other})
    )
    assert changed.verdict.value == "mismatch" and [d.field for d in changed.differences] == ["status"]


@pytest.mark.parametrize(
    "family, today, expected",
    [
        (None, SUNSET, "old-retired"),  # the list was not read: the per-ID rule stands
        ("retired", SUNSET, "old-retired"),  # the whole family answers as retired
        ("listed", SUNSET, "only-in-new"),  # the family still lists, without this ID
        ("listed", date(2025, 12, 1), "only-in-new"),  # before the sunset too
        ("holds", SUNSET, "error"),  # the family lists the ID and yet 404s it
        (None, date(2025, 12, 1), "error"),
    ],
)
def test_a_404_of_the_retired_family_is_judged_with_its_list(family, today, expected):
    """Issue 9: a 404 is the family's retirement only when the whole family answers so."""
    r = judge(today=today)(EP.key, "restoreId", "c1", RID, Reply(404, {}), Reply(200, NEW), old_family=family)
    assert r.verdict.value == expected
    assert not r.failed or expected == "error"


def test_410_is_retirement_whatever_the_list_said():
    r = judge()(EP.key, "restoreId", "c1", RID, Reply(410, {}), Reply(200, NEW), old_family="listed")
    assert r.verdict.value == "old-retired"
