"""The wrapper maps (catalog/data/ecosystems.json) against the endpoint research's ``ecosystems`` key.

Every name, argument, attribute, method and flag map the readers and rules use must say exactly what
the research found in the wrappers' own sources; these tests compare them entry by entry.  The
research is beside the clone only (../shared); without it they skip, saying why.
"""

from __future__ import annotations

from typing import Any, Mapping

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.catalog.ecosystems import ecosystems

pytestmark = pytest.mark.shared

ECO = ecosystems(load_catalog())


def _research(research: Mapping[str, Any], key: str, ecosystem: str) -> Mapping[str, Any]:
    (endpoint,) = [e for e in research["endpoints"] if e["key"] == key]
    return endpoint["ecosystems"][ecosystem]


def test_every_wrapped_endpoint_is_in_the_catalog(research):
    expected = {
        "terraform": {e["key"] for e in research["endpoints"] if e["ecosystems"]["terraform"].get("old")},
        "pulumi": {e["key"] for e in research["endpoints"] if e["ecosystems"]["pulumi"].get("old")},
        "cdktf": {e["key"] for e in research["endpoints"] if e["ecosystems"]["cdktf"].get("old")},
        "atlas_cli": {e["key"] for e in research["endpoints"] if e["ecosystems"]["atlas_cli"].get("old")},
    }
    assert {d.endpoint for d in ECO.terraform} == expected["terraform"]
    assert {f.endpoint for f in ECO.pulumi} == expected["pulumi"]
    assert {c.endpoint for c in ECO.cdktf} == expected["cdktf"]
    assert {c.endpoint for c in ECO.cli} == expected["atlas_cli"]
    assert {a.endpoint for a in ECO.generated_apis} == {e["key"] for e in research["endpoints"]}


@pytest.mark.parametrize("ds", ECO.terraform, ids=lambda d: d.endpoint)
def test_terraform_maps(ds, research):
    tf = _research(research, ds.endpoint, "terraform")
    assert (ds.old, ds.new) == (tf["old"]["data_source"], tf["new"]["data_source"])
    assert dict(ds.arguments) == tf["argument_map"]
    assert dict(ds.attributes) == tf["attribute_map"]
    assert (dict(ds.results_attributes) if ds.results_attributes else None) == tf.get("results_attribute_map")
    for old, new in ds.equivalents.items():
        # An equivalent stands only where the old attribute has no twin, its target is a Flex
        # attribute or argument, and the research's notes say the value is the same.
        assert tf["attribute_map"][old] is None
        assert new in tf["new"]["arguments"] or any(a.startswith(new) for a in tf["new"]["attributes"])
        assert "id" in tf["notes"] + " ".join(tf["old"]["attributes"])


@pytest.mark.parametrize("fn", ECO.pulumi, ids=lambda f: f.endpoint)
def test_pulumi_maps(fn, research):
    pu = _research(research, fn.endpoint, "pulumi")
    assert dict(fn.names) == pu["function_map"]
    assert dict(fn.arguments) == pu["argument_map"]
    assert dict(fn.attributes) == pu["attribute_map"]
    assert (dict(fn.results_attributes) if fn.results_attributes else None) == pu.get(
        "results_item_attribute_map"
    )
    assert dict(fn.invoke_tokens) == {pu["old"]["invoke_token"]: pu["new"]["invoke_token"]}
    assert f"{ECO.pulumi_module}.{fn.old}" in pu["old"]["functions"]
    assert f"{ECO.pulumi_module}.{fn.new}{ECO.pulumi_output_suffix}" in pu["new"]["functions"]


@pytest.mark.parametrize("construct", ECO.cdktf, ids=lambda c: c.endpoint)
def test_cdktf_maps(construct, research):
    cd = _research(research, construct.endpoint, "cdktf")
    assert cd["old"]["module"] == f"{ECO.cdktf_package}.{construct.old_module}"
    assert cd["new"]["module"] == f"{ECO.cdktf_package}.{construct.new_module}"
    assert dict(construct.classes) == cd["class_map"]
    assert dict(construct.arguments) == cd["argument_map"]
    assert dict(construct.attributes) == cd["attribute_map"]


@pytest.mark.parametrize("api", ECO.generated_apis, ids=lambda a: a.endpoint)
def test_generated_client_maps(api, research):
    gen = _research(research, api.endpoint, "openapi_generator_python")
    assert (api.old_class, api.new_class) == (gen["old"]["api_class"], gen["new"]["api_class"])
    assert dict(api.methods) == gen["method_map"]
    assert list(api.old_params) == gen["old"]["params"]
    assert list(api.new_params) == gen["new"]["params"]
    assert dict(api.arguments) == gen["argument_map"]


@pytest.mark.parametrize("cmd", ECO.cli, ids=lambda c: c.endpoint)
def test_cli_maps(cmd, research):
    cli = _research(research, cmd.endpoint, "atlas_cli")
    assert (cmd.old_group, cmd.new_group) == (cli["old"]["group"], cli["new"]["group"])
    assert set(cmd.old_names) == {n for c in cli["old"]["commands"] for n in [c["name"], *c["aliases"]]}
    assert cmd.new_name == cli["new"]["commands"][-1]["name"]
    assert list(cmd.new_aliases) == cli["new"]["commands"][-1]["aliases"]
    for old, new in cmd.flags.items():
        research_new = cli["flag_map"][old]
        assert new == (research_new.split(" ")[0] if research_new else None)
    version = next(k for k in cli["flag_map"] if k.startswith("--version"))
    assert version.split(" ")[1] == load_catalog().endpoint(cmd.endpoint).old.version
    assert cli["flag_map"][version].split(" ")[1] == load_catalog().endpoint(cmd.endpoint).new.version


@pytest.mark.parametrize("call", ECO.go, ids=lambda c: c.endpoint)
def test_go_sdk_names(call, research):
    (endpoint,) = [e for e in research["endpoints"] if e["key"] == call.endpoint]
    old = {v.split("(")[0] for v in endpoint["old"]["go_sdk"].values() if v}
    assert set(call.old) == old
    assert call.new in endpoint["new"]["go_sdk"].values()


def test_the_first_wrapper_releases_with_flex_names_are_the_researched_ones(research):
    (history,) = {
        e["ecosystems"]["pulumi"]["source"]["history"]
        for e in research["endpoints"]
        if e["ecosystems"]["pulumi"].get("old")
    }
    assert f"pulumi v{ECO.pulumi_flex_since}" in history and f"TF v{ECO.terraform_flex_since}" in history
    (cdk,) = {
        e["ecosystems"]["cdktf"]["source"]["history"]
        for e in research["endpoints"]
        if e["ecosystems"]["cdktf"].get("old")
    }
    assert f"v{ECO.cdktf_flex_since}" in cdk.split("Flex constructs")[1]


def test_the_common_cli_flags_are_on_every_researched_command(research):
    for endpoint in research["endpoints"]:
        cli = endpoint["ecosystems"]["atlas_cli"]
        if not cli.get("old"):
            continue
        for side in ("old", "new"):
            listed = {part for flag in cli[side]["flags"] for part in flag.split(" ")[0].split("/")}
            assert ECO.cli_common_flags - {"-h", "--help"} <= listed, (endpoint["key"], side)


@pytest.mark.parametrize(
    "wrapper", [*ECO.pulumi, *ECO.cdktf], ids=lambda w: type(w).__name__ + ":" + w.endpoint
)
def test_an_id_equivalent_stands_only_where_the_research_says_the_values_are_equal(wrapper, research):
    (endpoint,) = [e for e in research["endpoints"] if e["key"] == wrapper.endpoint]
    tf = endpoint["ecosystems"]["terraform"]
    for old, new in wrapper.equivalents.items():
        assert wrapper.attributes[old] is None, "an equivalent replaces only an attribute with no twin"
        notes = tf["notes"] + endpoint["ecosystems"]["pulumi"].get("notes", "")
        assert new in notes and ("SetId" in notes or "old id ==" in notes), notes
        assert new in wrapper.attributes.values()
