"""Which URLs a check fetches, built from the catalog's endpoint pairs.

A :class:`Resource` is one kind of record the checker compares (restore jobs, snapshots): the item
endpoint pair, the list endpoint pair that lists it (``list_item`` in the catalog) and the name the
retired path gives its ID.  Paths are the catalog's templates filled in; the replacement's parameter
names come from ``path_param_map``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from flexmigrate.catalog import Catalog, Endpoint, Operation


@dataclass(frozen=True)
class Resource:
    label: str  # "restores" / "snapshots": flexmigrate's own word for it on the command line
    item: Endpoint
    listing: Endpoint | None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def id_param(self) -> str:
        """The retired path's name for the item ID (its last path parameter)."""
        return self.item.old.path_params[-1]

    def _params(self, group: str, cluster: str, item_id: str | None) -> dict[str, str]:
        old = self.item.old.path_params
        values = dict(zip(old, (group, cluster, item_id) if item_id is not None else (group, cluster)))
        return values

    def item_path(self, family: str, group: str, cluster: str, item_id: str) -> str:
        return _fill(self.item, family, self._params(group, cluster, item_id))

    def list_path(self, family: str, group: str, cluster: str) -> str:
        assert self.listing is not None
        return _fill(self.listing, family, self._params(group, cluster, None))

    def operation(self, family: str, listing: bool = False) -> Operation:
        ep = self.listing if listing else self.item
        assert ep is not None
        return ep.old if family == "old" else ep.new

    @property
    def cluster_param(self) -> str:
        return self.item.old.path_params[1]

    @property
    def group_param(self) -> str:
        return self.item.old.path_params[0]


def _fill(endpoint: Endpoint, family: str, old_values: Mapping[str, str]) -> str:
    if family == "old":
        return endpoint.old.path.format(**old_values)
    new_values = {endpoint.path_param_map.get(k, k): v for k, v in old_values.items()}
    return endpoint.new.path.format(**new_values)


def resources(catalog: Catalog) -> dict[str, Resource]:
    """Every resource the checker knows, by label, from ``check.json`` ``resources``."""
    listing_of = {ep.list_item: ep for ep in catalog.endpoints if ep.list_item}
    out = {}
    for label, spec in catalog.section("check")["resources"].items():
        if label.startswith("_"):
            continue
        item = catalog.endpoint(spec["item"])
        out[label] = Resource(label, item, listing_of.get(item.key))
    return out
