"""The catalog facts the sandbox reads, gathered in one place.

The sandbox spells no Atlas path, version, field name or error code itself: paths and versions come from
``endpoints.json`` and everything else (error texts, rate limits, field roles) from ``sandbox.json``.
``FAMILIES`` are the catalog's two sides of an endpoint pair: ``old`` (tenant) and ``new`` (Flex).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from flexmigrate.catalog import Catalog, Endpoint, Operation, load_catalog

__all__ = ["FAMILIES", "Facts", "facts"]

FAMILIES = ("old", "new")


@dataclass(frozen=True, eq=False)  # hashed by identity, so per-instance results can be cached
class Facts:
    catalog: Catalog
    data: Mapping[str, Any]

    def op(self, endpoint: Endpoint, family: str) -> Operation:
        return endpoint.old if family == "old" else endpoint.new

    def version(self, family: str) -> str:
        """The one version the family answers (every operation of a family shares it)."""
        versions = self.catalog.old_versions if family == "old" else self.catalog.new_versions
        (only,) = versions
        return only

    def media_type(self, family: str) -> str:
        return _media_types(self)[family]

    def fields(self, record: str) -> Mapping[str, str]:
        return self.data["field_names"][record]

    def error(self, name: str) -> Mapping[str, Any]:
        return self.data["errors"][name]

    def cluster_list(self) -> Operation | None:
        """listFlexClusters (cluster discovery), when the catalog declares it (``check`` section)."""
        try:
            raw = self.catalog.section("check")["cluster_discovery"]
        except KeyError:
            return None
        version = raw["accept_version"]
        return Operation(
            operation_id=raw["operationId"],
            aliases=(),
            method=raw["method"].upper(),
            path=raw["path"],
            version=version,
            media_type=self.catalog.media_type(version),
            tag="",
        )

    def rename_map(self, endpoint: Endpoint) -> dict[str, str]:
        """Old-family field name -> new-family field name for one record of this endpoint."""
        return _renames(self, endpoint.key)


@cache
def _renames(f: Facts, key: str) -> dict[str, str]:
    endpoint = f.catalog.endpoint(key)
    item = f.catalog.endpoint(endpoint.list_item) if endpoint.list_item else endpoint
    return dict(item.response_field_renames)


@cache
def _media_types(f: Facts) -> dict[str, str]:
    """Per-family media types, computed once: they are looked up on every request."""
    return {family: f.catalog.media_type(f.version(family)) for family in FAMILIES}


def facts() -> Facts:
    """The facts of the catalog in force (``load_catalog``), built once per catalog."""
    return _facts(load_catalog())


@cache
def _facts(catalog: Catalog) -> Facts:
    return Facts(catalog=catalog, data=catalog.section("sandbox"))
