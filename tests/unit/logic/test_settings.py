"""Settings are validated when a function first runs; the template is their source."""

from __future__ import annotations

import pytest

from plinth.settings import Settings, SettingsError, load_settings
from plinth_tools import template as tpl

REQUIRED = {
    name
    for name, info in Settings.model_fields.items()
    if info.is_required() and info.alias is not None
}


def _environment(logical_id: str) -> dict[str, str]:
    return {
        k: "x" if isinstance(v, dict) else str(v)
        for k, v in tpl.functions()[logical_id].environment.items()
    }


def _valid() -> dict[str, str]:
    env = _environment("JobsWorkerFunction")
    env["DEFAULT_RATE_LIMIT"] = "50"  # !Refs to parameters in the template
    env["AUTHORIZER_TTL_SECONDS"] = "60"
    return env


def test_every_function_is_given_every_required_setting_by_the_template():
    aliases = {Settings.model_fields[name].alias for name in REQUIRED}
    for logical_id, spec in tpl.functions().items():
        missing = aliases - set(spec.environment)
        assert not missing, f"{logical_id} lacks {sorted(missing)}"


def test_settings_the_template_sets_have_no_second_default_in_code():
    declared = set(_environment("JobsWorkerFunction"))
    for info in Settings.model_fields.values():
        if info.alias in declared:
            assert info.is_required(), f"{info.alias} is set by template.yaml; no default here"


def test_stale_after_comes_from_the_template():
    settings = load_settings(_valid())
    stale = int(tpl.functions()["JobsWorkerFunction"].environment["JOB_STALE_AFTER_SECONDS"])
    assert settings.job_stale_after_ms == stale * 1000


def test_a_missing_table_name_fails_with_a_message_naming_it():
    env = _valid()
    del env["RESOURCES_TABLE"]
    with pytest.raises(SettingsError, match="RESOURCES_TABLE: Field required"):
        load_settings(env)


def test_an_empty_table_name_is_refused():
    env = _valid()
    env["JOBS_TABLE"] = ""
    with pytest.raises(SettingsError, match="JOBS_TABLE"):
        load_settings(env)


def test_a_non_numeric_limit_is_refused():
    env = _valid()
    env["DEFAULT_RATE_LIMIT"] = "fifty"
    with pytest.raises(SettingsError, match="DEFAULT_RATE_LIMIT"):
        load_settings(env)
