"""Python files: the libcst engine (``codemods``) behind the file-type interface.

Two filter stages keep libcst away from files that cannot call a retired endpoint: the byte
prefilter (anchors, then a bounded segment or a whole-word name) and the ``ast`` candidate test
(``codemods.candidates``).  The names include every Python wrapper of the retired endpoints
(Pulumi, CDKTF, generated clients, Atlas CLI groups), so their callers are looked at too.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from functools import cache

from flexmigrate.catalog import Catalog, load_catalog
from flexmigrate.catalog.ecosystems import ecosystems
from flexmigrate.codemods.candidates import CandidateTest, candidate_test
from flexmigrate.codemods.settle import FixOutcome, settle
from flexmigrate.codemods.suppress import parse_suppressions
from flexmigrate.languages.base import Language, NotParsable
from flexmigrate.languages.generated import generated_finding, generated_marker
from flexmigrate.languages.textscan import text_findings
from flexmigrate.languages.prefilter import Prefilter
from flexmigrate.models.findings import FixKind
from flexmigrate.models.fix_policy import FixPolicy

__all__ = ["PYTHON", "python_filters", "run_python"]


@cache
def python_filters(catalog: Catalog) -> tuple[Prefilter, CandidateTest]:
    """Both filter stages of one catalog, built once."""
    candidates = candidate_test(catalog)
    tokens = {
        *catalog.prefilter_tokens(),
        *(n.encode() for n in ecosystems(catalog).python_names()),
        *(s.encode() for s in catalog.flex_segments()),
    }
    prefilter = Prefilter(
        tokens, catalog.retired_segments(), confirm=candidates.byte_pattern(), split=candidates.split
    )
    return prefilter, candidates


def may_hold(raw: bytes) -> bool:
    return python_filters(load_catalog())[0].may_match(raw)


def may_hold_call(text: str) -> bool:
    return python_filters(load_catalog())[1].may_hold_call(text)


def run_python(text: str, path: str, policy: FixPolicy, fix: bool) -> FixOutcome:
    """The Python fix loop (``codemods.fixer``); a syntax error becomes :class:`NotParsable`."""
    import libcst as cst  # imported only once a file can hold a retired call

    from flexmigrate.codemods.fixer import check_source, fix_source

    catalog = load_catalog()
    if generated_marker(text, catalog) is not None:
        # A generated module (an SDK, a client) is regenerated, never edited: one finding, found
        # cheaply by the text scan (paths, names), and only when it does refer to a retired endpoint.
        if not text_findings(text, path, catalog, "python"):
            return FixOutcome(text, [])
        generated = generated_finding(text, path, catalog)
        assert generated is not None
        return FixOutcome(text, settle([generated], policy, parse_suppressions(text)))
    defined = _defined_wrapper(text, catalog)
    try:
        if defined is not None:
            # A module that defines a wrapper (a vendored SDK) is not rewritten: its callers are.
            reason = f"this module defines {defined}, a wrapper of the retired endpoints: migrate its callers (or drop the vendored copy); no edit is offered here"
            found = check_source(text, path=path, policy=policy)
            return FixOutcome(
                text,
                [
                    replace(f.with_fix(FixKind.MANUAL, reason), edits=())
                    if f.fix is not FixKind.MANUAL
                    else f
                    for f in found
                ],
            )
        if fix:
            return fix_source(text, path=path, policy=policy)
        return FixOutcome(text, check_source(text, path=path, policy=policy))
    except cst.ParserSyntaxError as exc:
        raise NotParsable(
            f"not valid Python at line {exc.raw_line}, column {exc.raw_column}: {exc.message}"
        ) from None


def _defined_wrapper(text: str, catalog: Catalog) -> str | None:
    """The first wrapper name (``get_shared_tier_restore_job``, ``SharedTierRestoreJobsApi``) that
    ``text`` defines with ``def`` or ``class``, or ``None``."""
    names = frozenset(ecosystems(catalog).python_names())
    if not any(f"def {n}" in text or f"class {n}" in text for n in names):
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the engine reports it
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in names:
            return node.name
    return None


PYTHON = Language(
    name="python",
    suffixes=(".py", ".pyi"),
    may_hold=may_hold,
    may_hold_text=may_hold_call,
    run=run_python,
)
