"""Python SDK on a mock transport: requests sent, models, errors, paging, jobs.wait and
webhook endpoints."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import ValidationError

import plinth_client
from plinth_client import (
    NOT_GIVEN,
    APIStatusError,
    AsyncPlinth,
    AuthenticationError,
    BadRequestError,
    BulkCreateResult,
    ConflictError,
    ExportResult,
    InternalServerError,
    Job,
    JobFailedError,
    JobWaitTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    Plinth,
    PlinthError,
    RateLimitError,
    Redelivery,
    Resource,
    UnprocessableEntityError,
    WebhookEndpoint,
    WebhookEndpointCreated,
)
from tests.unit.sdk_support import (
    BASE,
    Script,
    Sleeps,
    async_client,
    client,
    error,
    event_body,
    job_body,
    ok,
    redelivery_body,
    resource_body,
    webhook_endpoint_body,
)


@pytest.fixture
def sleeps(monkeypatch):
    fake = Sleeps()
    monkeypatch.setattr(plinth_client._clock, "sleep", fake.sleep)
    monkeypatch.setattr(plinth_client._clock, "async_sleep", fake.async_sleep)
    monkeypatch.setattr(plinth_client._clock, "monotonic", fake.monotonic)
    return fake


def _body(request):
    return json.loads(request.content)


def _page(ids, cursor=None):
    return {
        "object": "list",
        "data": [resource_body(i) for i in ids],
        "hasMore": cursor is not None,
        "nextCursor": cursor,
    }


# ---------------------------------------------------------------- errors (SPEC §3)
@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "invalid_json", BadRequestError),
        (401, "unauthorized", AuthenticationError),
        (403, "forbidden", PermissionDeniedError),
        (404, "not_found", NotFoundError),
        (405, "method_not_allowed", APIStatusError),
        (409, "idempotency_key_in_use", ConflictError),
        (413, "payload_too_large", APIStatusError),
        (422, "validation_error", UnprocessableEntityError),
        (422, "idempotency_key_reused", UnprocessableEntityError),
        (429, "rate_limited", RateLimitError),
        (500, "internal_error", InternalServerError),
        (503, "service_unavailable", InternalServerError),
    ],
)
def test_every_spec_error_code_maps_to_its_exception(status, code, cls):
    script = Script(error(status, code, "name"))
    with pytest.raises(APIStatusError) as raised:
        client(script, max_retries=0).resources.create(name="n")
    exc = raised.value
    assert type(exc) is cls
    assert isinstance(exc, PlinthError)
    assert (exc.status_code, exc.code, exc.param) == (status, code, "name")
    assert exc.message == f"{code} happened"
    assert exc.request_id == f"req-{status}"
    assert str(exc) == f"{status} {code}: {code} happened"


def test_an_error_body_that_is_not_the_api_shape_still_maps_by_status():
    script = Script(httpx.Response(502, text="<html>Bad Gateway</html>"), httpx.Response(403))
    sdk = client(script, max_retries=0)
    with pytest.raises(InternalServerError) as raised:
        sdk.resources.get("res_1")
    assert raised.value.code is None
    assert raised.value.param is None
    assert raised.value.message == "<html>Bad Gateway</html>"
    with pytest.raises(PermissionDeniedError) as raised:
        sdk.resources.get("res_1")
    assert raised.value.message == "Forbidden"


def test_a_success_that_is_not_json_raises_plinth_error():
    script = Script(httpx.Response(200, text="<html>"))
    with pytest.raises(PlinthError, match="not JSON"):
        client(script).resources.get("res_1")


# ---------------------------------------------------------------- configuration
def test_api_key_and_base_url_default_to_the_environment(monkeypatch):
    monkeypatch.setenv("PLINTH_API_KEY", "sk_env")
    monkeypatch.setenv("PLINTH_BASE_URL", "https://env.test/v1/")
    script = Script(ok(resource_body()))
    with Plinth(http_client=httpx.Client(transport=httpx.MockTransport(script))) as sdk:
        sdk.resources.get("res_1")
    request = script.requests[0]
    assert str(request.url) == "https://env.test/v1/resources/res_1"
    assert request.headers["Authorization"] == "Bearer sk_env"
    assert request.headers["User-Agent"] == f"plinth-python/{plinth_client.__version__}"


def test_missing_api_key_or_base_url_fails_at_construction(monkeypatch):
    monkeypatch.delenv("PLINTH_API_KEY", raising=False)
    monkeypatch.delenv("PLINTH_BASE_URL", raising=False)
    with pytest.raises(PlinthError, match="PLINTH_API_KEY"):
        Plinth(base_url=BASE)
    with pytest.raises(PlinthError, match="PLINTH_BASE_URL"):
        AsyncPlinth(api_key="sk")
    with pytest.raises(ValueError, match="max_retries"):
        Plinth(api_key="sk", base_url=BASE, max_retries=-1)


def test_the_timeout_is_applied_to_every_request():
    script = Script(ok(resource_body()))
    client(script, timeout=4.5).resources.get("res_1")
    assert script.requests[0].extensions["timeout"] == {
        "connect": 4.5,
        "read": 4.5,
        "write": 4.5,
        "pool": 4.5,
    }


def test_context_manager_closes_the_client_it_created():
    with Plinth(api_key="sk", base_url=BASE) as sdk:
        http = sdk._http
    assert http.is_closed


def test_context_manager_leaves_a_caller_supplied_client_open():
    http = httpx.Client(transport=httpx.MockTransport(Script()))
    with Plinth(api_key="sk", base_url=BASE, http_client=http):
        pass
    assert not http.is_closed


@pytest.mark.anyio
async def test_async_context_manager_closes_the_client_it_created():
    async with AsyncPlinth(api_key="sk", base_url=BASE) as sdk:
        http = sdk._http
    assert http.is_closed


# ---------------------------------------------------------------- resources
def test_create_sends_only_given_fields_and_returns_a_resource_model():
    script = Script(ok(resource_body(metadata={"k": "v"}), 201))
    created = client(script).resources.create(name="n", metadata={"k": "v"})
    request = script.requests[0]
    assert (request.method, request.url.path) == ("POST", "/v1/resources")
    assert _body(request) == {"name": "n", "metadata": {"k": "v"}}
    assert request.headers["Content-Type"] == "application/json"
    assert isinstance(created, Resource)
    assert created.metadata == {"k": "v"}
    assert created.created_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert created.created_at.tzinfo is not None
    assert created.updated_at == created.created_at


def test_create_with_description_sends_it():
    script = Script(ok(resource_body(description="d"), 201))
    assert client(script).resources.create(name="n", description="d").description == "d"
    assert _body(script.requests[0]) == {"name": "n", "description": "d"}


def test_update_sends_only_given_fields_and_none_clears_description():
    script = Script(ok(resource_body()), ok(resource_body()), ok(resource_body()))
    sdk = client(script)
    sdk.resources.update("res_1", description=None)
    sdk.resources.update("res_1", status="paused", metadata={})
    sdk.resources.update("res_1", name="x", description=NOT_GIVEN)
    bodies = [_body(r) for r in script.requests]
    assert bodies == [{"description": None}, {"status": "paused", "metadata": {}}, {"name": "x"}]
    assert {(r.method, r.url.path) for r in script.requests} == {("PATCH", "/v1/resources/res_1")}


def test_delete_returns_none_on_204():
    script = Script(httpx.Response(204))
    assert client(script).resources.delete("res_1") is None
    assert (script.requests[0].method, script.requests[0].url.path) == (
        "DELETE",
        "/v1/resources/res_1",
    )


def test_ids_are_one_path_segment():
    script = Script(error(404, "not_found"))
    with pytest.raises(NotFoundError):
        client(script).resources.get("../jobs?x=1")
    assert script.requests[0].url.raw_path == b"/v1/resources/..%2Fjobs%3Fx%3D1"
    with pytest.raises(ValueError, match="non-empty"):
        client(Script()).resources.get("")


def test_bulk_create_and_export_return_jobs():
    script = Script(
        ok(job_body(), 202), ok(job_body(type="resources.export"), 202), ok(job_body(), 202)
    )
    sdk = client(script)
    job = sdk.resources.bulk_create([{"name": "a"}, {"name": "b", "metadata": {"k": "v"}}])
    export = sdk.resources.export(status="paused", idempotency_key="exp-1")
    sdk.resources.export()
    assert isinstance(job, Job)
    assert job.progress.total == 2
    assert export.type == "resources.export"
    assert _body(script.requests[0]) == {
        "resources": [{"name": "a"}, {"name": "b", "metadata": {"k": "v"}}]
    }
    assert script.requests[0].url.path == "/v1/resources/bulk"
    assert _body(script.requests[1]) == {"status": "paused"}
    assert script.requests[1].headers["Idempotency-Key"] == "exp-1"
    assert _body(script.requests[2]) == {}
    assert script.requests[2].url.path == "/v1/resources/export"


# ---------------------------------------------------------------- paging (SPEC §5)
def test_list_returns_a_page_and_omits_unset_parameters():
    script = Script(ok(_page(["res_3", "res_2"], cursor="c1")), ok(_page([])))
    sdk = client(script)
    page = sdk.resources.list(limit=2, status="active")
    assert [r.id for r in page.data] == ["res_3", "res_2"]
    assert page.has_more is True
    assert page.next_cursor == "c1"
    assert page.object == "list"
    sdk.resources.list()
    assert dict(script.requests[0].url.params) == {"limit": "2", "status": "active"}
    assert dict(script.requests[1].url.params) == {}


def test_auto_paging_iter_walks_every_page_lazily_keeping_limit_and_filter():
    script = Script(
        ok(_page(["res_5", "res_4"], cursor="c1")),
        ok(_page(["res_3", "res_2"], cursor="c2")),
        ok(_page(["res_1"])),
        ok(_page(["res_3", "res_2"], cursor="c2")),
    )
    page = client(script).resources.list(limit=2, status="paused")
    items = page.auto_paging_iter()
    assert len(script.requests) == 1
    assert [next(items).id, next(items).id] == ["res_5", "res_4"]
    assert len(script.requests) == 1  # the next page only when reached
    assert [r.id for r in items] == ["res_3", "res_2", "res_1"]
    assert [dict(r.url.params) for r in script.requests] == [
        {"limit": "2", "status": "paused"},
        {"limit": "2", "status": "paused", "cursor": "c1"},
        {"limit": "2", "status": "paused", "cursor": "c2"},
    ]
    second = page.next_page()  # pages can also be walked one by one
    assert second is not None
    assert [r.id for r in second.data] == ["res_3", "res_2"]
    assert len(script.requests) == 4


def test_next_page_after_the_last_page_is_none():
    script = Script(ok(_page(["res_1"])))
    page = client(script).resources.list()
    assert page.next_page() is None
    assert [r.id for r in page.auto_paging_iter()] == ["res_1"]
    assert len(script.requests) == 1


def test_a_page_not_fetched_by_a_client_cannot_fetch_more():
    page = plinth_client.Page[Resource].model_validate(_page(["res_1"], cursor="c"))
    with pytest.raises(RuntimeError):
        page.next_page()


def test_jobs_list_pages_too():
    script = Script(
        ok({"object": "list", "data": [job_body("job_2")], "hasMore": True, "nextCursor": "c"}),
        ok({"object": "list", "data": [job_body("job_1")], "hasMore": False, "nextCursor": None}),
    )
    page = client(script).jobs.list(status="pending", limit=1)
    assert [j.id for j in page.auto_paging_iter()] == ["job_2", "job_1"]
    assert script.requests[1].url.path == "/v1/jobs"
    assert dict(script.requests[1].url.params) == {"limit": "1", "status": "pending", "cursor": "c"}


@pytest.mark.anyio
async def test_async_auto_paging_iter_is_an_async_iterator_over_every_page():
    script = Script(
        ok(_page(["res_3"], cursor="c1")),
        ok(_page(["res_2"], cursor="c2")),
        ok(_page(["res_1"])),
        ok({"object": "list", "data": [job_body("job_2")], "hasMore": True, "nextCursor": "j"}),
        ok({"object": "list", "data": [job_body("job_1")], "hasMore": False, "nextCursor": None}),
    )
    async with async_client(script) as sdk:
        page = await sdk.resources.list(limit=1, status="active")
        assert [r.id async for r in page.auto_paging_iter()] == ["res_3", "res_2", "res_1"]
        jobs = await sdk.jobs.list(limit=1)
        assert [j.id async for j in jobs.auto_paging_iter()] == ["job_2", "job_1"]
    assert dict(script.requests[2].url.params) == {"limit": "1", "status": "active", "cursor": "c2"}
    assert dict(script.requests[4].url.params) == {"limit": "1", "cursor": "j"}


# ---------------------------------------------------------------- jobs.wait
def test_wait_polls_until_completed(sleeps):
    script = Script(
        ok(job_body(status="pending")),
        ok(job_body(status="running")),
        ok(job_body(status="completed")),
    )
    job = client(script).jobs.wait("job_1", poll_interval=0.5)
    assert job.status == "completed"
    assert job.result == BulkCreateResult(created=2, ids=["res_a", "res_b"])
    assert job.completed_at == datetime(2025, 1, 1, 0, 0, 2, tzinfo=UTC)
    assert sleeps.calls == [0.5, 0.5]
    assert {r.url.path for r in script.requests} == {"/v1/jobs/job_1"}


def test_wait_raises_job_failed_error_carrying_the_jobs_error(sleeps):
    script = Script(ok(job_body(status="running")), ok(job_body(status="failed")))
    with pytest.raises(JobFailedError) as raised:
        client(script).jobs.wait("job_1")
    assert raised.value.error.code == "job_failed"
    assert raised.value.code == "job_failed"
    assert raised.value.message == "boom"
    assert raised.value.job.status == "failed"


def test_wait_raises_job_failed_error_even_for_a_failed_job_without_an_error(sleeps):
    script = Script(ok(job_body(status="failed", error=None)))
    with pytest.raises(JobFailedError) as raised:
        client(script).jobs.wait("job_1")
    assert raised.value.code == "unknown"
    assert len(script.requests) == 1


def test_wait_raises_timeout_error_when_the_job_does_not_finish(sleeps):
    script = Script(*(ok(job_body(status="running")) for _ in range(4)))
    with pytest.raises(TimeoutError) as raised:
        client(script).jobs.wait("job_1", timeout=2.5, poll_interval=1.0)
    assert isinstance(raised.value, JobWaitTimeoutError)
    assert raised.value.job.status == "running"
    assert sleeps.calls == [1.0, 1.0, 0.5]  # never sleeps past the deadline
    assert len(script.requests) == 4


@pytest.mark.anyio
async def test_async_wait_completes_fails_and_times_out(sleeps):
    script = Script(
        ok(job_body(status="running")),
        ok(job_body(status="completed")),
        ok(job_body(status="failed")),
        ok(job_body(status="pending")),
        ok(job_body(status="pending")),
    )
    async with async_client(script) as sdk:
        assert (await sdk.jobs.wait("job_1", poll_interval=2)).status == "completed"
        with pytest.raises(JobFailedError):
            await sdk.jobs.wait("job_1")
        with pytest.raises(TimeoutError):
            await sdk.jobs.wait("job_1", timeout=1, poll_interval=5)
    assert sleeps.calls == [2, 1]


@pytest.mark.anyio
async def test_async_resources_surface_sends_the_same_requests():
    script = Script(
        ok(resource_body(), 201),
        ok(resource_body()),
        ok(resource_body(description=None)),
        httpx.Response(204),
        ok(job_body(), 202),
        ok(job_body(type="resources.export"), 202),
        ok(job_body()),
    )
    async with async_client(script) as sdk:
        assert (await sdk.resources.create(name="n", description="d")).id == "res_1"
        assert (await sdk.resources.get("res_1")).id == "res_1"
        assert (await sdk.resources.update("res_1", description=None)).description is None
        assert await sdk.resources.delete("res_1") is None
        assert (await sdk.resources.bulk_create([{"name": "a"}])).type == "resources.bulk_create"
        assert (await sdk.resources.export(status="archived")).type == "resources.export"
        assert (await sdk.jobs.get("job_1")).id == "job_1"
    sent = [(r.method, r.url.path, r.content and _body(r)) for r in script.requests]
    assert sent == [
        ("POST", "/v1/resources", {"name": "n", "description": "d"}),
        ("GET", "/v1/resources/res_1", b""),
        ("PATCH", "/v1/resources/res_1", {"description": None}),
        ("DELETE", "/v1/resources/res_1", b""),
        ("POST", "/v1/resources/bulk", {"resources": [{"name": "a"}]}),
        ("POST", "/v1/resources/export", {"status": "archived"}),
        ("GET", "/v1/jobs/job_1", b""),
    ]


def test_job_results_parse_into_their_typed_models():
    export = job_body(
        status="completed",
        type="resources.export",
        result={
            "type": "resources.export",
            "count": 3,
            "url": "https://s3.test/x",
            "expiresAt": "2025-01-08T00:00:00.000Z",
        },
    )
    script = Script(ok(export), ok(job_body(status="completed")), ok(job_body(status="running")))
    sdk = client(script)
    exported = sdk.jobs.get("job_1").result
    assert isinstance(exported, ExportResult)
    assert (exported.count, exported.url) == (3, "https://s3.test/x")
    assert exported.expires_at == datetime(2025, 1, 8, tzinfo=UTC)
    bulk = sdk.jobs.get("job_1").result
    assert isinstance(bulk, BulkCreateResult)
    assert bulk.ids == ["res_a", "res_b"]
    assert sdk.jobs.get("job_1").result is None


def test_job_result_is_chosen_by_its_type_tag_and_refused_without_one():
    tagged = job_body(
        status="completed",
        result={
            "type": "resources.export",
            "count": 0,
            "url": "https://s3.test/x",
            "expiresAt": "2025-01-08T00:00:00.000Z",
        },
    )
    assert Job.model_validate(tagged).result == ExportResult(
        count=0, url="https://s3.test/x", expires_at=datetime(2025, 1, 8, tzinfo=UTC)
    )
    assert Job.model_validate(job_body(status="completed")).result.type == "resources.bulk_create"
    untagged = job_body(status="completed", result={"created": 0, "ids": []})
    with pytest.raises(ValidationError):
        Job.model_validate(untagged)


# ---------------------------------------------------------------- events
def test_events_get_and_list_page_with_the_type_filter():
    script = Script(
        ok(event_body("evt_1")),
        ok({"object": "list", "data": [event_body("evt_2")], "hasMore": True, "nextCursor": "c"}),
        ok({"object": "list", "data": [event_body("evt_1")], "hasMore": False, "nextCursor": None}),
    )
    sdk = client(script)
    event = sdk.events.get("evt_1")
    assert event.type == "resource.created"
    assert event.data.object["object"] == "resource"
    assert event.created_at == datetime(2025, 1, 1, tzinfo=UTC)
    page = sdk.events.list(type="resource.created", limit=1)
    assert [e.id for e in page.auto_paging_iter()] == ["evt_2", "evt_1"]
    assert script.requests[0].url.path == "/v1/events/evt_1"
    assert script.requests[2].url.path == "/v1/events"
    assert dict(script.requests[2].url.params) == {
        "limit": "1",
        "type": "resource.created",
        "cursor": "c",
    }


@pytest.mark.anyio
async def test_async_events_list_and_get():
    script = Script(
        ok({"object": "list", "data": [event_body("evt_2")], "hasMore": True, "nextCursor": "c"}),
        ok({"object": "list", "data": [event_body("evt_1")], "hasMore": False, "nextCursor": None}),
        ok(event_body("evt_1", type="job.completed")),
    )
    async with async_client(script) as sdk:
        page = await sdk.events.list(limit=1)
        assert [e.id async for e in page.auto_paging_iter()] == ["evt_2", "evt_1"]
        assert (await sdk.events.get("evt_1")).type == "job.completed"


# ---------------------------------------------------------------- api keys
def test_api_keys_create_roll_revoke_and_list_send_the_documented_requests():
    from tests.unit.sdk_support import api_key_body

    page = {"object": "list", "data": [api_key_body()], "hasMore": False, "nextCursor": None}
    script = Script(
        ok(api_key_body(secret="sk_new", name="ci"), 201),
        ok(api_key_body("key_2", secret="sk_rolled"), 201),
        ok(api_key_body(revokedAt="2025-01-02T00:00:00.000Z")),
        ok(page),
    )
    sdk = client(script)
    created = sdk.api_keys.create(scopes=["resources:read"], name="ci", idempotency_key="k1")
    assert (created.secret, created.name) == ("sk_new", "ci")
    rolled = sdk.api_keys.roll("key_1", expires_in=3600)
    assert rolled.secret == "sk_rolled"
    revoked = sdk.api_keys.revoke("key_1")
    assert revoked.revoked_at == datetime(2025, 1, 2, tzinfo=UTC)
    assert [k.id for k in sdk.api_keys.list(limit=5).auto_paging_iter()] == ["key_1"]
    first, roll, revoke, listed = script.requests
    assert json.loads(first.content) == {"scopes": ["resources:read"], "name": "ci"}
    assert first.headers["Idempotency-Key"] == "k1"
    assert (roll.url.path, json.loads(roll.content)) == (
        "/v1/api_keys/key_1/roll",
        {"expiresIn": 3600},
    )
    assert (revoke.method, revoke.url.path) == ("DELETE", "/v1/api_keys/key_1")
    assert dict(listed.url.params) == {"limit": "5"}


# ---------------------------------------------------------------- webhook endpoints
def test_webhook_endpoints_create_get_list_and_delete_send_the_documented_requests():
    page = {
        "object": "list",
        "data": [webhook_endpoint_body("we_2")],
        "hasMore": True,
        "nextCursor": "w",
    }
    last = {
        "object": "list",
        "data": [webhook_endpoint_body()],
        "hasMore": False,
        "nextCursor": None,
    }
    script = Script(
        ok(webhook_endpoint_body(secret="whsec_c2VjcmV0", description="ci"), 201),
        ok(webhook_endpoint_body(enabledEvents=["*"], secret="whsec_b3RoZXI="), 201),
        ok(webhook_endpoint_body(status="disabled", disabledAt="2025-01-06T00:00:00.000Z")),
        ok(page),
        ok(last),
        httpx.Response(204),
    )
    sdk = client(script)
    created = sdk.webhook_endpoints.create(
        url="https://hooks.example.com/plinth",
        enabled_events=["resource.created"],
        description="ci",
        idempotency_key="w1",
    )
    assert isinstance(created, WebhookEndpointCreated)
    assert (created.secret, created.description) == ("whsec_c2VjcmV0", "ci")
    assert created.enabled_events == ["resource.created"]
    assert created.created_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert created.failing_since is None
    sdk.webhook_endpoints.create(url="https://hooks.example.com/all", enabled_events=("*",))
    endpoint = sdk.webhook_endpoints.get("we_1")
    assert isinstance(endpoint, WebhookEndpoint)
    assert not hasattr(endpoint, "secret")
    assert (endpoint.status, endpoint.disabled_at) == ("disabled", datetime(2025, 1, 6, tzinfo=UTC))
    listed = sdk.webhook_endpoints.list(limit=1)
    assert [e.id for e in listed.auto_paging_iter()] == ["we_2", "we_1"]
    assert sdk.webhook_endpoints.delete("we_1") is None
    first, everything, got, page_1, page_2, deleted = script.requests
    assert (first.method, first.url.path) == ("POST", "/v1/webhook_endpoints")
    assert _body(first) == {
        "url": "https://hooks.example.com/plinth",
        "enabledEvents": ["resource.created"],
        "description": "ci",
    }
    assert first.headers["Idempotency-Key"] == "w1"
    assert _body(everything) == {"url": "https://hooks.example.com/all", "enabledEvents": ["*"]}
    assert "Idempotency-Key" in everything.headers
    assert (got.method, got.url.path) == ("GET", "/v1/webhook_endpoints/we_1")
    assert [(r.url.path, dict(r.url.params)) for r in (page_1, page_2)] == [
        ("/v1/webhook_endpoints", {"limit": "1"}),
        ("/v1/webhook_endpoints", {"limit": "1", "cursor": "w"}),
    ]
    assert (deleted.method, deleted.url.path) == ("DELETE", "/v1/webhook_endpoints/we_1")


def test_webhook_endpoint_ids_are_one_path_segment():
    script = Script(error(404, "not_found"))
    with pytest.raises(NotFoundError):
        client(script).webhook_endpoints.get("../api_keys")
    assert script.requests[0].url.raw_path == b"/v1/webhook_endpoints/..%2Fapi_keys"
    with pytest.raises(ValueError, match="non-empty"):
        client(Script()).webhook_endpoints.delete("")


def test_events_redeliver_to_every_endpoint_or_one():
    script = Script(
        ok(redelivery_body("evt_1", "we_1", "we_2"), 202),
        ok(redelivery_body("evt_1", "we_2"), 202),
    )
    sdk = client(script)
    everywhere = sdk.events.redeliver("evt_1")
    assert isinstance(everywhere, Redelivery)
    assert (everywhere.object, everywhere.event, everywhere.endpoints) == (
        "redelivery",
        "evt_1",
        ["we_1", "we_2"],
    )
    assert sdk.events.redeliver("evt_1", endpoint="we_2", idempotency_key="r1").endpoints == [
        "we_2"
    ]
    all_of_them, one = script.requests
    assert (all_of_them.method, all_of_them.url.path) == ("POST", "/v1/events/evt_1/redeliver")
    assert _body(all_of_them) == {}
    assert _body(one) == {"endpoint": "we_2"}
    assert one.headers["Idempotency-Key"] == "r1"


@pytest.mark.anyio
async def test_async_webhook_endpoints_and_redeliver_send_the_same_requests():
    script = Script(
        ok(webhook_endpoint_body(secret="whsec_c2VjcmV0"), 201),
        ok(webhook_endpoint_body()),
        ok(
            {
                "object": "list",
                "data": [webhook_endpoint_body("we_2")],
                "hasMore": True,
                "nextCursor": "w",
            }
        ),
        ok(
            {
                "object": "list",
                "data": [webhook_endpoint_body()],
                "hasMore": False,
                "nextCursor": None,
            }
        ),
        httpx.Response(204),
        ok(redelivery_body("evt_1", "we_1"), 202),
    )
    async with async_client(script) as sdk:
        created = await sdk.webhook_endpoints.create(
            url="https://hooks.example.com/plinth", enabled_events=["job.completed", "job.failed"]
        )
        assert created.secret == "whsec_c2VjcmV0"
        assert (await sdk.webhook_endpoints.get("we_1")).status == "enabled"
        page = await sdk.webhook_endpoints.list(limit=1)
        assert [e.id async for e in page.auto_paging_iter()] == ["we_2", "we_1"]
        assert await sdk.webhook_endpoints.delete("we_1") is None
        assert (await sdk.events.redeliver("evt_1", endpoint="we_1")).endpoints == ["we_1"]
    sent = [(r.method, r.url.path, r.content and _body(r)) for r in script.requests]
    assert sent == [
        (
            "POST",
            "/v1/webhook_endpoints",
            {
                "url": "https://hooks.example.com/plinth",
                "enabledEvents": ["job.completed", "job.failed"],
            },
        ),
        ("GET", "/v1/webhook_endpoints/we_1", b""),
        ("GET", "/v1/webhook_endpoints", b""),
        ("GET", "/v1/webhook_endpoints", b""),
        ("DELETE", "/v1/webhook_endpoints/we_1", b""),
        ("POST", "/v1/events/evt_1/redeliver", {"endpoint": "we_1"}),
    ]
    assert dict(script.requests[3].url.params) == {"limit": "1", "cursor": "w"}
