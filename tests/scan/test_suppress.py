from flexmigrate.models.findings import Finding, FixKind
from flexmigrate.codemods.suppress import parse_suppressions


def _f(rule, line, end_line=None):
    return Finding(
        path="m.py", line=line, column=1, end_line=end_line, rule=rule, message="m", fix=FixKind.MANUAL
    )


def test_bare_ignore_silences_every_rule_on_its_line():
    s = parse_suppressions("a = 1\nb = 2  # flexmigrate: ignore\n")
    assert s.silences(_f("FM101", 2)) and s.silences(_f("FM301", 2))
    assert not s.silences(_f("FM101", 1))


def test_coded_ignore_only_named_rules_and_prefixes():
    s = parse_suppressions("x = 1  # flexmigrate: ignore[FM101, FM3]\n")
    assert s.silences(_f("FM101", 1)) and s.silences(_f("FM301", 1))
    assert not s.silences(_f("FM201", 1))


def test_directive_on_any_line_of_a_multiline_finding():
    s = parse_suppressions("u = (\n  'a'\n  'b'  # flexmigrate: ignore\n)\n")
    assert s.silences(_f("FM101", 1, 4))


def test_text_inside_a_string_is_not_a_directive():
    s = parse_suppressions("u = '# flexmigrate: ignore'\n")
    assert not s.silences(_f("FM101", 1))


def test_ignore_file():
    s = parse_suppressions("# flexmigrate: ignore-file\nx = 1\n")
    assert s.silences(_f("FM101", 2))


def test_unparseable_text_yields_no_suppressions():
    s = parse_suppressions("x = '''# flexmigrate: ignore\n")
    assert not s.by_line and not s.whole_file
