"""The file types that are reported, not rewritten: scripts, docs, configuration, Go, TypeScript.

Each is a :class:`Language` whose analysis is :func:`textscan.text_findings`; they differ only in
the file names they claim.  A new file type of this kind is one more entry in ``TEXT_LANGUAGES``.
"""

from __future__ import annotations

import re
from functools import cache, partial
from typing import Callable

from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.codemods.settle import FixOutcome, settle
from flexmigrate.languages.base import Language, fix_text, line_suppressions
from flexmigrate.languages.docs import markdown_code, rst_code
from flexmigrate.languages.generated import generated_finding, generated_marker
from flexmigrate.languages.prefilter import Prefilter
from flexmigrate.languages.textscan import text_findings
from flexmigrate.models.findings import Finding
from flexmigrate.models.fix_policy import FixPolicy
from flexmigrate.models.lines import LineIndex

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


Regions = Callable[[str], "list[tuple[int, int]]"]


def _findings(
    text: str, path: str, catalog: Catalog, language: str, regions: Regions | None
) -> list[Finding]:
    found = text_findings(text, path, catalog, language)
    if regions is None or not found:
        return found
    spans = regions(text)
    lines = LineIndex(text)
    return [f for f in found if any(a <= lines.offset(f.line, f.column - 1) < b for a, b in spans)]


def _run(
    language: str, regions: Regions | None, text: str, path: str, policy: FixPolicy, fix: bool
) -> FixOutcome:
    catalog = load_catalog()
    if generated_marker(text, catalog) is not None:
        # A generated file that does refer to a retired endpoint gets one finding, and no edit.
        if _findings(text, path, catalog, language, regions):
            generated = generated_finding(text, path, catalog)
            assert generated is not None
            return FixOutcome(text, settle([generated], policy, line_suppressions(text)))
        return FixOutcome(text, [])
    return fix_text(
        text,
        path=path,
        policy=policy,
        analyse=lambda current, where: _findings(current, where, catalog, language, regions),
        fix=fix,
    )


def text_language(name: str, regions: Regions | None = None, **claims) -> Language:
    """A file type that is reported, not rewritten; ``regions`` limits it to the code in a document."""
    return Language(name=name, may_hold=_may_hold, run=partial(_run, name, regions), **claims)


TEXT_LANGUAGES = (
    text_language("terraform-json", suffixes=(".tf.json", ".tfvars.json")),
    text_language("shell", suffixes=(".sh", ".bash", ".zsh", ".ksh", ".fish", ".ps1")),
    text_language("makefile", filenames=("makefile", "gnumakefile"), suffixes=(".mk",)),
    text_language("dockerfile", filenames=("dockerfile", "containerfile"), suffixes=(".dockerfile",)),
    text_language("markdown", markdown_code, suffixes=(".md", ".markdown", ".mdx")),
    text_language("restructuredtext", rst_code, suffixes=(".rst",)),
    text_language("yaml", suffixes=(".yml", ".yaml")),
    text_language("json", suffixes=(".json", ".jsonc")),
    text_language("env", filenames=(".env", ".envrc"), patterns=(r"^\.env\.[^/]+$", r"\.env$")),
    text_language("go", suffixes=(".go",)),
    text_language("javascript", suffixes=(".js", ".mjs", ".cjs", ".jsx")),
    text_language("typescript", suffixes=(".ts", ".tsx", ".mts", ".cts")),
    text_language("csharp", suffixes=(".cs",)),
    text_language("java", suffixes=(".java",)),
    text_language("kotlin", suffixes=(".kt", ".kts")),
    text_language("http", suffixes=(".http", ".rest")),
)
