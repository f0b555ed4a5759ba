"""Python files: the libcst engine (``codemods``) behind the file-type interface.

Two filter stages keep libcst away from files that cannot call a retired endpoint: the byte
prefilter (anchors, then a bounded segment or a whole-word name) and the ``ast`` candidate test
(``codemods.candidates``).  The names include every Python wrapper of the retired endpoints
(Pulumi, CDKTF, generated clients, Atlas CLI groups), so their callers are looked at too.
"""

from __future__ import annotations

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
from flexmigrate.models.fix_policy import FixPolicy

__all__ = ["PYTHON", "python_filters", "run_python"]


@cache
def python_filters(catalog: Catalog) -> tuple[Prefilter, CandidateTest]:
    """Both filter stages of one catalog, built once."""
    candidates = candidate_test(catalog)
    tokens = {*catalog.prefilter_tokens(), *(n.encode() for n in ecosystems(catalog).python_names())}
    prefilter = Prefilter(tokens, catalog.retired_segments(), confirm=candidates.byte_pattern())
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
    try:
        if fix:
            return fix_source(text, path=path, policy=policy)
        return FixOutcome(text, check_source(text, path=path, policy=policy))
    except cst.ParserSyntaxError as exc:
        raise NotParsable(
            f"not valid Python at line {exc.raw_line}, column {exc.raw_column}: {exc.message}"
        ) from None


PYTHON = Language(
    name="python",
    suffixes=(".py", ".pyi"),
    may_hold=may_hold,
    may_hold_text=may_hold_call,
    run=run_python,
    fixes=True,
)
