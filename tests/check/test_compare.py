"""The generic comparison: kinds of difference, field order, lists, ignore rules and noise."""

from __future__ import annotations

from flexmigrate.check.compare import compare, json_type, partition, volatile_fields
from flexmigrate.check.paths import GlobSet, ancestors, split
from flexmigrate.models.check_results import DiffKind


def kinds(old, new):
    return {d.field: d.kind for d in compare(old, new).differences}


def test_equal_documents_in_another_key_order_have_no_difference():
    old = {"id": "a", "status": "COMPLETED", "links": [{"rel": "self", "href": "h"}]}
    new = {"links": [{"href": "h", "rel": "self"}], "status": "COMPLETED", "id": "a"}
    result = compare(old, new)
    assert result.equal
    assert set(result.compared) == {"id", "status", "links[].rel", "links[].href"}


def test_each_kind_of_difference_is_named_with_its_path():
    old = {"a": 1, "b": "x", "c": "2026-01-01", "only_old": {"deep": 1}, "n": 1}
    new = {"a": 1, "b": "y", "c": 1767225600000, "only_new": [1], "n": 1.0}
    assert kinds(old, new) == {
        "b": DiffKind.DIFFERENT,
        "c": DiffKind.TYPE_CHANGED,
        "only_old": DiffKind.ONLY_IN_OLD,
        "only_new": DiffKind.ONLY_IN_NEW,
    }


def test_one_sided_subtree_is_one_difference_carrying_the_whole_value():
    diff = compare({"x": {"y": {"z": 1}}}, {}).differences
    assert len(diff) == 1 and diff[0].old == {"y": {"z": 1}} and diff[0].new is None


def test_lists_compare_by_position_and_extra_items_are_one_sided():
    old = {"links": [{"rel": "self", "href": "a"}, {"rel": "next", "href": "b"}]}
    new = {"links": [{"rel": "self", "href": "z"}]}
    assert kinds(old, new) == {"links[0].href": DiffKind.DIFFERENT, "links[1]": DiffKind.ONLY_IN_OLD}


def test_null_versus_value_is_a_type_change_and_bool_is_not_a_number():
    assert kinds({"a": None, "b": True}, {"a": "x", "b": 1}) == {
        "a": DiffKind.TYPE_CHANGED,
        "b": DiffKind.TYPE_CHANGED,
    }
    assert json_type(True) == "boolean" and json_type(1.5) == "number"


def test_partition_ignores_globs_and_their_subtrees():
    cmp = compare({"links": [{"href": "a"}], "status": "A"}, {"links": [{"href": "b"}], "status": "B"})
    split_ = partition(cmp, GlobSet(["links"]))
    assert [d.field for d in split_.differences] == ["status"]
    assert split_.ignored == ("links[].href",)
    assert "links[].href" not in split_.compared


def test_partition_moves_volatile_fields_aside():
    first, second = {"status": "RUNNING", "id": "a"}, {"status": "COMPLETED", "id": "a"}
    noisy = volatile_fields(first, second)
    assert noisy == frozenset({"status"})
    split_ = partition(compare(first, {"status": "QUEUED", "id": "b"}), GlobSet(), noisy)
    assert [d.field for d in split_.differences] == ["id"]
    assert split_.volatile == ("status",)


def test_glob_helpers():
    assert ancestors("a[].b.c") == ["a[].b.c", "a[].b", "a[]", "a"]
    assert split("results[].clusterName") == ["results", "[]", "clusterName"]
    assert GlobSet(["*Date"]).matches("restoreFinishedDate")
    assert not GlobSet(["*Date"]).matches("status")
    assert GlobSet(["links[].href"]).matches("links[3].href")
