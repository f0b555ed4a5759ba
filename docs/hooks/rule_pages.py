"""MkDocs hook: the rule page and the catalog page, generated at every build.

``rules.md`` lists every code of the rule registry (``flexmigrate.languages.rule_summaries``) with
its summary, the fix kinds it comes with, and a before/after example taken from the test fixtures
(``tests/codemods/fixtures`` for Python, ``tests/languages/fixtures`` for the other file types), the
same files the suite holds the scanner to.  A code with no example fails the build, so a new rule
cannot go undocumented.  ``catalog.md`` lists every retired -> replacement mapping of the shipped
catalog with the source the catalog names for it.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

DATA = Path(__file__).resolve().parents[2] / "flexmigrate" / "catalog" / "data"
# Each wrapper family of ecosystems.json: its list, and the keys of the retired and replacement names.
WRAPPERS = {
    "terraform": ("data_sources", "old", "new"),
    "pulumi": ("functions", "old", "new"),
    "cdktf": ("constructs", "old_module", "new_module"),
    "generated_clients": ("apis", "old_class", "new_class"),
    "atlas_cli": ("commands", "old_names", "new_name"),
    "go_sdk": ("calls", "old", "new"),
}
# The example a newcomer should meet first, where the most focused fixture is an edge case.
FEATURED = {"FM101": "fstring_get_restore."}
FENCES = {
    ".py": "python",
    ".sh": "sh",
    ".yml": "yaml",
    ".go": "go",
    ".ts": "ts",
    ".json": "json",
    ".tf": "hcl",
}


def _expect(text: str) -> list[str]:
    first = text.split("\n", 1)[0]
    return first.removeprefix("# expect:").split() if first.startswith("# expect:") else []


def _body(text: str) -> str:
    """A fixture without its ``# expect:`` line (test metadata, not part of the example)."""
    return text.split("\n", 1)[1] if text.startswith("# expect:") else text


def _examples(root: Path) -> dict[str, list[tuple[int, str, Path, Path | None, list[str]]]]:
    """For each rule code, its examples: (size, kind, before file, after file or None, expectations)."""
    found: dict[str, list] = {}
    for before in sorted((root / "tests" / "codemods" / "fixtures").rglob("*.py")):
        if before.name.endswith(".after.py"):
            continue
        text = before.read_text("utf-8")
        expected = _expect(text)
        after = before.with_name(before.name.replace(".before.py", ".after.py"))
        pair = after if before.name.endswith(".before.py") and after.exists() else None
        for item in expected:
            code, _, kind = item.partition(":")
            found.setdefault(code, []).append((len(text), kind, before, pair, expected))
    folder = root / "tests" / "languages" / "fixtures"
    for name, expected in json.loads((folder / "expect.json").read_text("utf-8")).items():
        if name.startswith("_"):
            continue
        before = folder / name
        stem, _, ext = name.partition(".")
        after = folder / f"{stem}.{'after.' + ext}"
        for item in expected:
            code, _, kind = item.partition(":")
            found.setdefault(code, []).append(
                (len(before.read_text("utf-8")), kind, before, after if after.exists() else None, expected)
            )
    return found


def _fence(path: Path, text: str) -> str:
    lang = FENCES.get(path.suffix, "text")
    return f"```{lang}\n{text.rstrip()}\n```\n"


def rules_page(root: Path) -> str:
    from flexmigrate.languages import rule_summaries

    summaries = rule_summaries()
    examples = _examples(root)
    missing = [code for code in summaries if code not in examples]
    if missing:
        raise PluginError(f"rule(s) with no example among the fixtures: {', '.join(missing)}")
    out = [
        "# Rules\n",
        "Every code flexmigrate reports, with the fix kinds it comes with and an example. The examples "
        "are the test fixtures the suite holds the scanner to, so each one is what `flexmigrate fix` "
        "does to that file today. This page is generated from the rule registry and the fixtures at "
        "every build of the docs.\n",
        "A fix kind is `safe` (applied by `flexmigrate fix`), `unsafe` (applied only with "
        "`--unsafe-fixes`) or `manual` (never applied: the message says why a human must look). "
        "Silence one finding with `# flexmigrate: ignore[CODE]` on its line (`#`, `//` or `<!-- -->` "
        "comments by file type), a whole file with `# flexmigrate: ignore-file`.\n",
        "| code | what | fix kinds |\n| --- | --- | --- |\n"
        + "".join(
            f"| [{code}](#{code.lower()}) | {summary.replace('|', '/')} | "
            f"{', '.join(sorted({kind for _, kind, *_ in examples[code]}))} |\n"
            for code, summary in summaries.items()
        ),
    ]
    for code, summary in summaries.items():
        # A featured example where one is named, else the most focused one: the fewest other rules
        # in it, then a before/after pair, then the shortest.
        chosen = sorted(
            examples[code],
            key=lambda e: (
                not e[2].name.startswith(FEATURED.get(code, "\0")),
                len({x.split(":")[0] for x in e[4]}),
                e[3] is None,
                e[0],
            ),
        )[0]
        _, kind, before, after, expected = chosen
        where = before.relative_to(root).as_posix()
        out.append(f"## {code}\n\n{summary[0].upper() + summary[1:]}.\n")
        out.append(f"Example `{where}`, which gives {', '.join(f'`{e}`' for e in expected)}:\n")
        text = _body(before.read_text("utf-8"))
        if after is not None:
            out.append("Before:\n\n" + _fence(before, text))
            command = (
                "flexmigrate fix --unsafe-fixes" if before.name.startswith("unsafe_") else "flexmigrate fix"
            )
            out.append(f"After `{command}`:\n\n" + _fence(after, _body(after.read_text("utf-8"))))
        else:
            out.append(_fence(before, text))
            verb = (
                "reported and left as it is"
                if kind in ("manual", "error")
                else "left as it is without --unsafe-fixes"
            )
            out.append(f"The file is {verb}.\n")
        out.append(
            "What `flexmigrate scan` says about it:\n\n```text\n" + _scan_lines(before, text) + "\n```\n"
        )
    return "\n".join(out)


def _scan_lines(fixture: Path, text: str) -> str:
    """The concise findings of a real scan of the example as shown (so lines match the page)."""
    import os
    import tempfile

    from flexmigrate.report.scan_text import finding_line
    from flexmigrate.scan.pipeline import ScanOptions, scan

    name = fixture.name.replace(".before.", ".")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / name
        target.write_text(text, "utf-8")
        cwd = os.getcwd()
        os.chdir(tmp)  # the findings name the file as the reader would: by its name alone
        try:
            # The comment rules report only when asked; their fixtures live in a "comments" folder.
            result = scan([Path(name)], ScanOptions(report_comments=fixture.parent.name == "comments"))
        finally:
            os.chdir(cwd)
    lines = [finding_line(f) for f in result.findings]
    lines += [f"{path}: FM000 [error] {message}" for path, message in result.errors]
    return "\n".join(lines) or "(nothing)"


def catalog_page() -> str:
    from flexmigrate.catalog import load_catalog

    catalog = load_catalog()
    raw = json.loads((DATA / "endpoints.json").read_text("utf-8"))
    out = [
        "# The catalog\n",
        "Every fact flexmigrate uses about the endpoints lives in one place, "
        "`flexmigrate/catalog/data/`, each with its source; `tests/catalog` checks it against the "
        "official OpenAPI spec excerpts. This page is generated from it at every build.\n",
        f"The retired endpoints' sunset: **{catalog.sunset}**. Source: {raw['_about']}\n",
        "## Endpoint pairs\n",
    ]
    rows = [
        "| retired | replacement | path parameters renamed | response fields renamed | request body |\n"
        "| --- | --- | --- | --- | --- |\n"
    ]
    for ep in catalog:
        renames = ", ".join(f"`{a}` -> `{b}`" for a, b in ep.path_param_renames.items()) or "-"
        fields = ", ".join(f"`{a}` -> `{b}`" for a, b in ep.response_field_renames.items()) or "-"
        body = "-"
        if ep.request_fields is not None:
            dropped = ", ".join(f"`{f}`" for f in ep.request_fields_dropped)
            body = f"drops {dropped}" if dropped else "same keys"
        rows.append(
            f"| `{ep.old.operation_id}`<br>{ep.old.method} `{ep.old.path}`<br>version {ep.old.version}, "
            f"spec tag {ep.old.tag} "
            f"| `{ep.new.operation_id}`<br>{ep.new.method} `{ep.new.path}`<br>version {ep.new.version}, "
            f"spec tag {ep.new.tag} "
            f"| {renames} | {fields} | {body} |\n"
        )
    out.append("".join(rows))
    out.append("\n## Other names of the same operations\n")
    for ep in catalog:
        out.append(
            f"- `{ep.old.operation_id}` (also {', '.join(f'`{a}`' for a in ep.old.aliases) or 'no alias'}) "
            f"-> `{ep.new.operation_id}` (also {', '.join(f'`{a}`' for a in ep.new.aliases) or 'no alias'})"
        )
    eco = json.loads((DATA / "ecosystems.json").read_text("utf-8"))
    out.append("\n\n## Wrappers and tools\n")
    out.append(f"{eco['_about']}\n")
    for family, (key, old, new) in WRAPPERS.items():
        section = eco[family]
        out.append(f"\n### {family.replace('_', ' ').title()}\n\nSource: {section['source']}\n")
        table = ["| endpoint | retired | replacement |\n| --- | --- | --- |\n"]
        for item in section[key]:
            before, after = item[old], item[new]
            before = "<br>".join(f"`{x}`" for x in before) if isinstance(before, list) else f"`{before}`"
            table.append(f"| {item['endpoint']} | {before} | `{after}` |\n")
        out.append("".join(table))
    return "\n".join(out) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = Path(config.config_file_path).resolve().parent
    files.append(File.generated(config, "rules.md", content=rules_page(root)))
    files.append(File.generated(config, "catalog.md", content=catalog_page()))
    return files
