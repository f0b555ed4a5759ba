"""The rules that run after the retired endpoint calls are found, one module per kind of call site.

``ALL`` lists them in the order they run; ``flexmigrate.codemods.engine.analyze`` calls each with the module
context.  Rule codes: FM1xx URLs (``flexmigrate.codemods.urls``), FM2xx version headers, FM3xx response fields
(FM35x: v1.0-only fields), FM4xx request bodies, FM5xx comments and docstrings, FM62x/FM63x Pulumi and CDKTF wrappers, FM64x the Atlas CLI, FM65x generated clients.  Each rule module
documents its codes in a ``RULES`` dict (code -> one-line summary); ``flexmigrate.codemods.registry`` merges them.
"""

from __future__ import annotations


def _load() -> list:
    from flexmigrate.codemods.rules import (
        atlas_cli,
        comments,
        generated_clients,
        half_migrated,
        headers,
        legacy_fields,
        request_body,
        response_fields,
        wrapper_calls,
    )

    return [
        headers.check_headers,
        response_fields.check_response_fields,
        legacy_fields.check_legacy_fields,
        request_body.check_request_body,
        comments.check_comments,
        wrapper_calls.check_wrapper_calls,
        atlas_cli.check_atlas_cli,
        generated_clients.check_generated_clients,
        half_migrated.check_flex_reads,
    ]


ALL: list = _load()
