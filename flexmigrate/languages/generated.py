"""FM650: a generated file (a client, an SDK) that calls retired endpoints is regenerated, not edited.

openapi-generator, the Pulumi and CDKTF code generators and Go's ``go generate`` mark their output
(the markers are in the catalog, with their sources).  Such a file would be overwritten at the next
generation, and its paths, versions and models come as one set from the spec it was generated
from: rewriting one path literal would leave it sending the tenant version and parsing the tenant
model.  So a generated file that may call a retired endpoint gets one ``manual`` finding, and no
edit is offered in it.
"""

from __future__ import annotations

from flexmigrate.catalog import Catalog
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.models.findings import Finding, FixKind

__all__ = ["RULES", "generated_finding", "generated_marker"]

RULES = {
    "FM650": "generated file that calls retired endpoints: regenerate it against the Flex API (manual)",
}


def generated_marker(text: str, catalog: Catalog) -> str | None:
    """The generator's marker in the head of ``text``, or ``None`` for a file written by hand."""
    eco = ecosystems(catalog)
    match = eco.generated_markers.search(text[: eco.generated_head_bytes])
    return match.group(0) if match else None


def generated_finding(text: str, path: str, catalog: Catalog) -> Finding | None:
    marker = generated_marker(text, catalog)
    if marker is None:
        return None
    return Finding(
        path=path,
        line=1,
        column=1,
        rule="FM650",
        message=(
            f"generated file ({marker!r}) that names retired endpoints: regenerate it against the Flex "
            "API (or upgrade the package it comes from); flexmigrate edits no generated file"
        ),
        fix=FixKind.MANUAL,
    )
