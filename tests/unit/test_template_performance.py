"""Performance settings of the template: SnapStart (opt-in: off by default; on, every
function's published versions, the ones its `live` alias serves, are restored from a
snapshot) and the jobs worker's maximum concurrency."""

from __future__ import annotations

from typing import Any

import pytest

from plinth_tools import template as tpl
from plinth_tools.sam_translate import translate
from tests.unit.test_deploy import _deployed


def _functions(setting: str | None) -> dict[str, dict[str, Any]]:
    translated = translate({"SnapStart": setting} if setting else {})
    deployed = _deployed(translated, {"SnapStart": setting} if setting else {})
    return {
        name: spec["Properties"]
        for name, spec in deployed.items()
        if spec["Type"] == "AWS::Lambda::Function"
    }


def test_snapstart_is_opt_in_with_on_and_off_only():
    parameter = tpl.load_template()["Parameters"]["SnapStart"]
    assert parameter["Default"] == "off"
    assert parameter["AllowedValues"] == ["on", "off"]


@pytest.mark.parametrize("setting", [None, "off"])
def test_snapstart_off_leaves_every_function_without_it(setting):
    functions = _functions(setting)
    assert len(functions) == len(tpl.functions())
    assert all("SnapStart" not in props for props in functions.values())


def test_snapstart_on_applies_to_the_published_versions_of_every_function():
    functions = _functions("on")
    assert len(functions) == len(tpl.functions())
    for name, props in functions.items():
        assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}, name
        # SnapStart for Python needs 3.12 or later.
        major, minor = props["Runtime"].removeprefix("python").split(".")
        assert (int(major), int(minor)) >= (3, 12), name


def test_jobs_event_source_caps_worker_concurrency_with_the_parameter():
    parameter = tpl.load_template()["Parameters"]["JobsWorkerMaxConcurrency"]
    assert (parameter["Default"], parameter["MinValue"]) == (10, 2)
    for setting in (None, "25"):
        overrides = {"JobsWorkerMaxConcurrency": setting} if setting else {}
        deployed = _deployed(translate(overrides), overrides)
        (mapping,) = [
            spec["Properties"]
            for spec in deployed.values()
            if spec["Type"] == "AWS::Lambda::EventSourceMapping"
            and "ScalingConfig" in spec["Properties"]
            and spec["Properties"].get("BatchSize") == 1  # the jobs worker's
        ]
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": setting or "10"}
        assert mapping["BatchSize"] == 1
