"""Request-body validation for the POST endpoints (create restore job, download).

The rules are the request schemas of the official spec, summarised as data in ``sandbox.json``
``request_bodies``: which attributes are required, which may be written (each with a format), and which
are readOnly (accepted and ignored, as OpenAPI 3.0 says of readOnly properties in requests).  Anything
else is refused, so a client that still sends a field the replacement dropped hears about it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flexmigrate.sandbox.errors import api_error

__all__ = ["validate_body"]


def validate_body(raw: bytes, rules: Mapping[str, Any], formats: Mapping[str, str]) -> dict[str, str]:
    """The writable attributes of ``raw`` (a JSON object), or an Atlas error naming the first problem."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise api_error("invalid_json") from None
    if not isinstance(body, dict):
        raise api_error("invalid_json")
    for key in body:
        if key not in rules["writable"] and key not in rules["read_only"]:
            raise api_error("invalid_attribute", key, attribute=key)
    for key in rules["required"]:
        if key not in body:
            raise api_error("missing_attribute", key, attribute=key)
    clean = {}
    for key, fmt in rules["writable"].items():
        if key in body:
            value = body[key]
            # fullmatch: the spec's "^...$" would let re.match accept a trailing newline
            if not isinstance(value, str) or not re.fullmatch(formats[fmt], value):
                raise api_error("invalid_attribute", key, attribute=key)
            clean[key] = value
    return clean
