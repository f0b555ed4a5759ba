"""The file types flexmigrate reads, one small module each, registered here like the codemod rules.

Each file type is a :class:`~flexmigrate.languages.base.Language`: the file names it claims, a byte
test that rules a file out cheaply, and the analysis (with a writer where a fix is exact).  The
scanner asks :func:`language_for` which one reads a file; the first that claims the name wins,
so more specific suffixes (``.tf.json``) come before general ones (``.json``).
"""

from __future__ import annotations

from functools import cache
from typing import Mapping

from flexmigrate.languages.base import Language, NotParsable
from flexmigrate.languages.notebook import NOTEBOOK
from flexmigrate.languages.python import PYTHON
from flexmigrate.languages.terraform import TERRAFORM
from flexmigrate.languages.text import TEXT_LANGUAGES

__all__ = ["LANGUAGES", "Language", "NotParsable", "language_for", "rule_summaries"]

LANGUAGES: tuple[Language, ...] = (PYTHON, NOTEBOOK, TERRAFORM, *TEXT_LANGUAGES)


@cache
def language_for(name: str) -> Language | None:
    """The file type that reads a file called ``name`` (its base name), or ``None``."""
    return next((lang for lang in LANGUAGES if lang.claims(name)), None)


def rule_summaries() -> Mapping[str, str]:
    """Every rule code of every file type with its one-line summary, in code order."""
    from flexmigrate.codemods.registry import rule_summaries as python_rules
    from flexmigrate.languages import generated, terraform, textscan

    found = dict(python_rules())
    found.update(textscan.RULES)
    found.update(terraform.RULES)
    found.update(generated.RULES)
    return dict(sorted(found.items()))
