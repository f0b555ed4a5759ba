"""The names that wrappers of the retired endpoints use, and their Flex twins: ``data/ecosystems.json``.

Terraform data sources, Pulumi functions, CDKTF constructs, openapi-generator Python clients, Atlas
CLI commands and Go SDK methods each spell a retired endpoint their own way.  This module reads
those maps into small immutable objects; the readers and rules of every file type take their names
from here and nowhere else.  In every map, ``None`` means "no Flex counterpart": a use of such a
name needs a human.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Mapping

from flexmigrate.catalog import Catalog

__all__ = [
    "CdktfConstruct",
    "CliCommand",
    "Ecosystems",
    "GeneratedApi",
    "GoCall",
    "PulumiFunction",
    "TerraformDataSource",
    "ecosystems",
]

NameMap = Mapping[str, "str | None"]


@dataclass(frozen=True)
class TerraformDataSource:
    endpoint: str
    old: str  # mongodbatlas_shared_tier_restore_job
    new: str  # mongodbatlas_flex_restore_job
    arguments: NameMap
    attributes: NameMap
    results_attributes: NameMap | None  # attributes of each ``results`` item (plural data sources)
    equivalents: Mapping[str, str]  # an attribute with no twin of its own, and the one that holds its value

    def attribute(self, name: str) -> str | None:
        """The Flex name of the attribute ``name`` (its equivalent where the catalog proves one).

        An argument is an attribute too (``data.x.y.cluster_name`` reads the argument back); a name
        the catalog does not know has no proven twin: ``None``.
        """
        if name in self.equivalents:
            return self.equivalents[name]
        if name in self.attributes:
            return self.attributes[name]
        return self.arguments.get(name)


@dataclass(frozen=True)
class PulumiFunction:
    endpoint: str
    old: str  # get_shared_tier_restore_job
    new: str
    names: NameMap  # functions, their _output variants and result classes
    arguments: NameMap
    attributes: NameMap
    results_attributes: NameMap | None
    invoke_tokens: NameMap  # ``mongodbatlas:index/getSharedTierRestoreJob:getSharedTierRestoreJob`` -> Flex
    go_functions: NameMap = field(default_factory=dict)  # ``LookupSharedTierRestoreJobs`` -> Flex
    equivalents: Mapping[str, str] = field(default_factory=dict)  # ``id`` -> ``restore_job_id``

    def node_names(self) -> dict[str, str]:
        """The function names of the Node.js/TypeScript SDK (the invoke token's last part), each
        with its ``Output`` variant: ``getSharedTierRestoreJob`` -> ``getFlexRestoreJob``."""
        out = {}
        for old, new in self.invoke_tokens.items():
            if new is None:
                continue
            o, n = old.rsplit(":", 1)[-1], new.rsplit(":", 1)[-1]
            out[o], out[f"{o}Output"] = n, f"{n}Output"
        return out

    def sdk_names(self) -> dict[str, str]:
        """The names of every other Pulumi SDK: Node.js (``getX``, ``getXOutput``), Java (also
        ``getXPlain``), .NET (the class ``GetX``) and Go (``GetX``/``LookupX`` and ``...Output``)."""
        out = dict(self.node_names())
        for old, new in self.node_names().items():
            if not old.endswith("Output"):
                out[f"{old}Plain"] = f"{new}Plain"
                out[old[0].upper() + old[1:]] = new[0].upper() + new[1:]
        out.update({o: n for o, n in self.go_functions.items() if n})
        return out


@dataclass(frozen=True)
class CdktfConstruct:
    endpoint: str
    old_module: str  # data_mongodbatlas_shared_tier_restore_job
    new_module: str
    classes: NameMap
    arguments: NameMap
    attributes: NameMap
    results_attributes: NameMap | None
    equivalents: Mapping[str, str] = field(default_factory=dict)  # ``id`` -> ``restore_job_id``


@dataclass(frozen=True)
class GeneratedApi:
    endpoint: str
    old_class: str  # SharedTierRestoreJobsApi
    new_class: str
    old_module: str
    new_module: str
    methods: NameMap  # every historical method name -> the Flex method of the same generation
    old_params: tuple[str, ...]  # in signature order: required first, as the generator emits them
    new_params: tuple[str, ...]
    arguments: NameMap


@dataclass(frozen=True)
class CliCommand:
    endpoint: str
    old_group: str  # sharedTierRestoreJobs
    new_group: str
    old_names: tuple[str, ...]  # every historical command name and alias
    new_name: str  # the current command name
    new_aliases: tuple[str, ...]
    flags: NameMap  # ``--clusterName`` -> ``--name``; ``None``: the Flex command has no such flag


@dataclass(frozen=True)
class GoCall:
    endpoint: str
    old: tuple[str, ...]  # ``SharedTierRestoreJobsApi.GetBackupTenantRestore``, ...
    old_signature: str
    new: str  # the newest Flex call, with its argument order


@dataclass(frozen=True)
class Ecosystems:
    terraform: tuple[TerraformDataSource, ...]
    pulumi_module: str
    pulumi_output_suffix: str
    pulumi: tuple[PulumiFunction, ...]
    cdktf_package: str
    cdktf: tuple[CdktfConstruct, ...]
    generated_apis: tuple[GeneratedApi, ...]
    cli_version_flag: str
    cli: tuple[CliCommand, ...]
    cli_common_flags: frozenset[str]  # flags every ``atlas api`` command takes (-o, --profile, ...)
    cli_runners: frozenset[str]  # qualified names of the functions that run a command
    go: tuple[GoCall, ...]
    generated_markers: re.Pattern[str]
    generated_head_bytes: int
    # The first release of each wrapper that has the Flex names (provider, SDK, bindings).
    terraform_flex_since: str = ""
    pulumi_flex_since: str = ""
    cdktf_flex_since: str = ""

    def python_names(self) -> tuple[str, ...]:
        """Every identifier a Python wrapper of a retired endpoint is called by (whole words):
        Pulumi functions and classes, CDKTF modules and classes, generated API classes and
        methods, Atlas CLI groups."""
        names: set[str] = set()
        for fn in self.pulumi:
            names.update(n.split(".")[-1] for n in fn.names)
        for construct in self.cdktf:
            names.add(construct.old_module)
            names.update(construct.classes)
        for api in self.generated_apis:
            names.add(api.old_class)
            names.update(api.methods)
        names.update(cmd.old_group for cmd in self.cli)
        return tuple(sorted(names))

    def other_names(self) -> tuple[str, ...]:
        """Identifiers of the retired wrappers outside Python: Terraform data sources, Go methods."""
        names = {ds.old for ds in self.terraform}
        for fn in self.pulumi:
            names.update(fn.sdk_names())
        for call in self.go:
            names.update(part for name in call.old for part in name.split("."))
        return tuple(sorted(names))

    def cli_command(self, group: str, name: str) -> CliCommand | None:
        return next((c for c in self.cli if c.old_group == group and name in c.old_names), None)


def _map(raw: Any) -> dict[str, str | None] | None:
    return None if raw is None else dict(raw)


_EMPTY_SECTION = {
    "terraform": {"data_sources": []},
    "pulumi": {"module": "", "output_suffix": "", "functions": []},
    "cdktf": {"package": "", "constructs": []},
    "generated_clients": {"apis": []},
    "atlas_cli": {"version_flag": "--version", "commands": []},
    "go_sdk": {"calls": []},
    "generated_markers": {"patterns": ["(?!)"], "head_bytes": 4096},
}


@cache
def _build(catalog: Catalog) -> Ecosystems:
    # A catalog of one's own without the section has no wrappers: only hand-written calls are found.
    data = catalog.section("ecosystems") if "ecosystems" in catalog.extra else _EMPTY_SECTION
    tf, pu, cd = data["terraform"], data["pulumi"], data["cdktf"]
    gen, cli, go, markers = (
        data["generated_clients"],
        data["atlas_cli"],
        data["go_sdk"],
        data["generated_markers"],
    )
    return Ecosystems(
        terraform=tuple(
            TerraformDataSource(
                endpoint=d["endpoint"],
                old=d["old"],
                new=d["new"],
                arguments=dict(d["arguments"]),
                attributes=dict(d["attributes"]),
                results_attributes=_map(d.get("results_attributes")),
                equivalents=dict(d["equivalents"]),
            )
            for d in tf["data_sources"]
        ),
        pulumi_module=pu["module"],
        pulumi_output_suffix=pu["output_suffix"],
        pulumi=tuple(
            PulumiFunction(
                endpoint=f["endpoint"],
                old=f["old"],
                new=f["new"],
                names=dict(f["names"]),
                arguments=dict(f["arguments"]),
                attributes=dict(f["attributes"]),
                results_attributes=_map(f.get("results_attributes")),
                invoke_tokens=dict(f.get("invoke_tokens", {})),
                go_functions=dict(f.get("go_functions", {})),
                equivalents=dict(f.get("equivalents", {})),
            )
            for f in pu["functions"]
        ),
        cdktf_package=cd["package"],
        cdktf=tuple(
            CdktfConstruct(
                endpoint=c["endpoint"],
                old_module=c["old_module"],
                new_module=c["new_module"],
                classes=dict(c["classes"]),
                arguments=dict(c["arguments"]),
                attributes=dict(c["attributes"]),
                results_attributes=_map(c.get("results_attributes")),
                equivalents=dict(c.get("equivalents", {})),
            )
            for c in cd["constructs"]
        ),
        generated_apis=tuple(
            GeneratedApi(
                endpoint=a["endpoint"],
                old_class=a["old_class"],
                new_class=a["new_class"],
                old_module=a["old_module"],
                new_module=a["new_module"],
                methods=dict(a["methods"]),
                old_params=tuple(a["old_params"]),
                new_params=tuple(a["new_params"]),
                arguments=dict(a["arguments"]),
            )
            for a in gen["apis"]
        ),
        cli_version_flag=cli["version_flag"],
        cli_common_flags=frozenset(cli.get("common_flags", {}).get("flags", ())),
        cli_runners=frozenset(cli.get("runners", {}).get("functions", ())),
        cli=tuple(
            CliCommand(
                endpoint=c["endpoint"],
                old_group=c["old_group"],
                new_group=c["new_group"],
                old_names=tuple(c["old_names"]),
                new_name=c["new_name"],
                new_aliases=tuple(c["new_aliases"]),
                flags=dict(c["flags"]),
            )
            for c in cli["commands"]
        ),
        go=tuple(
            GoCall(
                endpoint=c["endpoint"], old=tuple(c["old"]), old_signature=c["old_signature"], new=c["new"]
            )
            for c in go["calls"]
        ),
        generated_markers=re.compile("|".join(f"(?:{p})" for p in markers["patterns"])),
        generated_head_bytes=int(markers["head_bytes"]),
        terraform_flex_since=tf.get("flex_since", {}).get("version", ""),
        pulumi_flex_since=pu.get("flex_since", {}).get("version", ""),
        cdktf_flex_since=cd.get("flex_since", {}).get("version", ""),
    )


def ecosystems(catalog: Catalog) -> Ecosystems:
    """The wrapper names of ``catalog`` (read, validated and built once per catalog)."""
    return _build(catalog)
