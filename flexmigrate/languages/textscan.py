"""Retired endpoints in any text: URL paths, Atlas CLI commands, SDK and wrapper names.

The readers of shell scripts, Markdown, reStructuredText, YAML, JSON, ``.env`` files, Go and
TypeScript/JavaScript (and the parts of Terraform and notebooks that are not code the engines
rewrite) all use :func:`scan_text`.  Every pattern is built from the catalog:

* a retired **URL path**, from ``/groups/`` on (the ``/api/atlas/v2`` prefix may be spelled or
  come from a variable), each ``{parameter}`` standing for one path segment of any spelling:
  ``{{groupId}}`` (Postman), ``$GROUP_ID`` and ``${GROUP}`` (shell), ``<group-id>`` (docs),
  ``:groupId``, a literal ID;
* an **Atlas CLI** command, ``atlas api sharedTierRestoreJobs getBackupTenantRestore``, under any
  historical name;
* a **Go SDK** call, ``SharedTierRestoreJobsApi.GetBackupTenantRestore(``;
* a **wrapper name**: a Terraform data source, a Pulumi function of the Python or Node.js SDK, a
  CDKTF construct, a generated API class;
* a retired **operation ID** (an endpoint map, an OpenAPI document).

Each is reported once (the widest match wins where they overlap), with the replacement and its
version; none is rewritten (a human confirms the surrounding request).  Near misses stay quiet:
``tenant_id``, a service's own ``/tenant/`` routes, dedicated-cluster data sources and the
high-level ``atlas backups`` commands match none of these patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Iterator

from flexmigrate.catalog import Catalog, Endpoint
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.languages.prefilter import anchors
from flexmigrate.models.findings import Finding, FixKind
from flexmigrate.models.lines import LineIndex

__all__ = ["RULES", "TextMatch", "scan_text", "text_findings"]

RULES = {
    "FM601": "retired endpoint URL in text (a script, a runbook, a CI workflow, a Postman collection, ...)",
    "FM602": "Atlas CLI command of a retired endpoint (atlas api sharedTier...)",
    "FM603": "Go SDK call of a retired endpoint (the Flex method takes its arguments in another order)",
    "FM604": "wrapper of a retired endpoint named in text (Terraform data source, Pulumi, CDKTF, generated client)",
    "FM605": "retired operation ID named in text",
}

# One path segment of any spelling: a literal, {x}, {{x}}, $X, ${X}, <x>, :x, %s.
_SEGMENT = r"[^/\s\"'`?#&,;()\[\]|\\]+"
_AFTER = r"(?![A-Za-z0-9_\-])"


@dataclass(frozen=True)
class TextMatch:
    start: int
    end: int
    rule: str
    message: str
    endpoint: Endpoint | None


def _path_literal(endpoint: Endpoint) -> str:
    """The longest run of literal segments of the retired path, between slashes: text that every
    match of :func:`_path_regex` holds (``/backup/tenant/snapshots``), so a file without it is
    skipped by one substring search (the regex alone, with its optional prefix, reads 4 MB in 0.2 s)."""
    runs: list[list[str]] = [[]]
    parts = endpoint.old.path.split("/")
    # From "groups" on, as in the regex: the version prefix before it is optional there.
    for part in parts[parts.index("groups") if "groups" in parts else 1 :]:
        if part.startswith("{"):
            runs.append([])
        else:
            runs[-1].append(part)
    longest = max(runs, key=lambda run: len("/".join(run)))
    return "/" + "/".join(longest)


def _path_regex(endpoint: Endpoint) -> str:
    parts = endpoint.old.path.split("/")
    # From "groups" on; the version prefix before it is optional (a variable often holds it).
    at = parts.index("groups") if "groups" in parts else 1
    prefix = re.escape("/".join(parts[:at]))
    body = "/".join(_SEGMENT if p.startswith("{") else re.escape(p) for p in parts[at:])
    return rf"(?:{prefix})?/{body}(?=$|[/?#\s\"'`,;)\]|\\]){_AFTER}"


def _replacement(endpoint: Endpoint) -> str:
    renames = ", ".join(f"{{{o}}} -> {{{n}}}" for o, n in endpoint.path_param_renames.items())
    text = (
        f"use {endpoint.new.operation_id}: {endpoint.new.method} {endpoint.new.path} "
        f"with Accept: {endpoint.new.media_type}"
    )
    return f"{text} ({renames})" if renames else text


def _args(signature: str) -> str:
    """``X.M(ctx, a, b)`` -> ``ctx, a, b``."""
    return signature[signature.index("(") + 1 : signature.rindex(")")]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _pascal(name: str) -> str:
    return "".join(p.title() for p in name.split("_"))


@dataclass(frozen=True)
class _Patterns:
    paths: tuple[tuple[re.Pattern[str], str, Endpoint], ...]  # (regex, literal every match holds, endpoint)
    cli: re.Pattern[str]
    go: re.Pattern[str]
    go_receivers: tuple[str, ...]  # a Go call begins with one of these (``SharedTierSnapshotsApi.``)
    name_anchors: tuple[str, ...]  # every name holds one of these
    name_info: dict[str, tuple[str, str, Endpoint | None]]  # name -> (rule, message, endpoint)


@cache
def _patterns(catalog: Catalog) -> _Patterns:
    eco = ecosystems(catalog)
    paths = tuple(
        (re.compile(_path_regex(ep)), _path_literal(ep), ep)
        for ep in sorted(catalog, key=lambda e: -len(e.old.path))
    )
    groups = sorted({c.old_group for c in eco.cli}) or ["(?!)"]
    cli = re.compile(rf"\batlas\s+api\s+({'|'.join(groups)})\s+([A-Za-z]+)")
    apis = sorted({name.split(".")[0] for call in eco.go for name in call.old}) or ["(?!)"]
    go = re.compile(rf"\b({'|'.join(apis)})\.([A-Za-z]+)\s*\(")
    info: dict[str, tuple[str, str, Endpoint | None]] = {}
    sunset = catalog.sunset
    for ds in eco.terraform:
        ep = catalog.endpoint(ds.endpoint)
        args = ", ".join(f"{o} -> {n}" for o, n in ds.arguments.items() if n and o != n)
        info[ds.old] = (
            "FM604",
            f"Terraform data source {ds.old} calls a retired endpoint (gone since {sunset}); "
            f"use {ds.new}" + (f" (arguments {args})" if args else ""),
            ep,
        )
    for fn in eco.pulumi:
        ep = catalog.endpoint(fn.endpoint)
        renamed = [(o, n) for o, n in fn.arguments.items() if n and o != n]
        for old, new in fn.names.items():
            called = old.startswith("get_")  # a function (the others are result classes)
            args = ", ".join(f"{o} -> {n}" for o, n in renamed) if called else ""
            info[old.split(".")[-1]] = (
                "FM604",
                f"Pulumi {old} wraps a retired endpoint; use {new}"
                + (f" (arguments {args})" if args else ""),
                ep,
            )
        for old, new in fn.sdk_names().items():
            # Node.js and Java spell arguments in camelCase, .NET and Go in PascalCase.
            spell = _camel if old[0].islower() else _pascal
            args = ", ".join(f"{spell(o)} -> {spell(n)}" for o, n in renamed)
            info[old] = (
                "FM604",
                f"Pulumi {old} wraps a retired endpoint; use {new}"
                + (f" (arguments {args})" if args else ""),
                ep,
            )
    for construct in eco.cdktf:
        ep = catalog.endpoint(construct.endpoint)
        for old, new in construct.classes.items():
            info[old] = ("FM604", f"CDKTF {old} wraps a retired endpoint; use {new}", ep)
    for api in eco.generated_apis:
        info.setdefault(
            api.old_class,
            (
                "FM604",
                f"generated client class {api.old_class} calls retired endpoints; regenerate the client "
                f"against the Flex API and use {api.new_class}",
                None,
            ),
        )
    for ep in catalog:
        for name in ep.old.names:
            info.setdefault(
                name,
                ("FM605", f"{name} is a retired operation (gone since {sunset}); {_replacement(ep)}", ep),
            )
    found_by = tuple(a.decode() for a in anchors(n.encode() for n in info)) if info else ()
    return _Patterns(paths, cli, go, tuple(f"{a}." for a in apis if a != "(?!)"), found_by, info)


def scan_text(text: str, catalog: Catalog) -> Iterator[TextMatch]:
    """Every retired endpoint reference in ``text``, widest first where they overlap, in order."""
    pats = _patterns(catalog)
    eco = ecosystems(catalog)
    found: list[TextMatch] = []
    for regex, literal, ep in pats.paths:
        if literal not in text:
            continue
        for m in regex.finditer(text):
            found.append(
                TextMatch(
                    m.start(),
                    m.end(),
                    "FM601",
                    f"{ep.old.operation_id} ({ep.old.method} {ep.old.path}) was retired on {catalog.sunset}; "
                    + _replacement(ep),
                    ep,
                )
            )
    for m in pats.cli.finditer(text):
        cmd = eco.cli_command(m.group(1), m.group(2))
        if cmd is None:
            continue
        ep = catalog.endpoint(cmd.endpoint)
        renamed = ", ".join(f"{o} -> {n}" for o, n in cmd.flags.items() if n and o != n)
        dropped = ", ".join(o for o, n in cmd.flags.items() if n is None)
        found.append(
            TextMatch(
                m.start(),
                m.end(),
                "FM602",
                f"atlas api {cmd.old_group} {m.group(2)} was removed from the Atlas CLI; run atlas api "
                f"{cmd.new_group} {cmd.new_name} {eco.cli_version_flag} {ep.new.version}"
                + (f", flags {renamed}" if renamed else "")
                + (f" ({dropped}: no Flex counterpart)" if dropped else ""),
                ep,
            )
        )
    for m in pats.go.finditer(text) if any(receiver in text for receiver in pats.go_receivers) else ():
        call = next((c for c in eco.go if f"{m.group(1)}.{m.group(2)}" in c.old), None)
        if call is None:
            continue
        found.append(
            TextMatch(
                m.start(),
                m.end() - 1,
                "FM603",
                f"{m.group(1)}.{m.group(2)} calls a retired endpoint and is gone from the Go SDK; use "
                f"{call.new.split('(')[0]}: the arguments change from ({_args(call.old_signature)}) to "
                f"({_args(call.new)})",
                catalog.endpoint(call.endpoint),
            )
        )
    for start, end in _whole_words_around(text, pats.name_anchors):
        info = pats.name_info.get(text[start:end])
        if info is not None:
            rule, message, ep = info
            found.append(TextMatch(start, end, rule, message, ep))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    end = -1
    for match in found:
        if match.start < end:
            continue  # inside a wider match already reported (a name inside a CLI command)
        end = match.end
        yield match


def _whole_words_around(text: str, anchors: tuple[str, ...]) -> set[tuple[int, int]]:
    """The spans of the whole words (``[A-Za-z0-9_]`` runs) that hold one of ``anchors``.

    Every name the scanner looks for holds an anchor, so its whole-word matches are among these;
    ``str.find`` reaches them at C speed, where one regex alternation of every name read a 4 MB
    generated Go file in 0.1 s and a word-by-word read would take longer still.
    """
    spans = set()
    for anchor in anchors:
        at = text.find(anchor)
        while at >= 0:
            start, end = at, at + len(anchor)
            while start > 0 and text[start - 1] in _WORD:
                start -= 1
            while end < len(text) and text[end] in _WORD:
                end += 1
            spans.add((start, end))
            # The rest of this word holds no other word: go on after it (a long word full of
            # anchors is read once, not once per anchor in it).
            at = text.find(anchor, max(at + 1, end))
    return spans


_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def text_findings(text: str, path: str, catalog: Catalog, language: str) -> list[Finding]:
    """:func:`scan_text` as findings (each ``manual``) of the file at ``path``."""
    lines = LineIndex(text)
    out = []
    for match in scan_text(text, catalog):
        out.append(
            Finding.spanning(
                lines,
                match.start,
                match.end,
                path=path,
                rule=match.rule,
                message=match.message,
                fix=FixKind.MANUAL,
                operation=match.endpoint.old.operation_id if match.endpoint else None,
                replacement=match.endpoint.new.operation_id if match.endpoint else None,
                language=language,
            )
        )
    return out
