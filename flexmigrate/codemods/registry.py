"""Every rule code with its one-line summary, gathered from the modules that emit them.

Each rule module keeps a ``RULES`` dict (code -> summary) beside the code that emits the findings;
this collects them for ``--help`` texts, SARIF rule metadata and the docs.
"""

from __future__ import annotations

import importlib
import sys
from typing import Mapping

# Codes emitted outside the rule modules.
PIPELINE_RULES = {
    "FM000": "file could not be analysed (unreadable, undecodable or not valid Python)",
}


def rule_summaries() -> Mapping[str, str]:
    from flexmigrate.codemods import rules

    modules = {"flexmigrate.codemods.urls", "flexmigrate.codemods.rules.half_migrated"} | {
        getattr(rule, "__module__", "") for rule in rules.ALL
    }
    found: dict[str, str] = dict(PIPELINE_RULES)
    for name in sorted(m for m in modules if m):
        try:
            module = sys.modules.get(name) or importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found.update(getattr(module, "RULES", {}))
    return dict(sorted(found.items()))
