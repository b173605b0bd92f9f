import pytest
from pydantic import ValidationError

from plinth.http.errors import param_from_loc
from plinth.models.resource import ResourceCreate, ResourcePatch


def _errors(model, data):
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [(param_from_loc(e["loc"]), e["type"]) for e in caught.value.errors()]


def test_create_defaults_metadata_to_empty_and_description_to_none():
    body = ResourceCreate.model_validate({"name": "x"})
    assert body.metadata == {}
    assert body.description is None


def test_name_is_kept_exactly_as_sent():
    assert ResourceCreate.model_validate({"name": "  padded  "}).name == "  padded  "


@pytest.mark.parametrize(
    ("data", "param", "kind"),
    [
        ({}, "name", "missing"),
        ({"name": 5}, "name", "string_type"),
        ({"name": ""}, "name", "string_too_short"),
        ({"name": " \t\n"}, "name", "value_error"),
        ({"name": "x" * 201}, "name", "string_too_long"),
        ({"name": None}, "name", "string_type"),
        ({"name": "x", "description": "d" * 2001}, "description", "string_too_long"),
        ({"name": "x", "description": False}, "description", "string_type"),
        ({"name": "x", "status": "active"}, "status", "extra_forbidden"),
        ({"name": "x", "nmae": "y"}, "nmae", "extra_forbidden"),
        ({"name": "x", "metadata": []}, "metadata", "dict_type"),
        ({"name": "x", "metadata": None}, "metadata", "dict_type"),
        ({"name": "x", "metadata": {"": "v"}}, "metadata", "string_too_short"),
        ({"name": "x", "metadata": {"k" * 41: "v"}}, "metadata", "string_too_long"),
        ({"name": "x", "metadata": {str(i): "v" for i in range(21)}}, "metadata", "too_long"),
        ({"name": "x", "metadata": {"internal_id": 5}}, "metadata.internal_id", "string_type"),
        ({"name": "x", "metadata": {"k": "v" * 501}}, "metadata.k", "string_too_long"),
    ],
)
def test_create_rules_name_the_offending_param(data, param, kind):
    assert _errors(ResourceCreate, data)[0] == (param, kind)


def test_name_of_200_code_points_is_accepted_even_if_wider_in_bytes():
    assert len(ResourceCreate.model_validate({"name": "é" * 200}).name) == 200
    assert ResourceCreate.model_validate({"name": "😀" * 200}).name == "😀" * 200


def test_metadata_limits_are_inclusive():
    body = ResourceCreate.model_validate(
        {"name": "x", "metadata": {f"{i:040d}": "v" * 500 for i in range(20)}}
    )
    assert len(body.metadata) == 20


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({"name": None}, "name"),
        ({"status": "deleted"}, "status"),
        ({"status": None}, "status"),
        ({"metadata": None}, "metadata"),
        ({"id": "res_x"}, "id"),
        ({"createdAt": "2025-01-01T00:00:00.000Z"}, "createdAt"),
    ],
)
def test_patch_rejects_nulls_and_unknown_fields(data, param):
    assert _errors(ResourcePatch, data)[0][0] == param


def test_patch_changes_are_only_the_fields_sent():
    assert ResourcePatch.model_validate({}).changes() == {}
    assert ResourcePatch.model_validate({"description": None}).changes() == {"description": None}
    changes = ResourcePatch.model_validate({"status": "paused", "metadata": {}}).changes()
    assert changes == {"status": "paused", "metadata": {}}


def test_name_pattern_means_exactly_what_the_whitespace_check_does():
    """The documented `pattern` (ECMA-262, as a JSON Schema) and `str.isspace` agree on
    every code point, so a generator never builds a name the API calls blank."""
    import re

    from plinth.models.types import NOT_ONLY_SPACE

    pattern = re.compile(NOT_ONLY_SPACE)
    disagree = [
        hex(point)
        for point in range(0x110000)
        if not 0xD800 <= point < 0xE000
        and chr(point).isspace() == bool(pattern.fullmatch(chr(point)))
    ]
    assert disagree == []
    for blank in ("\x1f", "\x85", " \u3000\t"):
        with pytest.raises(ValidationError):
            ResourceCreate.model_validate({"name": blank})
    assert ResourceCreate.model_validate({"name": "\ufeff"}).name == "\ufeff"
