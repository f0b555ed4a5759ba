"""The file types that are reported, not rewritten: scripts, docs, configuration, Go, TypeScript.

Each is a :class:`Language` whose analysis is :func:`textscan.text_findings`; they differ only in
the file names they claim.  A new file type of this kind is one more entry in ``TEXT_LANGUAGES``.
"""

from __future__ import annotations

import re
from functools import cache, partial

from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.codemods.settle import FixOutcome
from flexmigrate.languages.base import Language, fix_text
from flexmigrate.languages.prefilter import Prefilter
from flexmigrate.languages.textscan import text_findings
from flexmigrate.models.fix_policy import FixPolicy

__all__ = ["TEXT_LANGUAGES", "text_prefilter", "text_language"]


@cache
def text_prefilter(catalog: Catalog) -> Prefilter:
    """Anchors, then a retired segment bounded as a path segment or a wrapper name as a whole word."""
    eco = ecosystems(catalog)
    names = sorted({*catalog.retired_names(), *eco.python_names(), *eco.other_names()}, key=len, reverse=True)
    segments = "|".join(re.escape(s) for s in catalog.retired_segments())
    words = "|".join(re.escape(n) for n in names)
    confirm = re.compile(
        rf"/(?:{segments})(?=$|[/?#\s\"'`,;)\]|\\]|\{{)|(?<![A-Za-z0-9_])(?:{words})(?![A-Za-z0-9_])".encode()
    )
    tokens = {*catalog.retired_segments(), *names}
    return Prefilter((t.encode() for t in tokens), confirm=confirm)


def _may_hold(raw: bytes) -> bool:
    return text_prefilter(load_catalog()).may_match(raw)


def _run(language: str, text: str, path: str, policy: FixPolicy, fix: bool) -> FixOutcome:
    catalog = load_catalog()
    return fix_text(
        text,
        path=path,
        policy=policy,
        analyse=lambda current, where: text_findings(current, where, catalog, language),
        fix=fix,
    )


def text_language(name: str, **claims) -> Language:
    return Language(name=name, may_hold=_may_hold, run=partial(_run, name), **claims)


TEXT_LANGUAGES = (
    text_language("terraform-json", suffixes=(".tf.json", ".tfvars.json")),
    text_language("shell", suffixes=(".sh", ".bash", ".zsh", ".ksh", ".fish", ".ps1")),
    text_language("makefile", filenames=("makefile", "gnumakefile"), suffixes=(".mk",)),
    text_language("dockerfile", filenames=("dockerfile", "containerfile"), suffixes=(".dockerfile",)),
    text_language("markdown", suffixes=(".md", ".markdown", ".mdx")),
    text_language("restructuredtext", suffixes=(".rst",)),
    text_language("yaml", suffixes=(".yml", ".yaml")),
    text_language("json", suffixes=(".json", ".jsonc")),
    text_language("env", filenames=(".env", ".envrc"), patterns=(r"^\.env\.[^/]+$", r"\.env$")),
    text_language("go", suffixes=(".go",)),
    text_language("javascript", suffixes=(".js", ".mjs", ".cjs", ".jsx")),
    text_language("typescript", suffixes=(".ts", ".tsx", ".mts", ".cts")),
    text_language("http", suffixes=(".http", ".rest")),
)
