"""The audit log through the local stack: writes over HTTP, the stream poller invoking the
recorder (in-process for `plinth dev`, through `sam local start-lambda` for `--sam`),
then GET /v1/events over HTTP."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.e2e
DEADLINE_S = 5.0


@pytest.fixture(scope="module")
def events_key(local_stack):
    local_stack.cli("workspaces", "create", "ws_e2e_events")
    return local_stack.cli(
        "keys",
        "create",
        "--workspace",
        "ws_e2e_events",
        "--scopes",
        "resources:read,resources:write,events:read",
    )["key"]


def _events_of(api, key, resource_id):
    page = api.request("GET", "/v1/events?limit=100", key=key)
    assert page.status == 200, page.text
    return [e for e in page.body["data"] if e["data"]["object"].get("id") == resource_id]


def test_create_patch_delete_are_listed_within_five_seconds(api, events_key):
    started = time.monotonic()
    created = api.request("POST", "/v1/resources", json_body={"name": "audited"}, key=events_key)
    assert created.status == 201
    rid = created.body["id"]
    patched = api.request(
        "PATCH", f"/v1/resources/{rid}", json_body={"status": "paused"}, key=events_key
    )
    assert patched.status == 200
    assert api.request("DELETE", f"/v1/resources/{rid}", key=events_key).status == 204
    found: list = []
    # Under sam local the recorder's container starts on its first batch (LAZY, through
    # start-lambda): that one wait is a container's cold start, not the event pipeline.
    deadline = DEADLINE_S if not api.sam else 90.0
    while time.monotonic() - started < deadline:
        found = _events_of(api, events_key, rid)
        if len(found) == 3:
            break
        time.sleep(0.1)
    assert [e["type"] for e in found] == [
        "resource.deleted",
        "resource.updated",
        "resource.created",
    ], api.problems()
    deleted, updated, first = found
    assert first["data"]["object"] == created.body
    assert updated["data"]["object"] == patched.body
    assert deleted["data"]["object"] == patched.body
    one = api.request("GET", f"/v1/events/{first['id']}", key=events_key)
    assert one.status == 200
    assert one.body == first


def test_events_need_their_scope_and_stay_in_their_workspace(api, events_key):
    created = api.request("POST", "/v1/resources", json_body={"name": "mine"}, key=events_key)
    deadline = time.monotonic() + DEADLINE_S
    while not (found := _events_of(api, events_key, created.body["id"])):
        assert time.monotonic() < deadline, api.problems()
        time.sleep(0.1)
    other = api.request("GET", f"/v1/events/{found[0]['id']}")  # the demo workspace's key
    assert other.status == 404
    assert other.error["code"] == "not_found"
    listed = api.request("GET", "/v1/events?limit=100").body["data"]
    assert found[0]["id"] not in {e["id"] for e in listed}
    rw_key = api.cli(
        "keys", "create", "--workspace", "ws_e2e_events", "--scopes", "resources:read"
    )["key"]
    refused = api.request("GET", "/v1/events", key=rw_key)
    assert refused.status == 403
    assert "events:read" in refused.error["message"]


def test_a_bad_type_is_422_and_other_methods_are_405(api, events_key):
    bad = api.request("GET", "/v1/events?type=nope", key=events_key)
    assert bad.status == 422
    assert bad.error["param"] == "type"
    refused = api.request("DELETE", "/v1/events", key=events_key)
    assert refused.status == 405
    assert refused.headers["Allow"] == "GET"
