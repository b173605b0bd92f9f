"""SPEC §7: per-workspace limits, one atomic UpdateItem per request."""

from __future__ import annotations

import json

import boto3
import pytest

from plinth.container import container
from plinth.http.errors import headers_of, rate_limit_headers
from plinth.logic.rate_limit import RateLimiter, RateLimitExceeded
from plinth.repositories.rate_limits import DynamoRateLimitRepository
from tests.support import dependencies, failing_client, fresh_dependencies


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limiter(aws):
    clock = Clock(1_800_000_000.25)
    return RateLimiter(
        DynamoRateLimitRepository(container().dynamodb, aws["RateLimitTable"]), clock=clock
    ), clock


def test_window_allows_limit_then_refuses_until_rollover(limiter):
    limiter, clock = limiter
    states = [limiter.check("ws_a", 3) for _ in range(3)]
    assert [s.remaining for s in states] == [2, 1, 0]
    assert rate_limit_headers(states[0]) == {
        "RateLimit-Policy": '"workspace";q=3;w=1',
        "RateLimit": '"workspace";r=2;t=1',
    }
    with pytest.raises(RateLimitExceeded) as refused:
        limiter.check("ws_a", 3)
    assert headers_of(refused.value)["Retry-After"] == "1"
    clock.now += 0.75  # next second: a fresh window
    assert limiter.check("ws_a", 3).remaining == 2


def test_one_workspace_burst_never_throttles_another(limiter):
    limiter, _ = limiter
    for _ in range(2):
        limiter.check("ws_busy", 2)
    with pytest.raises(RateLimitExceeded):
        limiter.check("ws_busy", 2)
    assert limiter.check("ws_calm", 2).remaining == 1


def test_each_check_is_one_update_item(aws):
    real = container().dynamodb
    calls = []

    class Counting:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(real, name)

    limiter = RateLimiter(DynamoRateLimitRepository(Counting(), aws["RateLimitTable"]))
    limiter.check("ws_a", 5)
    assert calls == ["update_item"]


def test_old_windows_carry_a_ttl(limiter, aws):
    limiter, clock = limiter
    limiter.check("ws_a", 5)
    (item,) = boto3.client("dynamodb").scan(TableName=aws["RateLimitTable"])["Items"]
    assert item["bucket"]["S"] == "ws_a#1800000000"
    assert int(item["expiresAt"]["N"]) > clock.now


@pytest.fixture
def frozen(aws):
    """The API's limiter with a clock that stays inside one window."""
    clock = Clock(1_800_000_000.5)
    limiter = RateLimiter(
        DynamoRateLimitRepository(container().dynamodb, aws["RateLimitTable"]), clock=clock
    )
    with dependencies(rate_limiter=limiter):
        yield clock


def test_over_limit_request_is_429_with_headers_and_spec_body(api, frozen):
    for _ in range(2):
        ok = api.request("GET", "/v1/resources", rate_limit=2, workspace="ws_tight")
        assert ok.status == 200
    response = api.request("GET", "/v1/resources", rate_limit=2, workspace="ws_tight")
    assert response.status == 429
    assert response.error == {
        "code": "rate_limited",
        "message": "Rate limit of 2 requests per second exceeded for this workspace.",
        "param": None,
    }
    assert response.headers["Retry-After"] == "1"
    assert response.headers["RateLimit-Policy"] == '"workspace";q=2;w=1'
    assert response.headers["RateLimit"] == '"workspace";r=0;t=1'
    assert api.request("GET", "/v1/resources", rate_limit=2, workspace="ws_other").status == 200
    frozen.now += 1
    assert api.request("GET", "/v1/resources", rate_limit=2, workspace="ws_tight").status == 200


def test_every_limited_response_carries_ratelimit_fields(api, frozen):
    response = api.request("GET", "/v1/resources", rate_limit=50, workspace="ws_hdr")
    assert response.headers["RateLimit-Policy"] == '"workspace";q=50;w=1'
    assert response.headers["RateLimit"] in ('"workspace";r=49;t=1',)
    error = api.request("GET", "/v1/resources/res_nope", rate_limit=50, workspace="ws_hdr2")
    assert error.status == 404
    assert error.headers["RateLimit"] == '"workspace";r=49;t=1'


def test_default_limit_comes_from_settings_when_workspace_has_none(api, monkeypatch):
    monkeypatch.setenv("DEFAULT_RATE_LIMIT", "7")
    fresh_dependencies()
    authorizer = {
        "principalId": "k",
        "workspaceId": "ws_def",
        "keyId": "k",
        "scopes": "resources:read",
    }
    response = api.request("GET", "/v1/resources", authorizer=authorizer)
    assert response.headers["RateLimit-Policy"] == '"workspace";q=7;w=1'


def test_rate_limit_is_checked_after_scope_and_before_body(api, frozen):
    assert api.request("GET", "/v1/resources", rate_limit=1, workspace="ws_order").status == 200
    forbidden = api.request(
        "POST",
        "/v1/resources",
        json_body={"name": "x"},
        scopes=("resources:read",),
        rate_limit=1,
        workspace="ws_order",
    )
    assert forbidden.status == 403
    limited = api.request(
        "POST", "/v1/resources", raw_body="{bad", rate_limit=1, workspace="ws_order"
    )
    assert limited.status == 429


def test_405_is_answered_before_the_rate_limit(api, frozen):
    assert api.request("GET", "/v1/resources", rate_limit=1, workspace="ws_405").status == 200
    assert api.request("PUT", "/v1/resources", rate_limit=1, workspace="ws_405").status == 405


def _failing_counter(aws):
    client = failing_client("dynamodb", "update_item", "ProvisionedThroughputExceededException")
    return dependencies(rate_limits=DynamoRateLimitRepository(client, aws["RateLimitTable"]))


def test_limiter_failure_fails_open(api, aws):
    with _failing_counter(aws):
        response = api.request("GET", "/v1/resources", rate_limit=1, workspace="ws_open")
    assert response.status == 200
    assert response.headers["RateLimit-Policy"] == '"workspace";q=1;w=1'
    assert "RateLimit" not in response.headers


def test_limiter_failure_emits_the_metric_the_fail_open_alarm_watches(api, aws, capsys):
    capsys.readouterr()
    with _failing_counter(aws):
        assert api.request("GET", "/v1/resources", workspace="ws_open").status == 200
    records = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    (record,) = [r for r in records if "RateLimiterFailOpen" in r]
    assert record["RateLimiterFailOpen"] == [1.0]
    assert record["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]
    assert record["service"] == "plinth"


def test_sharded_limit_never_admits_more_than_the_limit_and_spreads_writes(aws):
    """2,000/s is four counter items of 500; 2,600 requests in one window: exactly 2,000
    pass (every shard fills), and each item took its share of the writes."""
    import random

    from plinth.logic.rate_limit import shard_count

    clock = Clock(1_800_000_000.25)
    chooser = random.Random(12)
    limiter = RateLimiter(
        DynamoRateLimitRepository(container().dynamodb, aws["RateLimitTable"]),
        clock=clock,
        choose_shard=lambda shards: chooser.randrange(shards),
    )
    assert shard_count(2000) == 4
    admitted = refused = 0
    for _ in range(2600):
        try:
            limiter.check("ws_big", 2000)
            admitted += 1
        except RateLimitExceeded:
            refused += 1
    assert (admitted, refused) == (2000, 600)
    items = boto3.client("dynamodb").scan(TableName=aws["RateLimitTable"])["Items"]
    hits = {item["bucket"]["S"]: int(item["hits"]["N"]) for item in items}
    assert hits == {f"ws_big#1800000000#{shard}": 500 for shard in range(4)}
    clock.now += 1  # a new window: the shards start again
    assert limiter.check("ws_big", 2000).remaining == (500 - 1) * 4
