"""Redaction of secrets and presigned URLs; the Flex schema validator on real sandbox answers."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check.redact import RedactingFilter, Redactor
from flexmigrate.check.schema import SchemaValidator

FACTS = load_catalog().section("check")
CATALOG = load_catalog()


def test_documents_lose_secret_keys_and_url_query_strings():
    red = Redactor(FACTS["redaction"], ["the-private-key"])
    doc = {
        "snapshotUrl": "https://dl.example/s.tgz?X-Amz-Signature=abc&X-Amz-Credential=def",
        "nested": [{"password": "hunter2", "ok": "fine"}],
        "note": "key is the-private-key here",
        "plain": "https://h/p",
    }
    out = red.document(doc)
    assert out["snapshotUrl"] == "https://dl.example/s.tgz?REDACTED"
    assert out["nested"] == [{"password": "REDACTED", "ok": "fine"}]
    assert out["note"] == "key is REDACTED here"
    assert out["plain"] == "https://h/p"
    assert doc["nested"][0]["password"] == "hunter2", "the input is not mutated"


def test_userinfo_in_urls_and_base64_forms_are_scrubbed():
    red = Redactor(FACTS["redaction"], ["id:sekrit-value"])
    assert red.url("https://user:pw@host/x") == "https://host/x"
    b64 = base64.b64encode(b"id:sekrit-value").decode()
    assert "sekrit" not in red.text(f"Authorization: Basic {b64}")


def test_logging_filter_scrubs_messages_with_arguments():
    red = Redactor(FACTS["redaction"], ["canary-123456"])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent %s", ("canary-123456",), None)
    RedactingFilter(red).filter(record)
    assert record.getMessage() == "sent REDACTED"


@pytest.fixture(scope="module")
def flex_job(sandbox):
    cluster = sandbox.dataset.first_cluster()
    ep = CATALOG.endpoint("get_restore_job")
    path = ep.new.path.format(
        groupId=cluster.project_id, name=cluster.name, restoreJobId=cluster.restore_job_ids[0]
    )
    auth = httpx.DigestAuth(sandbox.credentials.public_key, sandbox.credentials.private_key)
    response = httpx.get(sandbox.base_url + path, headers={"Accept": ep.new.media_type}, auth=auth)
    assert response.status_code == 200
    return response.json()


def test_a_real_flex_answer_satisfies_the_stored_schema(flex_job):
    validator = SchemaValidator(FACTS["schemas"])
    name = CATALOG.endpoint("get_restore_job").response_schema["new"]
    assert validator.has(name)
    assert validator.validate(flex_job, name) == ()


def test_schema_violations_are_named_by_field():
    validator = SchemaValidator(FACTS["schemas"])
    name = CATALOG.endpoint("get_restore_job").response_schema["new"]
    bad = {
        "id": "XYZ",
        "status": "DONE",
        "restoreScheduledDate": 1767225600000,
        "expirationDate": "yesterday",
        "clusterName": "leaked",
        "links": [{"href": 3}],
        "targetDeploymentItemName": "ok-name_(1)",
    }
    problems = {d.field: d.old for d in validator.validate(bad, name)}
    assert problems == {
        "id": "pattern ^([a-f0-9]{24})$",
        "status": "one of ['PENDING', 'QUEUED', 'RUNNING', 'FAILED', 'COMPLETED']",
        "restoreScheduledDate": "type string",
        "expirationDate": "format date-time",
        "clusterName": "no such property",
        "links[0].href": "type string",
    }


def test_unicode_names_pass_the_translated_spec_pattern():
    validator = SchemaValidator(FACTS["schemas"])
    name = CATALOG.endpoint("get_restore_job").response_schema["new"]
    assert validator.validate({"targetDeploymentItemName": "Zürich-1"}, name) == ()
    assert validator.validate({"targetDeploymentItemName": "bad name!"}, name) != ()
