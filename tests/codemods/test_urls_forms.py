"""Every URL-building form x every retired endpoint of the catalog, generated.

The oracle is independent of the engine's segment alignment: a form renders a *whole* path template
into Python source, the before text from the retired path and the expected after text from the
replacement path, with the same variables in the same holes.  The engine, which only ever sees the
before text, must turn it into exactly the after text (FM1xx fixes only), the output must parse and a
second run must change nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pytest

from flexmigrate.catalog import Endpoint, load_catalog
from flexmigrate.models.findings import FixKind
from tests.codemods.fixture_runner import check_texts

CATALOG = load_catalog()
V2 = CATALOG.legacy_v1["v2_prefix"]
V1 = CATALOG.legacy_v1["prefix"]
HOST = CATALOG.base_url
VARS = ("group_id", "cluster", "item_id")  # the k-th placeholder of a path is held by VARS[k]

Part = tuple[str, object]  # ("lit", text) or ("var", index)


def parts(path: str) -> list[Part]:
    """A path template as literal text and numbered holes."""
    out: list[Part] = []
    for n, chunk in enumerate(re.split(r"\{[^{}]+\}", path)):
        if n:
            out.append(("var", n - 1))
        if chunk:
            out.append(("lit", chunk))
    return out


def _fstring(ps: list[Part], prefix: str = "") -> str:
    body = "".join(str(v) if k == "lit" else "{" + VARS[v] + "}" for k, v in ps)  # type: ignore[index]
    return f'f"{prefix}{body}"'


def _template(ps: list[Part], hole: Callable[[int], str]) -> str:
    return "".join(str(v) if k == "lit" else hole(v) for k, v in ps)  # type: ignore[arg-type]


def _args(ps: list[Part]) -> list[str]:
    return [VARS[v] for k, v in ps if k == "var"]  # type: ignore[index]


def f_string(ps: list[Part]) -> str:
    return _fstring(ps, "{BASE}")


def f_string_single_quotes(ps: list[Part]) -> str:
    return "f'{BASE}" + _template(ps, lambda v: "{" + VARS[v] + "}") + "'"


def percent_tuple(ps: list[Part]) -> str:
    return '"' + HOST + _template(ps, lambda v: "%s") + '" % (' + ", ".join(_args(ps)) + ",)"


def percent_dict(ps: list[Part]) -> str:
    items = ", ".join(f'"{a}": {a}' for a in _args(ps))
    return '"' + _template(ps, lambda v: f"%({VARS[v]})s") + '" % {' + items + "}"


def format_positional(ps: list[Part]) -> str:
    return '"' + HOST + _template(ps, lambda v: "{}") + '".format(' + ", ".join(_args(ps)) + ")"


def format_indexed(ps: list[Part]) -> str:
    args = _args(ps)
    order = list(reversed(range(len(args))))  # indexes out of order on purpose
    text = _template(ps, lambda v: "{" + str(order.index(v)) + "}")
    return '"' + text + '".format(' + ", ".join(args[i] for i in order) + ")"


def format_keyword(ps: list[Part]) -> str:
    args = _args(ps)
    return (
        "'"
        + _template(ps, lambda v: "{" + VARS[v] + "}")
        + "'.format("
        + ", ".join(f"{a}={a}" for a in args)
        + ")"
    )


def plus_chain(ps: list[Part]) -> str:
    pieces = ["BASE"] + [f'"{v}"' if k == "lit" else VARS[v] for k, v in ps]  # type: ignore[index]
    return " + ".join(pieces)


def implicit_concatenation(ps: list[Part]) -> str:
    # One token per line inside parentheses, split after every hole and before "/backup".
    text = _template(ps, lambda v: "{" + VARS[v] + "}")
    lines = re.split(r"(?<=\})(?=/)|(?=/backup)", text)
    tokens = [("f" if "{" in line else "") + f'"{line}"' for line in lines if line]
    return "(\n        " + "\n        ".join(tokens) + "\n    )"


def _join(ps: list[Part], open_: str, close: str) -> str:
    elements: list[str] = [f'"{HOST}"']
    text = _template(ps, lambda v: "\x00" + str(v) + "\x00")
    for seg in text.strip("/").split("/"):
        m = re.fullmatch(r"\x00(\d)\x00", seg)
        elements.append(VARS[int(m.group(1))] if m else f'"{seg}"')
    return '"/".join(' + open_ + ", ".join(elements) + close + ")"


def join_list(ps: list[Part]) -> str:
    return _join(ps, "[", "]")


def join_tuple(ps: list[Part]) -> str:
    return _join(ps, "(", ")")


def query_and_fragment(ps: list[Part]) -> str:
    return _fstring(ps + [("lit", "?pageNum=2&envelope=true#top")], "{BASE}")


def relative_to_client_base(ps: list[Part]) -> str:
    # An SDK-style client whose base URL already ends in the API prefix.
    rel = [(k, (str(v)[len(V2) :] if n == 0 else v)) for n, (k, v) in enumerate(ps)]
    return _fstring(rel)  # type: ignore[arg-type]


def urljoin_known_base(ps: list[Part]) -> str:
    rel = _template(ps, lambda v: "{" + VARS[v] + "}")[len(V2) + 1 :]
    return f'urljoin(API_ROOT, f"{rel}")'


def urllib_parse_urljoin(ps: list[Part]) -> str:
    rel = _template(ps, lambda v: "{}")[len(V2) + 1 :]
    return f'urllib.parse.urljoin(API_ROOT, "{rel}".format(' + ", ".join(_args(ps)) + "))"


def f_string_with_conversions_and_specs(ps: list[Part]) -> str:
    # Holes with a conversion, a format spec, and a nested format spec stay holes.
    specs = ("{group_id!s}", "{cluster:>{len(cluster)}}", "{item_id:s}")
    return 'f"{BASE}' + _template(ps, lambda v: specs[v]) + '"'


def constant_template(ps: list[Part]) -> tuple[str, str]:
    text = _template(ps, lambda v: "{}")
    return f'URL_TEMPLATE = "{text}"\n', "URL_TEMPLATE.format(" + ", ".join(_args(ps)) + ")"


def constants_built_from_constants(ps: list[Part]) -> tuple[str, str]:
    text = _template(ps, lambda v: "{}")
    prefix_end = text.index("/", text.index("/groups/") + len("/groups/{}/")) + 3  # ".../clusters/{}"
    api_end = text.index("/groups/")
    prelude = (
        f'API = BASE + "{text[:api_end]}"\n'
        f'CLUSTER_PATH = API + "{text[api_end:prefix_end]}"\n'
        f'ENDPOINT = CLUSTER_PATH + "{text[prefix_end:]}"\n'
    )
    return prelude, "ENDPOINT.format(" + ", ".join(_args(ps)) + ")"


Rendered = Callable[[list[Part]], "str | tuple[str, str]"]


@dataclass(frozen=True)
class Form:
    name: str
    render: Rendered
    legacy: bool = True  # also rendered with the /api/atlas/v1.0 prefix


FORMS = (
    Form("f_string", f_string),
    Form("f_string_single_quotes", f_string_single_quotes),
    Form("percent_tuple", percent_tuple),
    Form("percent_dict", percent_dict),
    Form("format_positional", format_positional),
    Form("format_indexed", format_indexed),
    Form("format_keyword", format_keyword),
    Form("plus_chain", plus_chain),
    Form("implicit_concatenation", implicit_concatenation),
    Form("join_list", join_list),
    Form("join_tuple", join_tuple),
    Form("query_and_fragment", query_and_fragment),
    Form("relative_to_client_base", relative_to_client_base, legacy=False),
    Form("urljoin_known_base", urljoin_known_base, legacy=False),
    Form("urllib_parse_urljoin", urllib_parse_urljoin, legacy=False),
    Form("f_string_with_conversions_and_specs", f_string_with_conversions_and_specs),
    Form("constant_template", constant_template),
    Form("constants_built_from_constants", constants_built_from_constants),
)

MODULE = """import urllib.parse
from urllib.parse import urljoin

BASE = "{host}"
API_ROOT = "{host}{v2}/"
{prelude}


def call(session, group_id, cluster, item_id):
    return session.request("{method}", {expr})
"""


def module(rendered: str | tuple[str, str], method: str) -> str:
    prelude, expr = rendered if isinstance(rendered, tuple) else ("", rendered)
    return MODULE.format(host=HOST, v2=V2, method=method, expr=expr, prelude=prelude)


def _cases():
    for form in FORMS:
        for ep in CATALOG.endpoints:
            yield pytest.param(form, ep, False, id=f"{form.name}-{ep.key}")
            if form.legacy:
                yield pytest.param(form, ep, True, id=f"{form.name}-{ep.key}-v1.0")


def _old_path(ep: Endpoint, legacy: bool) -> str:
    return V1 + ep.old.path[len(V2) :] if legacy else ep.old.path


@pytest.mark.parametrize(("form", "ep", "legacy"), list(_cases()))
def test_form_rewrites_every_endpoint(form: Form, ep: Endpoint, legacy: bool) -> None:
    before = module(form.render(parts(_old_path(ep, legacy))), ep.old.method)
    after = module(form.render(parts(ep.new.path)), ep.old.method)
    assert before != after
    findings = check_texts(before, after, only="FM1", url_only=True)
    assert findings and all(f.fix is FixKind.SAFE for f in findings), [f.message for f in findings]
    assert {f.operation for f in findings} == {ep.old.operation_id}
    assert {f.replacement for f in findings} == {ep.new.operation_id}
    rules = {f.rule for f in findings}
    assert rules <= {"FM101", "FM102", "FM103"}, rules
    if "FM103" not in rules:  # a rewrite held in constants is reported at the constants
        assert rules == {"FM102" if legacy else "FM101"}


def test_the_forms_cover_the_catalog() -> None:
    """Guard against an empty cross product (a catalog or parametrisation mistake)."""
    assert len(CATALOG.endpoints) >= 6
    assert len(list(_cases())) == sum((2 if f.legacy else 1) * len(CATALOG.endpoints) for f in FORMS)
