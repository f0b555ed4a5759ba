"""Check user-supplied identifiers against the spec's path patterns before any request is made.

A malformed group ID or cluster name would otherwise become a confusing 404 (or, worse, a request to
a path the user did not mean); the patterns come from the catalog (``path_patterns``).
"""

from __future__ import annotations

from typing import Iterable

from flexmigrate.catalog import Catalog


class InvalidIdentifier(ValueError):
    """An identifier that does not match its path parameter's pattern."""


def check(catalog: Catalog, param: str, values: Iterable[str]) -> None:
    pattern = catalog.pattern(param)
    for value in values:
        if not pattern.search(value):
            raise InvalidIdentifier(
                f"{param} {value!r} does not match the Atlas API pattern {catalog.path_patterns[param]}"
            )
