import pytest

from flexmigrate.models.findings import Edit, Finding, FixKind
from flexmigrate.models.edits import apply_edits, overlaps, select_fixes


def test_apply_keeps_everything_outside_the_edits():
    text = "abc-def-ghi"
    assert apply_edits(text, [Edit(4, 7, "XY"), Edit(0, 1, "")]) == "bc-XY-ghi"


def test_insert_and_empty_edit_list():
    assert apply_edits("ab", [Edit(1, 1, "-")]) == "a-b"
    assert apply_edits("ab", []) == "ab"


def test_overlapping_edits_are_refused():
    with pytest.raises(ValueError):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


def test_out_of_range_is_refused():
    with pytest.raises(ValueError):
        apply_edits("ab", [Edit(1, 5, "x")])


def test_bad_span_cannot_be_built():
    with pytest.raises(ValueError):
        Edit(3, 2, "x")


def _finding(rule, fix, *edits):
    return Finding(path="m.py", line=1, column=1, rule=rule, message="m", fix=fix, edits=tuple(edits))


def test_select_fixes_respects_kinds_and_clashes():
    safe = _finding("FM101", FixKind.SAFE, Edit(0, 2, "a"))
    clash = _finding("FM102", FixKind.SAFE, Edit(1, 3, "b"))
    unsafe = _finding("FM103", FixKind.UNSAFE, Edit(5, 6, "c"))
    manual = _finding("FM110", FixKind.MANUAL)
    chosen, edits = select_fixes([safe, clash, unsafe, manual], frozenset({"safe"}))
    assert chosen == [safe] and edits == [Edit(0, 2, "a")]
    chosen, _ = select_fixes([safe, clash, unsafe, manual], frozenset({"safe", "unsafe"}))
    assert chosen == [safe, unsafe]


def test_two_inserts_at_one_point_overlap():
    assert overlaps([Edit(3, 3, "x")], [Edit(3, 3, "y")])
    assert not overlaps([Edit(0, 1, "x")], [Edit(1, 2, "y")])
