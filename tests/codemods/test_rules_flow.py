"""The local data flow the rules trust: single bindings, and where a value comes from."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import ParentNodeProvider

from flexmigrate.codemods.rules import flow
from flexmigrate.codemods.rules.response_flow import field_path, item_path, origin, reads_of
from flexmigrate.catalog import load_catalog
from tests.codemods.test_rules_fixtures import context

SOURCE = """\
import requests
import requests as rq
from json import dumps

CONST = {"a": 1}
twice = 1
twice = 2


def f(param, *, other=None):
    local = requests.get("https://example.com")
    for item in local.json()["results"]:
        pass
    with open("x") as handle:
        pass
    first, second = 1, 2
    squares = [n * n for n in range(3)]
    return local, item, handle, first, twice, CONST, param, rq, dumps, squares
"""


def _returned_names(ctx) -> dict[str, cst.Name]:
    names = {}
    for node in ctx.wrapper.resolve(ParentNodeProvider):
        if isinstance(node, cst.Return):
            for element in node.value.elements:
                names[element.value.value] = element.value
    return names


@pytest.mark.parametrize(
    "name, kind",
    [
        ("local", "assign"),
        ("item", "loop"),
        ("handle", "with"),
        ("first", "unpack"),
        ("CONST", "assign"),
        ("param", "param"),
        ("rq", "import"),
        ("dumps", "import"),
    ],
)
def test_binding_kinds(name: str, kind: str) -> None:
    ctx = context(SOURCE)
    bound = flow.binding(ctx, _returned_names(ctx)[name])
    assert bound is not None and bound.kind == kind


def test_two_assignments_are_not_one_binding() -> None:
    ctx = context(SOURCE)
    assert flow.binding(ctx, _returned_names(ctx)["twice"]) is None


def test_imports_resolve_to_their_module() -> None:
    ctx = context(SOURCE)
    assert flow.imported_module(ctx, _returned_names(ctx)["rq"]) == "requests"
    assert flow.imported_module(ctx, _returned_names(ctx)["local"]) is None


def test_same_function_and_enclosing_function() -> None:
    ctx = context(SOURCE)
    names = _returned_names(ctx)
    bound = flow.binding(ctx, names["local"])
    assert flow.same_function(ctx, bound.target, names["local"])
    const = flow.binding(ctx, names["CONST"])
    assert not flow.same_function(ctx, const.target, names["CONST"])
    assert flow.enclosing_function(ctx, const.target) is None


def test_field_paths_follow_the_catalog_notation() -> None:
    assert field_path("results[].clusterName") == ("results", "[]", "clusterName")
    assert field_path("clusterName") == ("clusterName",)
    catalog = load_catalog()
    assert item_path(catalog.endpoint("list_restore_jobs")) == ("results", "[]")
    assert item_path(catalog.endpoint("get_restore_job")) == ()


ORIGINS = """\
import requests


def f(param, group, cluster):
    url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{group}/clusters/{cluster}/backup/tenant/restores"
    migrated = requests.get(url).json()
    other = requests.get("https://example.com/x").json()
    literal = {"clusterName": "x"}
    called = helper()
    return migrated["a"], other["a"], literal["a"], called["a"], param["a"], self_like.attr["a"]
"""


@pytest.mark.parametrize(
    "index, kind, why",
    [
        (0, "migrated", ""),
        (1, "unrelated", ""),
        (2, "unrelated", ""),
        (3, "unknown", "result of helper()"),
        (4, "unknown", "parameter of f()"),
        (5, "unknown", "attribute self_like.attr"),
    ],
)
def test_origin(index: int, kind: str, why: str) -> None:
    ctx = context(ORIGINS)
    returned = next(n for n in ctx.wrapper.resolve(ParentNodeProvider) if isinstance(n, cst.Return))
    subscript = returned.value.elements[index].value
    found = origin(ctx, subscript.value)
    assert found.kind == kind
    assert why in found.why


def test_reads_carry_their_response_path() -> None:
    ctx = context(
        """\
import requests


def f(group, cluster):
    url = f"https://cloud.mongodb.com/api/atlas/v2/groups/{group}/clusters/{cluster}/backup/tenant/restores"
    data = requests.get(url).json()
    first = data["results"][0]
    return first.get("status"), [j["id"] for j in data.get("results", [])], "links" in data
"""
    )
    (ec,) = ctx.endpoint_calls
    paths = sorted(read.path for read in reads_of(ctx, ec, ec.call))
    assert paths == sorted(
        [
            ("results",),
            ("results", "[]", "status"),
            ("results",),
            ("results", "[]", "id"),
            ("links",),
        ]
    )
