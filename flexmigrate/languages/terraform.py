"""Terraform: the shared-tier data sources become the Flex ones, with every reference in the module.

A Terraform module is a folder: a data source declared in ``main.tf`` is read in ``outputs.tf``.
So each ``.tf`` file is analysed with its siblings in view, and every file makes the same decision
for each data source (``data "TYPE" "NAME"``):

* **migrate** it when every site can follow: the block's type and arguments (``cluster_name`` ->
  ``name``, ``job_id`` -> ``restore_job_id``), and every reference in every ``.tf`` file of the
  folder (``data.TYPE.NAME.attr``, ``results[0].attr``, ``results[*].attr``, the variable of a
  ``for`` over ``results``, ``depends_on``).  An attribute with no Flex twin is rewritten only where
  the catalog proves an equivalent (the ``id`` of a single restore job or snapshot is its
  ``restore_job_id`` / ``snapshot_id``);
* otherwise leave **every** site alone and report each as ``manual``, naming the one that blocks
  it: a configuration is never left half migrated, whichever file is fixed first.

Each file writes only its own sites; the decision does not depend on which sibling was already
written (a reference spells its old type, and a declaration already renamed counts as migrated).
Edits are byte splices; where ``terraform fmt`` aligned a block's ``=`` signs, the renamed
arguments are aligned the same way.  The output is parsed again before anything is written.
Retired URLs and CLI commands elsewhere in the file (an ``http`` data source, a ``local-exec``)
are reported as in any text file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.catalog.ecosystems import TerraformDataSource, ecosystems
from flexmigrate.codemods.settle import FixOutcome
from flexmigrate.languages import hcl
from flexmigrate.languages.base import Language, NotParsable, fix_text, line_suppressions
from flexmigrate.languages.text import text_prefilter
from flexmigrate.languages.textscan import text_findings
from flexmigrate.models.findings import Edit, Finding, FixKind
from flexmigrate.models.fix_policy import FixPolicy
from flexmigrate.models.lines import LineIndex

__all__ = ["RULES", "TERRAFORM", "analyse_terraform"]

RULES = {
    "FM611": "Terraform data source of a retired endpoint (becomes the Flex data source, arguments renamed)",
    "FM612": "reference to a retired Terraform data source (follows it: type and attribute renamed)",
    "FM613": "Terraform data source that cannot be migrated whole (an attribute or use with no Flex twin)",
}
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})


@dataclass
class _Site:
    path: Path
    start: int  # bytes
    end: int
    rule: str
    message: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)  # byte spans of that file
    problem: str | None = None


@dataclass
class _Instance:
    source: TerraformDataSource
    name: str
    sites: list[_Site] = field(default_factory=list)
    declared_old: bool = False
    declared_new: bool = False


def _module_files(path: Path) -> list[Path]:
    folder = path.parent
    try:
        found = sorted(p for p in folder.iterdir() if p.name.endswith(".tf") and p.is_file())
    except OSError:
        found = []
    return found if path in found else sorted([*found, path])


def _aligned(block: hcl.DataBlock, data: bytes) -> list[list[hcl.Argument]]:
    """The runs of one-line arguments on consecutive lines (``terraform fmt`` aligns each run)."""
    runs: list[list[hcl.Argument]] = []
    for arg in block.arguments:
        if runs and arg.row == runs[-1][-1].end_row + 1 and runs[-1][-1].row == runs[-1][-1].end_row:
            runs[-1].append(arg)
        else:
            runs.append([arg])
    return runs


def _argument_edits(block: hcl.DataBlock, ds: TerraformDataSource, data: bytes) -> tuple[list, str | None]:
    renames: dict[str, str] = {}
    for arg in block.arguments:
        if arg.name in META_ARGUMENTS:
            continue
        if arg.name not in ds.arguments:
            return [], f"argument {arg.name} is unknown to {ds.new}"
        new = ds.arguments[arg.name]
        if new is None:
            return [], f"argument {arg.name} has no counterpart on {ds.new}"
        if new != arg.name:
            renames[arg.name] = new
    if block.has_nested_blocks:
        return [], f"a nested block inside it is unknown to {ds.new}"
    edits = []
    for run in _aligned(block, data):
        if not any(a.name in renames for a in run):
            continue
        width = max(len(a.name) for a in run)
        formatted = all(
            a.equals - a.name_span[0] == width + 1 and data[a.name_span[1] : a.equals].strip() == b""
            for a in run
        )
        new_width = max(len(renames.get(a.name, a.name)) for a in run)
        for a in run:
            new_name = renames.get(a.name, a.name)
            if formatted and len(run) > 1:
                padded = new_name.ljust(new_width + 1)
                if data[a.name_span[0] : a.equals].decode() != padded:
                    edits.append((a.name_span[0], a.equals, padded))
            elif new_name != a.name:
                edits.append((a.name_span[0], a.name_span[1], new_name))
    return edits, None


def _reference_site(ref: hcl.Reference, ds: TerraformDataSource, path: Path, data: bytes) -> _Site:
    plural = ds.results_attributes is not None
    where = f"data.{ds.old}.{ref.name}"
    site = _Site(path, ref.start, ref.end, "FM612", "", [(ref.type_span[0], ref.type_span[1], ds.new)])
    steps = list(ref.steps)
    if not steps:
        if ref.context in ("depends_on", "for_collection"):
            pass
        else:
            site.problem = f"{where} is used whole, and its attribute names change on {ds.new}"
    else:
        first = steps[0]
        if first.kind != "attr":
            site.problem = f"{where} is read in a way flexmigrate cannot follow"
        elif plural and first.name == "results":
            site.problem = _results_problem(steps[1:], ds, ref, site)
        else:
            new = ds.attribute(first.name or "")
            if new is None:
                site.problem = f"{where}.{first.name} has no counterpart on {ds.new}"
            elif new != first.name:
                site.edits.append((first.span[0], first.span[1], new))
    site.message = f"{where} follows the data source to {ds.new}" if site.problem is None else site.problem
    return site


def _identity(mapping) -> bool:
    return all(new == old for old, new in mapping.items())


def _results_problem(rest, ds: TerraformDataSource, ref: hcl.Reference, site: _Site) -> str | None:
    items = ds.results_attributes or {}
    where = f"data.{ds.old}.{ref.name}.results"
    if not rest:
        if ref.context == "for_collection" or _identity(items):
            return None
        return f"{where} is passed on whole, and its items' attribute names change on {ds.new}"
    if rest[0].kind not in ("index", "splat"):
        return f"{where} is read in a way flexmigrate cannot follow"
    attrs = [s for s in rest[1:] if s.kind == "attr"]
    if not attrs:
        return (
            None
            if _identity(items)
            else f"{where} items are passed on whole, and their attribute names change"
        )
    name = attrs[0].name or ""
    if items.get(name) is None:
        return f"{where} item attribute {name} has no counterpart on {ds.new}"
    new = items[name]
    if new != name:
        site.edits.append((attrs[0].span[0], attrs[0].span[1], new))
    return None


def _for_sites(ref: hcl.Reference, ds: TerraformDataSource, path: Path, data: bytes) -> list[_Site]:
    """The reads of a ``for`` variable that walks a plural data source's ``results``."""
    if ref.for_var is None or ref.for_node_id is None or [s.name for s in ref.steps] != ["results"]:
        return []
    items = ds.results_attributes or {}
    sites = []
    for step, start, end in hcl.for_variable_reads(data, ref.for_node_id, ref.for_var):
        site = _Site(path, start, end, "FM612", "")
        if step is None:
            if not _identity(items):
                site.problem = f"{ref.for_var} (an item of data.{ds.old}.{ref.name}.results) is used whole"
        elif items.get(step.name or "") is None:
            site.problem = f"{ref.for_var}.{step.name} has no counterpart on {ds.new}"
        elif items[step.name or ""] != step.name:
            site.edits.append((step.span[0], step.span[1], items[step.name or ""] or ""))
        if site.edits or site.problem:
            site.message = (
                f"{ref.for_var}.{step.name if step else ''} (an item of data.{ds.old}.{ref.name}) follows to {ds.new}"
                if site.problem is None
                else site.problem
            )
            sites.append(site)
    return sites


def _collect(
    path: Path, text: str, catalog: Catalog
) -> tuple[dict[tuple[str, str], _Instance], dict[Path, bytes]]:
    eco = ecosystems(catalog)
    by_type = {ds.old: ds for ds in eco.terraform} | {ds.new: ds for ds in eco.terraform}
    instances: dict[tuple[str, str], _Instance] = {}
    contents: dict[Path, bytes] = {}
    for file in _module_files(path):
        if file == path:
            data = text.encode("utf-8")
        else:
            try:
                data = file.read_bytes()
            except OSError:
                continue
        contents[file] = data
        olds = frozenset(ds.old for ds in eco.terraform)
        if not any(old.encode() in data for old in olds) and file != path:
            # Only files that name a retired type can hold its sites; a declaration already
            # migrated is looked for in the files that still reference the old one.
            if not any(ds.new.encode() in data for ds in eco.terraform):
                continue
        for block in hcl.data_blocks(data):
            ds = by_type.get(block.type)
            if ds is None:
                continue
            inst = instances.setdefault((ds.old, block.name), _Instance(ds, block.name))
            if block.type == ds.new:
                inst.declared_new = True
                continue
            inst.declared_old = True
            edits, problem = _argument_edits(block, ds, data)
            args = ", ".join(f"{o} -> {n}" for o, n in ds.arguments.items() if n and n != o)
            endpoint = catalog.endpoint(ds.endpoint)
            message = (
                f'data "{ds.old}" calls {endpoint.old.operation_id}, retired on {catalog.sunset}: use '
                f'"{ds.new}"'
                + (f" (arguments {args})" if args else "")
                + (
                    f"; needs provider mongodbatlas >= {eco.terraform_flex_since}"
                    if eco.terraform_flex_since
                    else ""
                )
            )
            site = _Site(
                file,
                block.type_span[0],
                block.type_span[1],
                "FM611",
                message,
                [(*block.type_span, ds.new), *edits],
                problem,
            )
            inst.sites.append(site)
        for ref in hcl.references(data, frozenset(olds)):
            ds = by_type[ref.type]
            inst = instances.setdefault((ds.old, ref.name), _Instance(ds, ref.name))
            inst.sites.append(_reference_site(ref, ds, file, data))
            if ref.context == "for_collection":
                inst.sites.extend(_for_sites(ref, ds, file, data))
    json_siblings = [p for p in path.parent.glob("*.tf.json")] if path.parent.exists() else []
    for inst in instances.values():
        for sibling in json_siblings:
            try:
                if inst.source.old.encode() in sibling.read_bytes():
                    inst.sites.append(
                        _Site(
                            sibling,
                            0,
                            0,
                            "FM613",
                            "",
                            problem=f"{sibling.name} names {inst.source.old}, and flexmigrate does not rewrite .tf.json",
                        )
                    )
            except OSError:
                continue
    return instances, contents


def _held_back(inst: _Instance, policy: FixPolicy, contents: dict[Path, bytes], current: Path) -> str | None:
    """Why ``inst`` cannot be migrated whole, naming the site that blocks it; ``None`` if it can."""
    if not inst.declared_old and not inst.declared_new:
        return f"data.{inst.source.old}.{inst.name} is declared in no .tf file of this folder"
    for site in inst.sites:
        line = contents.get(site.path, b"")[: site.start].count(b"\n") + 1
        where = f"{site.path.name}:{line}" if site.path != current else f"line {line}"
        if site.problem:
            return f"{site.problem} ({where})"
        if not policy.keeps(site.rule):
            return f"{site.rule} at {where} is left out by the rule selection"
        if site.path != current:
            text = contents.get(site.path, b"").decode("utf-8", "replace")
            probe = Finding(str(site.path), line, 1, site.rule, "", FixKind.SAFE)
            if line_suppressions(text).silences(probe):
                return f"the site at {where} is silenced by a 'flexmigrate: ignore' comment"
    return None


def analyse_terraform(
    text: str, path: str, policy: FixPolicy, catalog: Catalog | None = None
) -> list[Finding]:
    """Every finding of one ``.tf`` file, decided over its whole module (its folder)."""
    catalog = catalog or load_catalog()
    here = Path(path)
    data = text.encode("utf-8")
    problem = hcl.syntax_problem(data)
    if problem is not None:
        raise NotParsable(problem)
    instances, contents = _collect(here, text, catalog)
    lines = LineIndex(text)
    to_char = _ByteToChar(text, data)
    findings: list[Finding] = []
    unit = 0
    for inst in instances.values():
        mine = [s for s in inst.sites if s.path == here]
        if not mine:
            continue
        unit += 1
        blocker = _held_back(inst, policy, contents, here)
        endpoint = catalog.endpoint(inst.source.endpoint)
        for site in mine:
            if not site.edits and site.problem is None and blocker is None:
                continue  # nothing to change here (an already migrated reference that reads well)
            rule, fix, message, edits = site.rule, FixKind.SAFE, site.message, ()
            if blocker is None:
                edits = tuple(Edit(to_char(a), to_char(b), t) for a, b, t in site.edits)
            elif site.problem is not None:
                rule, fix = "FM613", FixKind.MANUAL
                message = f"{site.problem}: the data source is left as it is, with every site of it"
            else:
                fix = FixKind.MANUAL
                message = (
                    f"{site.message}; held back: {blocker}; a data source is migrated whole or not at all"
                )
            findings.append(
                Finding.spanning(
                    lines,
                    to_char(site.start),
                    to_char(site.end),
                    path=path,
                    rule=rule,
                    message=message,
                    fix=fix,
                    operation=endpoint.old.operation_id,
                    replacement=endpoint.new.operation_id,
                    edits=edits,
                    unit=unit,
                )
            )
    names = {ds.old for ds in ecosystems(catalog).terraform}
    for f in text_findings(text, path, catalog, "terraform"):
        if f.rule == "FM604" and text[lines.offset(f.line, f.column - 1) :].startswith(tuple(names)):
            continue  # the data source itself: handled above
        findings.append(f)
    return sorted(findings, key=Finding.sort_key)


class _ByteToChar:
    """Byte offsets of the UTF-8 text -> character offsets (the identity for ASCII text)."""

    def __init__(self, text: str, data: bytes) -> None:
        self._ascii = len(text) == len(data)
        self._data = data

    def __call__(self, offset: int) -> int:
        return offset if self._ascii else len(self._data[:offset].decode("utf-8", "replace"))


def _validate(text: str) -> str | None:
    return hcl.syntax_problem(text.encode("utf-8"))


def _run(text: str, path: str, policy: FixPolicy, fix: bool) -> FixOutcome:
    return fix_text(
        text,
        path=path,
        policy=policy,
        analyse=partial(_analyse_with, policy=policy),
        fix=fix,
        validate=_validate,
    )


def _analyse_with(text: str, path: str, *, policy: FixPolicy) -> list[Finding]:
    return analyse_terraform(text, path, policy)


def _may_hold(raw: bytes) -> bool:
    return text_prefilter(load_catalog()).may_match(raw)


TERRAFORM = Language(name="terraform", suffixes=(".tf",), may_hold=_may_hold, run=_run)
