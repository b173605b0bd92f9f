"""Webhooks through the local stack, for real: an endpoint created over HTTP, a resource
created over HTTP, and the signed delivery arriving at a receiver on this machine
(recorder → events stream → dispatcher → deliveries queue → sender; in-process for
`plinth dev`, each in its Lambda container for `--sam`, whose sender reaches the host's
127.0.0.1 through the Docker bridge)."""

from __future__ import annotations

import json
import time

import pytest

from plinth_client import webhooks
from tests.support import WebhookReceiver

pytestmark = pytest.mark.e2e
SCOPES = "resources:read,resources:write,events:read,webhooks:read,webhooks:write"


@pytest.fixture(scope="module")
def hooks_key(local_stack):
    local_stack.cli("workspaces", "create", "ws_e2e_hooks")
    return local_stack.cli("keys", "create", "--workspace", "ws_e2e_hooks", "--scopes", SCOPES)[
        "key"
    ]


def _receiver(api, statuses=None) -> WebhookReceiver:
    # sam local's sender runs in a container: it reaches this machine through the bridge.
    return WebhookReceiver(statuses, host="0.0.0.0" if api.sam else "127.0.0.1")


def _endpoint(api, key, receiver, events=("resource.created",)):
    created = api.request(
        "POST",
        "/v1/webhook_endpoints",
        json_body={"url": receiver.url(), "enabledEvents": list(events)},
        key=key,
    )
    assert created.status == 201, created.text
    return created.body


def _first_wait(api) -> float:
    # Under sam local the dispatcher's and the sender's containers start on their first
    # batch (LAZY, through start-lambda): one cold start each, not the delivery path.
    return 120.0 if api.sam else 5.0


def test_a_create_is_delivered_signed_within_seconds(api, hooks_key):
    receiver = _receiver(api)
    try:
        endpoint = _endpoint(api, hooks_key, receiver)
        started = time.monotonic()
        created = api.request("POST", "/v1/resources", json_body={"name": "hooked"}, key=hooks_key)
        assert created.status == 201
        delivered = receiver.wait_for(1, timeout=_first_wait(api))
        assert delivered, api.problems()
        latency = delivered[0].at - started
        print(f"webhook delivery latency ({api.mode}): {latency * 1000:.0f} ms")
        event = webhooks.verify(delivered[0].body, delivered[0].headers, endpoint["secret"])
        assert event["type"] == "resource.created"
        assert event["data"]["object"] == created.body
        assert delivered[0].headers["webhook-id"] == event["id"]
        shown = api.request("GET", f"/v1/events/{event['id']}", key=hooks_key)
        assert shown.body == json.loads(delivered[0].body)
        # The second create of a warm stack arrives within seconds, in both modes.
        started = time.monotonic()
        again = api.request("POST", "/v1/resources", json_body={"name": "again"}, key=hooks_key)
        delivered = receiver.wait_for(2, timeout=10)
        assert len(delivered) == 2, api.problems()
        print(
            f"webhook delivery latency, warm ({api.mode}): {(delivered[1].at - started) * 1000:.0f} ms"
        )
        warm = webhooks.verify(delivered[1].body, delivered[1].headers, endpoint["secret"])
        assert warm["data"]["object"]["id"] == again.body["id"]
        assert delivered[1].at - started < 5.0
        with pytest.raises(webhooks.WebhookVerificationError):
            webhooks.verify(delivered[1].body + " ", delivered[1].headers, endpoint["secret"])
    finally:
        receiver.close()
        api.request("DELETE", f"/v1/webhook_endpoints/{endpoint['id']}", key=hooks_key)


def test_a_failing_receiver_gets_retries_and_a_redelivery(api, hooks_key):
    receiver = _receiver(api, statuses=[500, 200])
    try:
        endpoint = _endpoint(api, hooks_key, receiver)
        api.request("POST", "/v1/resources", json_body={"name": "retried"}, key=hooks_key)
        # The first attempt fails (500); the schedule's first retry is 5 s later.
        attempts = receiver.wait_for(2, timeout=_first_wait(api) + 15)
        assert len(attempts) == 2, api.problems()
        first, retry = attempts
        assert first.headers["webhook-id"] == retry.headers["webhook-id"]
        assert retry.at - first.at >= 4.5
        for attempt in attempts:
            webhooks.verify(attempt.body, attempt.headers, endpoint["secret"])
        shown = api.request("GET", f"/v1/webhook_endpoints/{endpoint['id']}", key=hooks_key)
        assert shown.body["failingSince"] is None  # healed by the retry's success
        event_id = retry.headers["webhook-id"]
        again = api.request("POST", f"/v1/events/{event_id}/redeliver", key=hooks_key)
        assert again.status == 202, again.text
        assert again.body["endpoints"] == [endpoint["id"]]
        redelivered = receiver.wait_for(3, timeout=10)
        assert len(redelivered) == 3, api.problems()
        assert redelivered[2].headers["webhook-id"] == event_id
    finally:
        receiver.close()
        api.request("DELETE", f"/v1/webhook_endpoints/{endpoint['id']}", key=hooks_key)


def test_endpoints_over_http_scope_workspace_and_405(api, hooks_key):
    receiver = _receiver(api)
    try:
        endpoint = _endpoint(api, hooks_key, receiver, events=["*"])
        assert (
            "secret"
            not in api.request("GET", f"/v1/webhook_endpoints/{endpoint['id']}", key=hooks_key).body
        )
        assert api.request("GET", f"/v1/webhook_endpoints/{endpoint['id']}").status == 404
        reader = api.cli(
            "keys", "create", "--workspace", "ws_e2e_hooks", "--scopes", "webhooks:read"
        )["key"]
        refused = api.request(
            "POST",
            "/v1/webhook_endpoints",
            json_body={"url": receiver.url(), "enabledEvents": ["*"]},
            key=reader,
        )
        assert refused.status == 403
        put = api.request("PUT", "/v1/webhook_endpoints", key=hooks_key)
        assert put.status == 405 and put.headers["Allow"] == "GET, POST"
        bad = api.request(
            "POST",
            "/v1/webhook_endpoints",
            json_body={"url": "ftp://x", "enabledEvents": ["*"]},
            key=hooks_key,
        )
        assert bad.status == 422 and bad.error["param"] == "url"
        gone = api.request("DELETE", f"/v1/webhook_endpoints/{endpoint['id']}", key=hooks_key)
        assert gone.status == 204
    finally:
        receiver.close()
