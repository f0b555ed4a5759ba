"""Every rule code the codemods can emit is documented (``flexmigrate rules``, SARIF rule metadata)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flexmigrate.languages import rule_summaries
from flexmigrate.cli import main

PACKAGE = Path(__file__).resolve().parents[2] / "flexmigrate"
SOURCES = (PACKAGE / "codemods", PACKAGE / "languages")


def test_every_emitted_code_has_a_summary():
    emitted = set()
    for path in (p for folder in SOURCES for p in folder.rglob("*.py")):
        emitted.update(re.findall(r"[\"'](FM\d{3})[\"']", path.read_text("utf-8")))
    summaries = rule_summaries()
    assert emitted, "no rule codes found: the scan of the sources is broken"
    assert sorted(emitted - set(summaries)) == []
    assert all(text and text == text.strip() and not text.endswith(".") for text in summaries.values())


def test_rules_command_lists_them_as_json(capsys):
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == dict(rule_summaries())
    assert {"FM000", "FM101", "FM201", "FM301", "FM401"} <= set(listed)
