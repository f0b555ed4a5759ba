"""Credentials come from the environment or an Atlas CLI profile, and never show themselves."""

from __future__ import annotations

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.check.credentials import CredentialsError, config_path, resolve

FACTS = load_catalog().section("check")
POLICY, BASE_URLS = FACTS["credentials"], FACTS["base_urls"]


def write_profile(xdg, text):
    folder = xdg / "atlascli"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text)


def test_environment_api_keys(tmp_path):
    env = {
        "MONGODB_ATLAS_PUBLIC_API_KEY": "pub",
        "MONGODB_ATLAS_PRIVATE_API_KEY": "priv",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    creds = resolve(POLICY, BASE_URLS, env=env)
    assert creds.method == "digest" and creds.source == "environment"
    assert "priv" not in repr(creds)


def test_environment_service_account_is_preferred_when_both_are_set(tmp_path):
    env = {
        "MONGODB_ATLAS_PUBLIC_API_KEY": "pub",
        "MONGODB_ATLAS_PRIVATE_API_KEY": "priv",
        "MONGODB_ATLAS_CLIENT_ID": "mdb_sa_id",
        "MONGODB_ATLAS_CLIENT_SECRET": "mdb_sa_sk",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    creds = resolve(POLICY, BASE_URLS, env=env)
    assert creds.method == "service-account" and "mdb_sa_sk" not in repr(creds)
    assert set(creds.secrets) == {"priv", "mdb_sa_sk"}


def test_profiles_from_the_atlas_cli_config_file(tmp_path):
    write_profile(
        tmp_path,
        '[default]\n  public_api_key = "dpub"\n  private_api_key = "dpriv"\n  org_id = "x"\n\n'
        '[gov]\n  client_id = "mdb_sa_id_g"\n  client_secret = "mdb_sa_sk_g"\n  service = "cloudgov"\n\n'
        '[onprem]\n  public_api_key = "p"\n  private_api_key = "q"\n  ops_manager_url = "https://om.example/"\n',
    )
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert config_path(POLICY, env) == tmp_path / "atlascli" / "config.toml"
    default = resolve(POLICY, BASE_URLS, env=env)
    assert default.method == "digest" and default.source == "profile default" and default.base_url is None
    gov = resolve(POLICY, BASE_URLS, profile="gov", env=env)
    assert gov.method == "service-account" and gov.base_url == BASE_URLS["cloudgov"]
    assert resolve(POLICY, BASE_URLS, profile="onprem", env=env).base_url == "https://om.example/"


def test_an_explicit_profile_wins_over_the_environment(tmp_path):
    write_profile(tmp_path, '[p]\npublic_api_key = "a"\nprivate_api_key = "b"\n')
    env = {
        "XDG_CONFIG_HOME": str(tmp_path),
        "MONGODB_ATLAS_PUBLIC_API_KEY": "x",
        "MONGODB_ATLAS_PRIVATE_API_KEY": "y",
    }
    assert resolve(POLICY, BASE_URLS, profile="p", env=env).public_key == "a"
    assert resolve(POLICY, BASE_URLS, env=env).public_key == "x"


@pytest.mark.parametrize(
    "text, profile, message",
    [
        (None, "p", "no Atlas CLI config file"),
        ('[q]\npublic_api_key = "a"\nprivate_api_key = "b"\n', "p", "no profile [p]"),
        ('[p]\npublic_api_key = "a"\n', "p", "has neither"),
        ("[p\n", "p", "cannot read"),
    ],
)
def test_profile_problems_are_one_line_errors(tmp_path, text, profile, message):
    if text is not None:
        write_profile(tmp_path, text)
    with pytest.raises(CredentialsError, match=message.replace("[", r"\[")):
        resolve(POLICY, BASE_URLS, profile=profile, env={"XDG_CONFIG_HOME": str(tmp_path)})


def test_profile_file_errors_do_not_quote_its_content(tmp_path):
    write_profile(tmp_path, '[p]\nprivate_api_key = "s3cr3t-value\n')
    with pytest.raises(CredentialsError) as info:
        resolve(POLICY, BASE_URLS, profile="p", env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert "s3cr3t" not in str(info.value)
