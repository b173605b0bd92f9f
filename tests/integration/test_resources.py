"""SPEC §1-§4 through the handlers: CRUD, validation, isolation, scopes."""

from __future__ import annotations

import re

import pytest

from plinth.timeutil import parse_iso

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
MISSING_ID = "res_01JGZ9A5B7C9D1E3F5G7H9J1K3"


def test_create_returns_201_resource_and_location(api):
    response = api.request(
        "POST",
        "/v1/resources",
        json_body={
            "name": "My resource",
            "description": "Created via the API.",
            "metadata": {"internal_id": "abc123"},
        },
    )
    assert response.status == 201
    body = response.body
    assert re.fullmatch(r"res_[0-9A-Z]{26}", body["id"])
    assert body == {
        "id": body["id"],
        "object": "resource",
        "name": "My resource",
        "description": "Created via the API.",
        "status": "active",
        "metadata": {"internal_id": "abc123"},
        "createdAt": body["createdAt"],
        "updatedAt": body["createdAt"],
    }
    assert ISO_MS.match(body["createdAt"])
    assert response.headers["Location"] == f"/v1/resources/{body['id']}"
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Request-Id"]


def test_create_defaults_description_null_and_metadata_empty(api, create):
    body = create(name="bare")
    assert body["description"] is None
    assert body["metadata"] == {}


def test_create_stores_name_exactly_as_sent(api, create):
    created = create(name="  spaced \u00e9 😀 ")
    fetched = api.request("GET", f"/v1/resources/{created['id']}").body
    assert fetched["name"] == "  spaced \u00e9 😀 "


def test_get_returns_the_resource(api, create):
    created = create(name="x", metadata={"a": "b"})
    response = api.request("GET", f"/v1/resources/{created['id']}")
    assert response.status == 200
    assert response.body == created


@pytest.mark.parametrize("bad_id", [MISSING_ID, "res_nope", "job_01JGZ9A5B7C9D1E3F5G7H9J1K3", "x"])
def test_get_unknown_or_malformed_id_is_404(api, bad_id):
    response = api.request("GET", f"/v1/resources/{bad_id}")
    assert response.status == 404
    assert response.error["code"] == "not_found"
    assert set(response.error) == {"code", "message", "param"}


def test_another_workspaces_id_is_404_exactly_like_a_missing_one(api, create):
    theirs = create(workspace="ws_other")
    for method, body in (("GET", None), ("PATCH", {"name": "stolen"}), ("DELETE", None)):
        foreign = api.request(method, f"/v1/resources/{theirs['id']}", json_body=body)
        missing = api.request(method, f"/v1/resources/{MISSING_ID}", json_body=body)
        assert foreign.status == missing.status == 404
        assert foreign.body == missing.body
    # ...and the owner still sees it unchanged.
    still = api.request("GET", f"/v1/resources/{theirs['id']}", workspace="ws_other")
    assert still.body == theirs


def test_another_workspaces_resources_never_appear_in_lists(api, create):
    create(workspace="ws_other", name="hidden")
    mine = create(name="mine")
    listed = api.request("GET", "/v1/resources").body
    assert [r["id"] for r in listed["data"]] == [mine["id"]]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "name"),
        ({"name": 5}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "x", "description": "d" * 2001}, "description"),
        ({"name": "x", "description": 1}, "description"),
        ({"name": "x", "status": "paused"}, "status"),
        ({"name": "x", "nmae": "typo"}, "nmae"),
        ({"name": "x", "metadata": "no"}, "metadata"),
        ({"name": "x", "metadata": {"": "v"}}, "metadata"),
        ({"name": "x", "metadata": {"k" * 41: "v"}}, "metadata"),
        ({"name": "x", "metadata": {f"k{i}": "v" for i in range(21)}}, "metadata"),
        ({"name": "x", "metadata": {"internal_id": 7}}, "metadata.internal_id"),
        ({"name": "x", "metadata": {"internal_id": False}}, "metadata.internal_id"),
        ({"name": "x", "metadata": {"k": "v" * 501}}, "metadata.k"),
    ],
)
def test_create_validation_is_422_with_exact_param(api, body, param):
    response = api.request("POST", "/v1/resources", json_body=body)
    assert response.status == 422, response.text
    assert response.error["code"] == "validation_error"
    assert response.error["param"] == param
    assert response.error["message"]
    assert api.request("GET", "/v1/resources").body["data"] == []  # nothing created


def test_unknown_field_message_names_the_field(api):
    response = api.request("POST", "/v1/resources", json_body={"name": "x", "nmae": "y"})
    assert response.error == {
        "code": "validation_error",
        "message": "Unknown field 'nmae'.",
        "param": "nmae",
    }


def test_missing_name_message_says_required(api):
    response = api.request("POST", "/v1/resources", json_body={})
    assert response.error == {
        "code": "validation_error",
        "message": "The 'name' field is required.",
        "param": "name",
    }


def test_patch_changes_only_the_fields_sent(api, create):
    created = create(name="before", description="keep", metadata={"a": "1"})
    response = api.request(
        "PATCH", f"/v1/resources/{created['id']}", json_body={"status": "paused"}
    )
    assert response.status == 200
    body = response.body
    assert body["status"] == "paused"
    assert (body["name"], body["description"], body["metadata"]) == ("before", "keep", {"a": "1"})
    assert parse_iso(body["updatedAt"]) > parse_iso(created["updatedAt"])
    assert body["createdAt"] == created["createdAt"]
    assert api.request("GET", f"/v1/resources/{created['id']}").body == body


def test_patch_metadata_replaces_the_whole_object(api, create):
    created = create(metadata={"a": "1", "b": "2"})
    body = api.request(
        "PATCH", f"/v1/resources/{created['id']}", json_body={"metadata": {"c": "3"}}
    ).body
    assert body["metadata"] == {"c": "3"}


def test_patch_description_null_clears_it(api, create):
    created = create(description="soon gone")
    body = api.request(
        "PATCH", f"/v1/resources/{created['id']}", json_body={"description": None}
    ).body
    assert body["description"] is None
    assert api.request("GET", f"/v1/resources/{created['id']}").body["description"] is None


def test_patch_empty_body_is_a_no_op_keeping_updated_at(api, create):
    created = create()
    response = api.request("PATCH", f"/v1/resources/{created['id']}", json_body={})
    assert response.status == 200
    assert response.body == created


def test_every_non_empty_patch_advances_updated_at(api, create):
    created = create()
    stamps = [parse_iso(created["updatedAt"])]
    for name in ("a", "b", "c", "c"):
        body = api.request("PATCH", f"/v1/resources/{created['id']}", json_body={"name": name}).body
        stamps.append(parse_iso(body["updatedAt"]))
    assert stamps == sorted(set(stamps))  # strictly increasing, even within one millisecond


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": None}, "name"),
        ({"status": "deleted"}, "status"),
        ({"status": None}, "status"),
        ({"name": 5}, "name"),
        ({"metadata": None}, "metadata"),
        ({"metadata": {"k": 1}}, "metadata.k"),
        ({"id": "res_other"}, "id"),
    ],
)
def test_patch_validation_is_422_and_changes_nothing(api, create, body, param):
    created = create()
    response = api.request("PATCH", f"/v1/resources/{created['id']}", json_body=body)
    assert response.status == 422
    assert response.error["code"] == "validation_error"
    assert response.error["param"] == param
    assert api.request("GET", f"/v1/resources/{created['id']}").body == created


def test_status_filter_follows_patched_status(api, create):
    created = create()
    api.request("PATCH", f"/v1/resources/{created['id']}", json_body={"status": "archived"})
    archived = api.request("GET", "/v1/resources", query={"status": "archived"}).body["data"]
    active = api.request("GET", "/v1/resources", query={"status": "active"}).body["data"]
    assert [r["id"] for r in archived] == [created["id"]]
    assert active == []


def test_delete_is_204_without_body_then_everything_is_404(api, create):
    created = create()
    response = api.request("DELETE", f"/v1/resources/{created['id']}")
    assert response.status == 204
    assert response.text == ""
    assert "Content-Type" not in response.headers
    assert response.headers["X-Request-Id"]
    for method, body in (("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)):
        after = api.request(method, f"/v1/resources/{created['id']}", json_body=body)
        assert after.status == 404
        assert after.error["code"] == "not_found"
    assert api.request("GET", "/v1/resources").body["data"] == []


@pytest.mark.parametrize(
    ("method", "path", "body", "scope"),
    [
        ("POST", "/v1/resources", {"name": "x"}, "resources:write"),
        ("PATCH", f"/v1/resources/{MISSING_ID}", {"name": "x"}, "resources:write"),
        ("DELETE", f"/v1/resources/{MISSING_ID}", None, "resources:write"),
        ("GET", f"/v1/resources/{MISSING_ID}", None, "resources:read"),
        ("GET", "/v1/resources", None, "resources:read"),
    ],
)
def test_key_without_the_scope_is_403_naming_it(api, method, path, body, scope):
    other = "resources:read" if scope == "resources:write" else "resources:write"
    response = api.request(method, path, json_body=body, scopes=(other,))
    assert response.status == 403
    assert response.error["code"] == "forbidden"
    assert scope in response.error["message"]
    assert response.error["param"] is None


def test_scope_is_checked_before_body_validation(api):
    response = api.request(
        "POST", "/v1/resources", raw_body="{not json", scopes=("resources:read",)
    )
    assert response.status == 403


def test_read_only_key_can_read(api, create):
    created = create()
    response = api.request("GET", f"/v1/resources/{created['id']}", scopes=("resources:read",))
    assert response.status == 200


def test_request_without_authorizer_context_is_401(api):
    response = api.request("GET", "/v1/resources", authorizer={})
    assert response.status == 401
    assert response.error == {
        "code": "unauthorized",
        "message": "Missing or invalid API key.",
        "param": None,
    }
