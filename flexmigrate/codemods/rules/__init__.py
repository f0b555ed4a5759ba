"""The rules that run after the retired endpoint calls are found, one module per kind of call site.

``ALL`` lists them in the order they run; ``flexmigrate.codemods.engine.analyze`` calls each with the module
context.  Rule codes: FM1xx URLs (``flexmigrate.codemods.urls``), FM2xx version headers, FM3xx response fields
(FM35x: v1.0-only fields), FM4xx request bodies, FM5xx comments and docstrings.  Each rule module
documents its codes in a ``RULES`` dict (code -> one-line summary); ``flexmigrate.codemods.registry`` merges them.
"""

from __future__ import annotations


def _load() -> list:
    from flexmigrate.codemods.rules import comments, headers, legacy_fields, request_body, response_fields

    return [
        headers.check_headers,
        response_fields.check_response_fields,
        legacy_fields.check_legacy_fields,
        request_body.check_request_body,
        comments.check_comments,
    ]


ALL: list = _load()
