"""Self-serve keys over real HTTP, through the gateway and its authorizer cache."""

from __future__ import annotations

import pytest

from tests.e2e.test_http import assert_unauthorized

pytestmark = pytest.mark.e2e


def test_a_key_minted_over_http_works_and_revoking_it_refuses_it_at_once(api):
    created = api.request("POST", "/v1/api_keys", json_body={"scopes": ["resources:read"]})
    assert created.status == 201, created.body
    secret = created.body["secret"]
    assert api.request("GET", "/v1/resources", key=secret).status == 200  # verdict now cached
    assert api.request("POST", "/v1/resources", json_body={"name": "x"}, key=secret).status == 403
    revoked = api.request("DELETE", f"/v1/api_keys/{created.body['id']}")
    assert revoked.status == 200, revoked.body
    assert_unauthorized(api, api.request("GET", "/v1/resources", key=secret))
    listed = api.request("GET", "/v1/api_keys?limit=100").body["data"]
    assert [k["revokedAt"] is not None for k in listed if k["id"] == created.body["id"]] == [True]


def test_rolling_with_no_overlap_switches_secrets_at_once(api):
    created = api.request("POST", "/v1/api_keys", json_body={"scopes": ["resources:read"]}).body
    assert api.request("GET", "/v1/resources", key=created["secret"]).status == 200
    rolled = api.request("POST", f"/v1/api_keys/{created['id']}/roll")
    assert rolled.status == 201, rolled.body
    assert api.request("GET", "/v1/resources", key=rolled.body["secret"]).status == 200
    assert_unauthorized(api, api.request("GET", "/v1/resources", key=created["secret"]))
