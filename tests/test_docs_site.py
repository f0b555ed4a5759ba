"""The docs site builds with MkDocs in strict mode, and its generated pages cover everything.

Strict mode turns every warning into a failure: a page missing from the navigation, a broken link
or anchor.  The rule page is generated from the rule registry and the fixtures, the catalog page
from the shipped catalog (``docs/hooks/rule_pages.py``); a rule with no example fails the build.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.languages import rule_summaries

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_every_page_of_docs_is_built(site: Path) -> None:
    for page in (ROOT / "docs").glob("*.md"):
        built = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        assert built.is_file(), page.name


def test_every_rule_code_has_its_section_with_an_example(site: Path) -> None:
    html = (site / "rules" / "index.html").read_text("utf-8")
    for code in rule_summaries():
        section = re.search(rf'<h2 id="{code.lower()}">(.*?)(?=<h2 |</article>)', html, re.S)
        assert section, code
        assert "<pre" in section.group(1) and "Example <code>tests/" in section.group(1), code
        said = section.group(1).split("says about it:", 1)[1]  # a real scan of the example, run by the hook
        assert f"{code} [" in said, code
        if "/unsafe_" in section.group(1).split("</code>", 1)[0]:  # an unsafe fix is shown as one
            assert "flexmigrate fix --unsafe-fixes" in section.group(1), code


def test_the_catalog_page_names_every_operation_and_its_source(site: Path) -> None:
    html = (site / "catalog" / "index.html").read_text("utf-8")
    tables = re.findall(r"<table>(.*?)</table>", html, re.S)
    pairs = tables[0]  # one row per endpoint pair, in one table (a blank line would break it apart)
    for ep in load_catalog():
        for name in (ep.old.operation_id, ep.new.operation_id):
            assert f"<code>{name}</code>" in pairs, name
        for name in (*ep.old.aliases, *ep.new.aliases):
            assert f"<code>{name}</code>" in html, name
    assert pairs.count("<tr>") == len(load_catalog()) + 1
    assert len(tables) >= 7 and all(t.count("<tr>") >= 5 for t in tables[1:])  # each wrapper family
    assert "mongodb/openapi" in html and "terraform-provider-mongodbatlas" in html


def test_a_rule_without_an_example_fails_the_build(monkeypatch) -> None:
    spec = importlib.util.spec_from_file_location("rule_pages", ROOT / "docs" / "hooks" / "rule_pages.py")
    hook = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(hook)  # type: ignore[union-attr]
    import flexmigrate.languages as languages

    monkeypatch.setattr(languages, "rule_summaries", lambda: {**rule_summaries(), "FM999": "a new rule"})
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match="FM999"):
        hook.rules_page(ROOT)
