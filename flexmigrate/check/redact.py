"""Remove secrets before anything leaves the process: reports, record files, logs, error messages.

Three layers, because a secret can hide in three ways: a value under a key that names a secret
(``check.json`` ``redaction.secret_keys``), the query string of a URL (where a presigned download
URL keeps its signature), and a known secret (the run's private key or client secret) appearing
verbatim anywhere in a string, such as an exception message.
"""

from __future__ import annotations

import base64
import logging
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

Json = Any


class Redactor:
    """Redacts documents and text; holds the run's secrets so it can scrub them anywhere."""

    def __init__(self, policy: Mapping[str, Any], secrets: Iterable[str] = ()) -> None:
        self.placeholder: str = policy.get("placeholder", "REDACTED")
        self._keys = frozenset(k.lower() for k in policy.get("secret_keys", ()))
        self._secrets: tuple[str, ...] = ()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Also scrub these strings (and their base64 forms, as Basic auth would carry them)."""
        found = set(self._secrets)
        for secret in secrets:
            if secret and len(secret) >= 4:
                found.add(secret)
                found.add(base64.b64encode(secret.encode()).decode().rstrip("="))
        # Longest first, so a secret containing another is scrubbed whole.
        self._secrets = tuple(sorted(found, key=len, reverse=True))

    def text(self, value: str) -> str:
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, self.placeholder)
        return value

    def url(self, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            return value
        parts = urlsplit(value)
        if not parts.query and not parts.fragment and "@" not in parts.netloc:
            return value
        netloc = parts.netloc.rsplit("@", 1)[-1]
        query = self.placeholder if parts.query else ""
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))

    def document(self, doc: Json) -> Json:
        """A redacted copy of a parsed JSON document."""
        if isinstance(doc, dict):
            return {
                k: (self.placeholder if k.lower() in self._keys and doc[k] is not None else self.document(v))
                for k, v in doc.items()
            }
        if isinstance(doc, list):
            return [self.document(v) for v in doc]
        if isinstance(doc, str):
            return self.text(self.url(doc))
        return doc


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs the run's secrets from every record's message."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redactor.text(record.getMessage())
        record.args = None
        return True
