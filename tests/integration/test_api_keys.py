"""Self-serve API keys through the handlers (moto): mint, list, get, revoke, roll."""

from __future__ import annotations

import re

import pytest

from plinth.container import container
from plinth.errors import Unauthorized
from plinth.logic import keys as key_logic
from plinth.logic.auth import authenticate

KEYS_ADMIN = ("keys:read", "keys:write", "resources:read")
MISSING_KEY = "key_01JGZ9A5B7C9D1E3F5G7H9J1K3"


@pytest.fixture
def workspace(aws):
    key_logic.create_workspace("ws_alpha", None, container().workspaces)
    key_logic.create_workspace("ws_beta", None, container().workspaces)


def _mint(api, scopes=("resources:read",), workspace="ws_alpha", caller=KEYS_ADMIN, **body):
    return api.request(
        "POST",
        "/v1/api_keys",
        json_body={"scopes": list(scopes), **body},
        workspace=workspace,
        scopes=caller,
    )


def _caller_of(secret):
    deps = container()
    return authenticate(f"Bearer {secret}", deps.api_keys, deps.workspaces)


def test_a_minted_key_shows_its_secret_once_and_authenticates(api, workspace):
    response = _mint(api, name="ci deploys", expiresIn=3600)
    assert response.status == 201, response.text
    body = response.body
    assert re.fullmatch(r"key_[0-9A-Z]{26}", body["id"])
    assert response.headers["Location"] == f"/v1/api_keys/{body['id']}"
    secret = body.pop("secret")
    assert secret.startswith(body["prefix"]) and len(body["prefix"]) == 8
    assert body == {
        "id": body["id"],
        "object": "api_key",
        "name": "ci deploys",
        "prefix": body["prefix"],
        "scopes": ["resources:read"],
        "createdAt": body["createdAt"],
        "lastUsedAt": None,
        "expiresAt": body["expiresAt"],
        "revokedAt": None,
    }
    caller = _caller_of(secret)
    assert (caller.workspace_id, caller.key_id) == ("ws_alpha", body["id"])
    shown = api.request("GET", f"/v1/api_keys/{body['id']}", scopes=KEYS_ADMIN)
    assert shown.status == 200
    assert "secret" not in shown.body and secret not in shown.text
    assert shown.body["lastUsedAt"] is not None  # authenticate recorded the use


def test_a_key_grants_only_scopes_its_creator_holds(api, workspace):
    response = _mint(api, scopes=["resources:write"], caller=("keys:write", "resources:read"))
    assert response.status == 403
    assert response.error == {
        "code": "forbidden",
        "message": "A key can grant only scopes it holds; this one lacks resources:write.",
        "param": "scopes",
    }
    escalate = _mint(api, scopes=["keys:write", "keys:read"], caller=("keys:write",))
    assert escalate.status == 403 and "keys:read" in escalate.error["message"]
    assert key_logic.list_keys("ws_alpha", container().api_keys) == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["admin"]}, "scopes.0"),
        ({"scopes": ["resources:read"], "expiresIn": 59}, "expiresIn"),
        ({"scopes": ["resources:read"], "expiresIn": True}, "expiresIn"),
        ({"scopes": ["resources:read"], "name": ""}, "name"),
        ({"scopes": ["resources:read"], "nmae": "x"}, "nmae"),
    ],
)
def test_invalid_key_bodies_are_422_naming_the_field(api, workspace, body, param):
    response = api.request("POST", "/v1/api_keys", json_body=body, scopes=KEYS_ADMIN)
    assert response.status == 422, response.text
    assert response.error["param"] == param


def test_keys_need_their_scopes(api, workspace):
    assert api.request("GET", "/v1/api_keys", scopes=("resources:read",)).status == 403
    assert _mint(api, caller=("keys:read", "resources:read")).status == 403


def test_list_pages_newest_first_without_secrets_and_only_the_workspaces_keys(api, workspace):
    minted = [_mint(api, name=f"k{i}").body for i in range(5)]
    _mint(api, workspace="ws_beta", name="other")
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = api.request("GET", "/v1/api_keys", query=query, scopes=KEYS_ADMIN)
        assert page.status == 200, page.text
        assert all("secret" not in k and "keyHash" not in k for k in page.body["data"])
        seen += [k["id"] for k in page.body["data"]]
        cursor = page.body["nextCursor"]
        assert page.body["hasMore"] is (cursor is not None)
        if cursor is None:
            break
    assert seen == [k["id"] for k in reversed(minted)]
    foreign = api.request("GET", "/v1/api_keys", workspace="ws_beta", scopes=KEYS_ADMIN)
    assert [k["name"] for k in foreign.body["data"]] == ["other"]


def test_another_workspaces_key_is_404_to_read_revoke_or_roll(api, workspace, control_plane):
    theirs = _mint(api, workspace="ws_beta").body
    for method, path in [
        ("GET", f"/v1/api_keys/{theirs['id']}"),
        ("DELETE", f"/v1/api_keys/{theirs['id']}"),
        ("POST", f"/v1/api_keys/{theirs['id']}/roll"),
        ("GET", f"/v1/api_keys/{MISSING_KEY}"),
        ("GET", "/v1/api_keys/key_nope"),
    ]:
        response = api.request(method, path, scopes=KEYS_ADMIN)
        assert response.status == 404, (method, path, response.text)
        assert response.error["code"] == "not_found"
    assert control_plane.flushed == []
    _caller_of(theirs["secret"])  # still works


def test_revoke_refuses_the_key_and_flushes_the_gateways_cached_verdicts(
    api, workspace, control_plane
):
    minted = _mint(api).body
    response = api.request("DELETE", f"/v1/api_keys/{minted['id']}", scopes=KEYS_ADMIN)
    assert response.status == 200, response.text
    assert response.body["revokedAt"] is not None
    # The function flushes the stage the request came through (its requestContext).
    assert control_plane.flushed == ["/restapis/abc123/stages/live/cache/authorizers"]
    with pytest.raises(Unauthorized):
        _caller_of(minted["secret"])
    again = api.request("DELETE", f"/v1/api_keys/{minted['id']}", scopes=KEYS_ADMIN)
    assert again.status == 200 and again.body["revokedAt"] == response.body["revokedAt"]


def test_a_failed_flush_is_503_and_the_retry_completes_it(api, workspace, control_plane):
    minted = _mint(api).body
    control_plane.status = 503
    failed = api.request("DELETE", f"/v1/api_keys/{minted['id']}", scopes=KEYS_ADMIN)
    assert failed.status == 503
    assert failed.headers["Retry-After"]
    control_plane.status = 202
    assert api.request("DELETE", f"/v1/api_keys/{minted['id']}", scopes=KEYS_ADMIN).status == 200
    assert len(control_plane.flushed) >= 2


def test_roll_issues_a_new_secret_and_the_old_one_works_for_the_overlap(
    api, workspace, control_plane
):
    old = _mint(api, name="deploys").body
    rolled = api.request(
        "POST", f"/v1/api_keys/{old['id']}/roll", json_body={"expiresIn": 3600}, scopes=KEYS_ADMIN
    )
    assert rolled.status == 201, rolled.text
    new = rolled.body
    assert new["id"] != old["id"] and new["secret"] != old["secret"]
    assert (new["name"], new["scopes"]) == ("deploys", old["scopes"])
    assert _caller_of(new["secret"]).key_id == new["id"]
    still = _caller_of(old["secret"])  # within the hour
    assert still.expires_at is not None
    listed = api.request("GET", f"/v1/api_keys/{old['id']}", scopes=KEYS_ADMIN).body
    assert listed["expiresAt"] is not None and listed["revokedAt"] is None
    assert control_plane.flushed  # cached verdicts carried no expiry


def test_roll_with_no_overlap_revokes_the_old_key_at_once(api, workspace, control_plane):
    old = _mint(api).body
    rolled = api.request("POST", f"/v1/api_keys/{old['id']}/roll", scopes=KEYS_ADMIN)
    assert rolled.status == 201, rolled.text
    with pytest.raises(Unauthorized):
        _caller_of(old["secret"])
    again = api.request("POST", f"/v1/api_keys/{old['id']}/roll", scopes=KEYS_ADMIN)
    assert again.status == 404  # nothing left to roll


@pytest.mark.parametrize("overlap", [-1, 7 * 24 * 3600 + 1, "60", None])
def test_roll_overlap_is_0_to_7_days(api, workspace, control_plane, overlap):
    old = _mint(api).body
    response = api.request(
        "POST",
        f"/v1/api_keys/{old['id']}/roll",
        json_body={"expiresIn": overlap},
        scopes=KEYS_ADMIN,
    )
    assert response.status == 422
    assert response.error["param"] == "expiresIn"


def test_rolling_a_stronger_key_than_the_callers_is_403(api, workspace, control_plane):
    strong = _mint(api, scopes=KEYS_ADMIN).body
    weak = ("keys:write", "resources:read")
    response = api.request("POST", f"/v1/api_keys/{strong['id']}/roll", scopes=weak)
    assert response.status == 403
    _caller_of(strong["secret"])


def test_an_expired_verdict_is_refused_by_the_function_though_the_gateway_cached_it(api):
    # The authorizer's context as cached before the key's old secret expired.
    response = api.request(
        "GET",
        "/v1/resources",
        authorizer={
            "principalId": "key_x",
            "workspaceId": "ws_alpha",
            "keyId": "key_x",
            "scopes": "resources:read",
            "expiresAt": 1,
        },
    )
    assert response.status == 401
    assert response.error["code"] == "unauthorized"
