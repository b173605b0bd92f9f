"""SPEC §6 and §7 through the local stack: real HTTP, real concurrency."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.e2e


def test_twelve_concurrent_posts_with_one_key_create_exactly_one_resource(api):
    api.cli("workspaces", "create", "ws_e2e_race")
    key = api.cli("keys", "create", "--workspace", "ws_e2e_race")["key"]
    idem = str(uuid.uuid4())

    def post(_):
        return api.request(
            "POST",
            "/v1/resources",
            json_body={"name": "race"},
            key=key,
            headers={"Idempotency-Key": idem},
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(post, range(12)))
    created = [r for r in responses if r.status == 201 and "Idempotent-Replayed" not in r.headers]
    replayed = [
        r for r in responses if r.status == 201 and r.headers.get("Idempotent-Replayed") == "true"
    ]
    in_use = [r for r in responses if r.status == 409]
    assert len(created) == 1
    assert len(created) + len(replayed) + len(in_use) == 12
    assert all(r.body == created[0].body for r in replayed)
    assert all(
        r.error["code"] == "idempotency_key_in_use" and r.headers["Retry-After"] == "1"
        for r in in_use
    )
    listed = api.request("GET", "/v1/resources?limit=100", key=key).body["data"]
    assert [r["id"] for r in listed] == [created[0].body["id"]]


def test_replay_reused_key_and_case_insensitive_header_over_http(api):
    idem = str(uuid.uuid4())
    first = api.request(
        "POST",
        "/v1/resources",
        json_body={"name": "a", "description": "d"},
        headers={"Idempotency-Key": idem},
    )
    again = api.request(
        "POST",
        "/v1/resources",
        raw_body=b'{"description":"d",  "name":"a"}',
        headers={"idempotency-key": idem, "Content-Type": "application/json"},
    )
    assert again.status == 201
    assert again.text == first.text
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    reused = api.request(
        "POST", "/v1/resources", json_body={"name": "b"}, headers={"Idempotency-Key": idem}
    )
    assert reused.status == 422
    assert reused.error["code"] == "idempotency_key_reused"
    too_long = api.request(
        "POST", "/v1/resources", json_body={"name": "b"}, headers={"Idempotency-Key": "k" * 256}
    )
    assert too_long.status == 422
    assert too_long.error["param"] == "Idempotency-Key"


def test_error_is_not_stored_over_http(api):
    idem = str(uuid.uuid4())
    assert (
        api.request(
            "POST", "/v1/resources", json_body={"name": ""}, headers={"Idempotency-Key": idem}
        ).status
        == 422
    )
    fixed = api.request(
        "POST", "/v1/resources", json_body={"name": "ok"}, headers={"Idempotency-Key": idem}
    )
    assert fixed.status == 201
    assert "Idempotent-Replayed" not in fixed.headers


def test_same_key_in_two_workspaces_over_http(api):
    api.cli("workspaces", "create", "ws_e2e_twin")
    twin = api.cli("keys", "create", "--workspace", "ws_e2e_twin")["key"]
    idem = str(uuid.uuid4())
    mine = api.request(
        "POST", "/v1/resources", json_body={"name": "x"}, headers={"Idempotency-Key": idem}
    )
    theirs = api.request(
        "POST",
        "/v1/resources",
        json_body={"name": "x"},
        headers={"Idempotency-Key": idem},
        key=twin,
    )
    assert theirs.status == 201
    assert theirs.body["id"] != mine.body["id"]


def test_workspace_limit_from_the_cli_is_enforced_with_429_and_headers(api):
    api.cli("workspaces", "create", "ws_e2e_slow", "--rate-limit", "3")
    key = api.cli("keys", "create", "--workspace", "ws_e2e_slow")["key"]
    # Requests until the limiter answers 429 (a slow machine, or sam local's ~50 ms per
    # request, can spread a short burst over two windows). Each window admits 3 at most.
    responses: list = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and all(r.status == 200 for r in responses):
        responses.append(api.request("GET", "/v1/resources", key=key))
    assert responses[-1].status == 429, [r.status for r in responses]
    remaining = [int(r.headers["RateLimit"].split("r=")[1].split(";")[0]) for r in responses]
    assert all(left in (0, 1, 2) for left in remaining)
    assert responses[-2].headers["RateLimit"].startswith('"workspace";r=0;')
    ok, limited = responses[0], next(r for r in responses if r.status == 429)
    assert ok.headers["RateLimit-Policy"] == '"workspace";q=3;w=1'
    assert ok.headers["RateLimit"] == '"workspace";r=2;t=1'
    assert limited.headers["Retry-After"] == "1"
    assert limited.error["code"] == "rate_limited"
    # Another workspace is unaffected by this one's burst.
    assert api.request("GET", "/v1/resources").status == 200
