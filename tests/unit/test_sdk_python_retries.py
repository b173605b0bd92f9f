"""Python SDK: which answers are retried, how long it waits, and one idempotency key."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import httpx
import pytest

import plinth_client
from plinth_client import (
    APIConnectionError,
    APITimeoutError,
    ConflictError,
    InternalServerError,
    RateLimitError,
    UnprocessableEntityError,
)
from plinth_client._retry import RetryPolicy, is_retryable, parse_retry_after
from tests.unit.sdk_support import Script, Sleeps, client, error, ok, resource_body


@pytest.fixture
def sleeps(monkeypatch):
    fake = Sleeps()
    monkeypatch.setattr(plinth_client._clock, "sleep", fake.sleep)
    monkeypatch.setattr(plinth_client._clock, "async_sleep", fake.async_sleep)
    monkeypatch.setattr(plinth_client._clock, "monotonic", fake.monotonic)
    return fake


@pytest.mark.parametrize(
    ("response", "retried"),
    [
        (error(429, "rate_limited"), True),
        (error(500, "internal_error"), True),
        (error(502, "bad_gateway"), True),
        (error(503, "service_unavailable"), True),
        (error(409, "idempotency_key_in_use"), True),
        (error(409, "some_other_conflict"), False),
        (httpx.Response(409, text="not json"), False),
        (error(400, "invalid_json"), False),
        (error(401, "unauthorized"), False),
        (error(403, "forbidden"), False),
        (error(404, "not_found"), False),
        (error(405, "method_not_allowed"), False),
        (error(413, "payload_too_large"), False),
        (error(422, "validation_error"), False),
        (error(422, "idempotency_key_reused"), False),
    ],
)
def test_is_retryable_only_for_transient_answers(response, retried):
    assert is_retryable(response) is retried
    assert (RetryPolicy().delay(0, response) is not None) is retried


def test_transport_failures_are_retried_until_max_retries():
    policy = RetryPolicy(max_retries=2)
    assert policy.delay(0, None) is not None
    assert policy.delay(1, None) is not None
    assert policy.delay(2, None) is None
    assert RetryPolicy(max_retries=0).delay(0, None) is None


@pytest.mark.parametrize("retry", range(8))
def test_backoff_is_full_jitter_between_zero_and_a_capped_exponential(retry):
    ceiling = min(8.0, 0.5 * 2**retry)
    assert RetryPolicy(random=lambda: 0.0).backoff(retry) == 0.0
    assert RetryPolicy(random=lambda: 0.999999).backoff(retry) == pytest.approx(ceiling, rel=1e-5)
    rng = random.Random(retry)
    samples = [RetryPolicy(random=rng.random).backoff(retry) for _ in range(2000)]
    assert all(0.0 <= s < ceiling for s in samples)
    # Full jitter spreads over the whole range, not only its top half.
    assert min(samples) < 0.05 * ceiling
    assert max(samples) > 0.95 * ceiling


def test_backoff_never_exceeds_the_cap():
    assert RetryPolicy(random=lambda: 0.999999).backoff(40) == pytest.approx(8.0, rel=1e-5)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("1", 1.0),
        (" 7 ", 7.0),
        ("2.5", 2.5),
        ("-3", 0.0),
        ("Wed, 01 Jan 2025 00:00:30 GMT", 30.0),
        ("Tue, 31 Dec 2024 23:59:00 GMT", 0.0),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        (None, None),
    ],
)
def test_parse_retry_after_reads_seconds_and_http_dates(header, seconds):
    now = lambda: datetime(2025, 1, 1, tzinfo=UTC)  # noqa: E731
    assert parse_retry_after(header, now) == seconds


def test_retry_after_is_waited_for_exactly_instead_of_the_backoff():
    policy = RetryPolicy(random=lambda: 0.5)
    assert policy.delay(0, error(429, "rate_limited", **{"Retry-After": "3"})) == 3.0
    assert policy.delay(0, error(503, "service_unavailable", **{"Retry-After": "1"})) == 1.0
    assert policy.delay(0, error(429, "rate_limited")) == 0.25  # no header: backoff


def test_retry_after_beyond_the_limit_gives_up_instead_of_blocking():
    assert RetryPolicy().delay(0, error(429, "rate_limited", **{"Retry-After": "3600"})) is None


def test_client_retries_429_then_succeeds_sleeping_retry_after(sleeps):
    script = Script(
        error(429, "rate_limited", **{"Retry-After": "1"}),
        error(429, "rate_limited", **{"Retry-After": "2"}),
        ok(resource_body(), 201),
    )
    created = client(script).resources.create(name="n")
    assert created.id == "res_1"
    assert len(script.requests) == 3
    assert sleeps.calls == [1.0, 2.0]


def test_client_retries_5xx_with_backoff_and_gives_up_after_max_retries(sleeps):
    script = Script(*(error(500, "internal_error") for _ in range(4)))
    with pytest.raises(InternalServerError) as raised:
        client(script, max_retries=3).resources.get("res_1")
    assert len(script.requests) == 4
    assert len(sleeps.calls) == 3
    assert all(0 <= delay < 0.5 * 2**n for n, delay in enumerate(sleeps.calls))
    assert raised.value.code == "internal_error"


def test_max_retries_zero_disables_retries(sleeps):
    script = Script(error(503, "service_unavailable", **{"Retry-After": "1"}))
    with pytest.raises(InternalServerError):
        client(script, max_retries=0).resources.get("res_1")
    assert len(script.requests) == 1
    assert sleeps.calls == []


def test_other_4xx_are_never_retried(sleeps):
    script = Script(error(422, "validation_error", "name"))
    with pytest.raises(UnprocessableEntityError) as raised:
        client(script, max_retries=5).resources.create(name="")
    assert len(script.requests) == 1
    assert raised.value.param == "name"
    assert sleeps.calls == []


def test_409_idempotency_key_in_use_is_retried_with_the_same_key(sleeps):
    script = Script(
        error(409, "idempotency_key_in_use", **{"Retry-After": "1"}),
        ok(resource_body(), 201),
    )
    client(script).resources.create(name="n", idempotency_key="my-key")
    assert [r.headers["Idempotency-Key"] for r in script.requests] == ["my-key", "my-key"]


def test_a_409_that_is_not_in_use_raises_conflict_at_once(sleeps):
    script = Script(error(409, "conflict"))
    with pytest.raises(ConflictError):
        client(script).resources.create(name="n")
    assert len(script.requests) == 1


def test_one_generated_idempotency_key_is_reused_across_every_retry(sleeps):
    script = Script(
        httpx.ConnectError("refused"),
        error(500, "internal_error"),
        ok(resource_body(), 201),
        ok(resource_body("res_2"), 201),
    )
    sdk = client(script)
    sdk.resources.create(name="n")
    sdk.resources.create(name="n")
    keys = [r.headers["Idempotency-Key"] for r in script.requests]
    assert keys[0] == keys[1] == keys[2]
    assert keys[3] != keys[0]  # a new call, a new key
    assert uuid.UUID(keys[0]).version == 4
    assert uuid.UUID(keys[3]).version == 4


def test_every_post_carries_a_key_and_no_other_method_does(sleeps):
    script = Script(
        ok(resource_body(), 201),
        ok({"id": "job_1"} | _job(), 202),
        ok(_job(), 202),
        ok(resource_body()),
        ok(resource_body()),
        httpx.Response(204),
    )
    sdk = client(script)
    sdk.resources.create(name="n")
    sdk.resources.bulk_create([{"name": "a"}])
    sdk.resources.export()
    sdk.resources.get("res_1")
    sdk.resources.update("res_1", name="m")
    sdk.resources.delete("res_1")
    with_key = [r.method for r in script.requests if "Idempotency-Key" in r.headers]
    assert with_key == ["POST", "POST", "POST"]
    assert len(script.requests) == 6


def test_connection_errors_are_retried_then_raised_as_api_connection_error(sleeps):
    script = Script(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(APIConnectionError) as raised:
        client(script).resources.get("res_1")
    assert type(raised.value) is APIConnectionError
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert len(script.requests) == 3
    assert len(sleeps.calls) == 2


def test_timeouts_are_retried_then_raised_as_api_timeout_error(sleeps):
    script = Script(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError):
        client(script, max_retries=1).resources.get("res_1")
    assert len(script.requests) == 2


def test_rate_limit_error_exposes_retry_after(sleeps):
    script = Script(error(429, "rate_limited", **{"Retry-After": "2"}))
    with pytest.raises(RateLimitError) as raised:
        client(script, max_retries=0).resources.list()
    assert raised.value.retry_after == 2.0
    assert raised.value.status_code == 429


@pytest.mark.anyio
async def test_async_client_retries_with_one_key_and_retry_after(sleeps):
    from tests.unit.sdk_support import async_client

    script = Script(
        error(429, "rate_limited", **{"Retry-After": "1"}),
        httpx.ConnectTimeout("slow"),
        ok(resource_body(), 201),
    )
    async with async_client(script) as sdk:
        created = await sdk.resources.create(name="n")
    assert created.id == "res_1"
    assert len({r.headers["Idempotency-Key"] for r in script.requests}) == 1
    assert len(script.requests) == 3
    assert sleeps.calls[0] == 1.0
    assert 0 <= sleeps.calls[1] < 1.0  # backoff for retry 1: ceiling 0.5 * 2


@pytest.mark.anyio
async def test_async_client_gives_up_on_4xx_and_after_max_retries(sleeps):
    from tests.unit.sdk_support import async_client

    script = Script(error(422, "validation_error", "limit"))
    async with async_client(script) as sdk:
        with pytest.raises(UnprocessableEntityError):
            await sdk.resources.list(limit=0)
    assert len(script.requests) == 1
    script = Script(*(httpx.ConnectError("refused") for _ in range(2)))
    async with async_client(script, max_retries=1) as sdk:
        with pytest.raises(APIConnectionError):
            await sdk.resources.get("res_1")
    assert len(script.requests) == 2


def _job():
    from tests.unit.sdk_support import job_body

    return job_body()
