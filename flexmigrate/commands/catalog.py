"""``flexmigrate catalog``: print the endpoint catalog as a table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from flexmigrate.catalog import Catalog, load_catalog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("catalog", help="print the retired -> replacement endpoint catalog")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run)


def as_json(catalog: Catalog) -> dict:
    return {
        "sunset": catalog.sunset,
        "base_url": catalog.base_url,
        "endpoints": [
            {
                "key": ep.key,
                "old": {
                    "operation_id": ep.old.operation_id,
                    "aliases": list(ep.old.aliases),
                    "method": ep.old.method,
                    "path": ep.old.path,
                    "media_type": ep.old.media_type,
                    "sunset": ep.old.sunset,
                },
                "new": {
                    "operation_id": ep.new.operation_id,
                    "aliases": list(ep.new.aliases),
                    "method": ep.new.method,
                    "path": ep.new.path,
                    "media_type": ep.new.media_type,
                },
                "path_param_renames": dict(ep.path_param_renames),
                "response_field_renames": ep.response_field_renames,
                "dropped_request_fields": list(ep.dropped_request_fields),
            }
            for ep in catalog
        ],
    }


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    if args.format == "json":
        json.dump(as_json(catalog), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Retired Atlas endpoints (sunset {catalog.sunset}) and their replacements")
    # Fold long paths instead of cutting them with an ellipsis: every character here is a fact.
    old_versions = "/".join(sorted(catalog.old_versions))
    new_versions = "/".join(sorted(catalog.new_versions))
    table.add_column("key", overflow="fold")
    table.add_column(f"retired ({old_versions})", overflow="fold")
    table.add_column(f"replacement ({new_versions})", overflow="fold")
    table.add_column("renames", overflow="fold")
    for ep in catalog:
        renames = {
            **{f"{{{k}}}": f"{{{v}}}" for k, v in ep.path_param_renames.items()},
            **ep.response_field_renames,
        }
        dropped = [f"body.{k} dropped" for k in ep.dropped_request_fields]
        table.add_row(
            ep.key,
            f"{ep.old.operation_id}\n{ep.old.method} {ep.old.path}",
            f"{ep.new.operation_id}\n{ep.new.method} {ep.new.path}",
            "\n".join([f"{a} -> {b}" for a, b in renames.items()] + dropped),
        )
    Console().print(table)
    return 0
