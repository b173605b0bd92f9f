"""Webhooks against moto: endpoints through the API handlers; deliveries through the real
chain (the recorder and the dispatcher fed by the tables' streams, the sender fed by the
deliveries queue through the local SQS poller) to a receiver on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest

from plinth.container import container
from plinth.logic.webhooks import signature
from plinth.models.webhook import EndpointStatus
from plinth_tools import template as tpl
from plinth_tools.lambdas import FakeLambdaContext, load_handler
from plinth_tools.local.workers import QueuePoller, StreamPoller
from tests.integration.test_events import record_all
from tests.support import WebhookReceiver, fresh_dependencies

READ, WRITE = ("webhooks:read",), ("webhooks:read", "webhooks:write", "events:read")
MISSING = "we_01JGZ9A5B7C9D1E3F5G7H9J1K3"


class Invoke:
    """An Invoker running one function's handler in this process."""

    def __init__(self, logical_id: str) -> None:
        self.spec = tpl.functions()[logical_id]
        self.results: list[dict] = []

    def invoke(self, event, request_id):
        result = load_handler(self.spec)(event, FakeLambdaContext(self.spec.logical_id, request_id))
        self.results.append(result)
        return result


@pytest.fixture
def local_targets(aws, monkeypatch) -> Iterator[None]:
    """As plinth dev deploys: http:// to 127.0.0.1 allowed, a fast retry schedule."""
    monkeypatch.setenv("WEBHOOK_TARGETS", "any")
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE", "1,1")
    fresh_dependencies()
    yield
    fresh_dependencies()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver()
    yield running
    running.close()


def _create(api, url="https://hooks.example.com/in", events=("*",), workspace="ws_alpha"):
    return api.request(
        "POST",
        "/v1/webhook_endpoints",
        json_body={"url": url, "enabledEvents": list(events)},
        workspace=workspace,
        scopes=WRITE,
    )


def _dispatch(aws) -> Invoke:
    dispatcher = Invoke("WebhookDispatcherFunction")
    StreamPoller(
        dispatcher,
        aws.attribute("EventsTable", "StreamArn"),
        starting_position="TRIM_HORIZON",
        report_failures=True,
        interval=0,
    ).poll_once()
    return dispatcher


def _sender(aws) -> tuple[QueuePoller, Invoke]:
    sender = Invoke("WebhookSenderFunction")
    poller = QueuePoller(
        sender,
        queue_url=aws["WebhookDeliveriesQueue"],
        queue_arn=aws.attribute("WebhookDeliveriesQueue", "Arn"),
        report_failures=True,
        wait_seconds=0,
    )
    return poller, sender


def test_an_endpoint_shows_its_secret_once_and_is_listed_got_and_deleted(api, aws):
    created = _create(api, events=["resource.created", "job.completed"])
    assert created.status == 201, created.text
    body = created.body
    assert created.headers["Location"] == f"/v1/webhook_endpoints/{body['id']}"
    secret = body.pop("secret")
    assert secret.startswith("whsec_")
    assert body == {
        "id": body["id"],
        "object": "webhook_endpoint",
        "url": "https://hooks.example.com/in",
        "enabledEvents": ["job.completed", "resource.created"],
        "description": None,
        "status": "enabled",
        "createdAt": body["createdAt"],
        "failingSince": None,
        "disabledAt": None,
    }
    got = api.request("GET", f"/v1/webhook_endpoints/{body['id']}", scopes=READ)
    assert got.status == 200 and got.body == body  # never the secret again
    listed = api.request("GET", "/v1/webhook_endpoints", scopes=READ).body
    assert listed["data"] == [body] and listed["hasMore"] is False
    assert (
        api.request(
            "GET", f"/v1/webhook_endpoints/{body['id']}", workspace="ws_beta", scopes=READ
        ).status
        == 404
    )
    assert (
        api.request(
            "DELETE", f"/v1/webhook_endpoints/{body['id']}", workspace="ws_beta", scopes=WRITE
        ).status
        == 404
    )
    deleted = api.request("DELETE", f"/v1/webhook_endpoints/{body['id']}", scopes=WRITE)
    assert deleted.status == 204 and deleted.text == ""
    for method in ("GET", "DELETE"):
        gone = api.request(method, f"/v1/webhook_endpoints/{body['id']}", scopes=WRITE)
        assert gone.status == 404 and gone.error["code"] == "not_found"


def test_endpoints_page_newest_first_with_cursors(api, aws):
    made = [_create(api).body["id"] for _ in range(3)]
    first = api.request("GET", "/v1/webhook_endpoints", query={"limit": "2"}, scopes=READ).body
    assert [e["id"] for e in first["data"]] == made[::-1][:2] and first["hasMore"] is True
    rest = api.request(
        "GET",
        "/v1/webhook_endpoints",
        query={"limit": "2", "cursor": first["nextCursor"]},
        scopes=READ,
    ).body
    assert [e["id"] for e in rest["data"]] == [made[0]] and rest["nextCursor"] is None
    garbage = api.request("GET", "/v1/webhook_endpoints", query={"cursor": "x"}, scopes=READ)
    assert garbage.status == 422 and garbage.error["param"] == "cursor"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"url": "http://hooks.example.com/in", "enabledEvents": ["*"]}, "url"),
        ({"url": "https://169.254.169.254/latest", "enabledEvents": ["*"]}, "url"),
        ({"url": "https://10.0.0.8/in", "enabledEvents": ["*"]}, "url"),
        (
            {"url": "https://hooks.example.com/in", "enabledEvents": ["resource.exploded"]},
            "enabledEvents.0",
        ),
        ({"url": "https://hooks.example.com/in", "enabledEvents": []}, "enabledEvents"),
        ({"url": "https://hooks.example.com/in"}, "enabledEvents"),
        ({"url": "https://" + "a" * 2050, "enabledEvents": ["*"]}, "url"),
        ({"url": "https://hooks.example.com/in", "enabledEvents": ["*"], "secret": "x"}, "secret"),
    ],
)
def test_bad_endpoints_answer_422_naming_the_field(api, aws, body, param):
    response = api.request("POST", "/v1/webhook_endpoints", json_body=body, scopes=WRITE)
    assert response.status == 422, response.text
    assert response.error["param"] == param


def test_reading_needs_webhooks_read_and_writing_webhooks_write(api, aws):
    denied = api.request(
        "POST",
        "/v1/webhook_endpoints",
        json_body={"url": "https://hooks.example.com/in", "enabledEvents": ["*"]},
        scopes=READ,
    )
    assert denied.status == 403 and "webhooks:write" in denied.error["message"]
    listed = api.request("GET", "/v1/webhook_endpoints", scopes=("resources:read",))
    assert listed.status == 403 and "webhooks:read" in listed.error["message"]


def test_a_create_reaches_the_receiver_signed_and_shaped_as_get_event(
    api, aws, create, local_targets, receiver
):
    endpoint = _create(api, url=receiver.url(), events=["resource.created"]).body
    resource = create(name="hooked")
    record_all(aws)
    dispatcher = _dispatch(aws)
    assert dispatcher.results[-1] == {"batchItemFailures": []}
    poller, _ = _sender(aws)
    assert poller.poll_once() == 1
    (delivered,) = receiver.wait_for(1, timeout=5)
    assert delivered.path == "/hooks"
    event_id = delivered.headers["webhook-id"]
    stamp = int(delivered.headers["webhook-timestamp"])
    assert abs(stamp - time.time()) < 60
    assert delivered.headers["webhook-signature"] == signature(
        endpoint["secret"], event_id, stamp, delivered.body
    )
    assert delivered.headers["content-type"] == "application/json"
    shown = api.request("GET", f"/v1/events/{event_id}", scopes=WRITE).body
    assert json.loads(delivered.body) == shown
    assert shown["type"] == "resource.created" and shown["data"]["object"] == resource
    assert poller.poll_once() == 0  # delivered once, deleted


def test_an_endpoint_receives_only_its_types_and_deleted_ones_nothing(
    api, aws, create, local_targets, receiver
):
    _create(api, url=receiver.url(), events=["resource.deleted"])
    gone = _create(api, url=receiver.url(), events=["*"]).body
    resource = create()
    api.request("DELETE", f"/v1/resources/{resource['id']}")
    record_all(aws)
    _dispatch(aws)
    assert api.request("DELETE", f"/v1/webhook_endpoints/{gone['id']}", scopes=WRITE).status == 204
    poller, sender = _sender(aws)
    assert poller.poll_once() == 3  # deleted: 2 endpoints; created: the one now gone
    received = receiver.wait_for(1, timeout=5)
    time.sleep(0.3)
    assert [json.loads(d.body)["type"] for d in receiver.received] == ["resource.deleted"]
    assert sender.results == [{"batchItemFailures": []}]
    assert len(received) == 1


def test_a_failing_receiver_gets_retries_on_the_schedule_then_heals(
    api, aws, create, local_targets
):
    receiver = WebhookReceiver(statuses=[500, 503, 200])
    try:
        endpoint = _create(api, url=receiver.url()).body
        create()
        record_all(aws)
        _dispatch(aws)
        poller, sender = _sender(aws)
        assert poller.poll_once() == 1
        assert sender.results[-1]["batchItemFailures"]  # kept for its retry
        assert poller.poll_once() == 0  # invisible until the schedule's delay
        shown = api.request("GET", f"/v1/webhook_endpoints/{endpoint['id']}", scopes=READ).body
        assert shown["failingSince"] is not None and shown["status"] == "enabled"
        deadline = time.monotonic() + 10
        while len(receiver.received) < 3 and time.monotonic() < deadline:
            poller.poll_once()
            time.sleep(0.2)
        attempts = receiver.received
        assert len(attempts) == 3
        assert len({a.headers["webhook-id"] for a in attempts}) == 1  # one message, 3 tries
        assert attempts[1].at - attempts[0].at >= 0.9  # the schedule's 1 s
        healed = api.request("GET", f"/v1/webhook_endpoints/{endpoint['id']}", scopes=READ).body
        assert healed["failingSince"] is None
        assert poller.poll_once() == 0
    finally:
        receiver.close()


def test_an_exhausted_schedule_gives_up_and_sustained_failure_disables(
    api, aws, create, local_targets, monkeypatch
):
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE", "0")
    monkeypatch.setenv("WEBHOOK_DISABLE_AFTER_SECONDS", "1")
    fresh_dependencies()
    receiver = WebhookReceiver(statuses=[500])
    try:
        endpoint = _create(api, url=receiver.url()).body
        create()
        record_all(aws)
        _dispatch(aws)
        poller, sender = _sender(aws)
        poller.poll_once()  # attempt 1: failed, back at once (delay 0)
        time.sleep(1.1)
        poller.poll_once()  # attempt 2: the last; failing for over 1 s: disabled
        assert len(receiver.received) == 2
        assert sender.results[-1] == {"batchItemFailures": []}  # done with, not retried
        assert poller.poll_once() == 0
        shown = api.request("GET", f"/v1/webhook_endpoints/{endpoint['id']}", scopes=READ).body
        assert shown["status"] == EndpointStatus.DISABLED.value and shown["disabledAt"]
        dlq = boto3.client("sqs").receive_message(
            QueueUrl=aws["WebhookDeliveriesDeadLetterQueue"], WaitTimeSeconds=0
        )
        assert not dlq.get("Messages")
    finally:
        receiver.close()


def test_a_public_deployment_refuses_a_host_that_resolves_to_loopback(api, aws, create, receiver):
    """DNS rebinding: an endpoint accepted as public whose host now resolves to a private
    address gets nothing; the attempt fails (and is retried) instead."""
    endpoint = _create(api).body
    store = container().webhook_endpoints
    item = store.get("ws_alpha", endpoint["id"])
    assert item is not None
    store.delete("ws_alpha", item.id)  # as if its name now resolved to 127.0.0.1
    # Plain http: if the address check let it through, the receiver would get the POST.
    store.put(item.model_copy(update={"url": f"http://localhost:{receiver.port}/hooks"}))
    create()
    record_all(aws)
    _dispatch(aws)
    poller, sender = _sender(aws)
    assert poller.poll_once() == 1
    assert sender.results[-1]["batchItemFailures"]
    time.sleep(0.3)
    assert receiver.received == []


def test_redeliver_queues_an_event_again_for_its_endpoints(
    api, aws, create, local_targets, receiver
):
    endpoint = _create(api, url=receiver.url()).body
    create()
    record_all(aws)
    event_id = api.request("GET", "/v1/events", scopes=WRITE).body["data"][0]["id"]
    again = api.request("POST", f"/v1/events/{event_id}/redeliver", scopes=WRITE)
    assert again.status == 202, again.text
    assert again.body == {"object": "redelivery", "event": event_id, "endpoints": [endpoint["id"]]}
    assert "Location" not in again.headers
    one = api.request(
        "POST",
        f"/v1/events/{event_id}/redeliver",
        json_body={"endpoint": endpoint["id"]},
        scopes=WRITE,
    )
    assert one.status == 202 and one.body["endpoints"] == [endpoint["id"]]
    poller, _ = _sender(aws)
    poller.poll_once()
    delivered = receiver.wait_for(2, timeout=5)
    assert [d.headers["webhook-id"] for d in delivered] == [event_id, event_id]
    missing = api.request(
        "POST", "/v1/events/evt_01JGZ9A5B7C9D1E3F5G7H9J1K3/redeliver", scopes=WRITE
    )
    assert missing.status == 404
    other = api.request(
        "POST", f"/v1/events/{event_id}/redeliver", workspace="ws_beta", scopes=WRITE
    )
    assert other.status == 404
    unknown = api.request(
        "POST", f"/v1/events/{event_id}/redeliver", json_body={"endpoint": MISSING}, scopes=WRITE
    )
    assert unknown.status == 404


def test_a_hanging_receiver_delays_no_other_delivery_of_its_batch(
    api, aws, create, local_targets, monkeypatch
):
    monkeypatch.setenv("WEBHOOK_TIMEOUT_SECONDS", "2")
    fresh_dependencies()
    slow = [WebhookReceiver(delay_s=3), WebhookReceiver(delay_s=3)]
    fast = WebhookReceiver()
    try:
        for receiver in [*slow, fast]:
            _create(api, url=receiver.url())
        create()
        record_all(aws)
        _dispatch(aws)
        poller, sender = _sender(aws)
        started = time.monotonic()
        assert poller.poll_once() == 3  # one batch: the three deliveries
        (delivered,) = fast.wait_for(1, timeout=5)
        assert delivered.at - started < 1.5  # not after a slow one's 2 s timeout
        assert time.monotonic() - started < 3.5  # the batch took one timeout, not two
        assert len(sender.results[-1]["batchItemFailures"]) == 2  # the timed-out ones
    finally:
        for receiver in [*slow, fast]:
            receiver.close()
