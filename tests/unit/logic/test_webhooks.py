"""Webhook rules (plinth.logic.webhooks) on in-memory ports: signing (the Standard
Webhooks test vector), targets (SSRF), endpoints, dispatch, the retry schedule and
disabling."""

from __future__ import annotations

import base64

import pytest

from plinth.errors import NotFound, ValidationFailed
from plinth.logic import webhooks as wh
from plinth.models.event import Event, EventType
from plinth.models.webhook import EndpointStatus, WebhookEndpointCreate
from tests.unit.logic.fakes import (
    InMemoryDeliveries,
    InMemoryEvents,
    InMemoryWebhookEndpoints,
    ScriptedTransport,
)

NOW = 1_735_689_600_000
EVENT = Event(
    id="evt_01JGZ9A5B7C9D1E3F5G7H9J1K3",
    workspace_id="ws_a",
    type=EventType.RESOURCE_CREATED,
    created_at=NOW,
    data={"id": "res_01JGZ9A5B7C9D1E3F5G7H9J1K3", "object": "resource", "name": "x"},
)


def _services(
    store: InMemoryWebhookEndpoints,
    events: InMemoryEvents | None = None,
    queue: InMemoryDeliveries | None = None,
) -> wh.WebhookServices:
    return wh.WebhookServices(
        store, events or InMemoryEvents(), queue or InMemoryDeliveries(), allow_private=False
    )


def _endpoint(store: InMemoryWebhookEndpoints, events: list[str], ws: str = "ws_a") -> str:
    body = WebhookEndpointCreate.model_validate(
        {"url": "https://hooks.example.com/in", "enabledEvents": events}
    )
    return wh.create_endpoint(ws, body, _services(store)).id


def test_the_signature_is_the_standard_webhooks_test_vector() -> None:
    # github.com/standard-webhooks/standard-webhooks, libraries' shared test vector.
    assert (
        wh.signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            '{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_new_secret_is_whsec_and_24_random_bytes() -> None:
    first, second = wh.new_secret(), wh.new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 24


def test_signed_headers_name_the_event_and_the_attempt_time() -> None:
    headers = wh.signed_headers("whsec_" + base64.b64encode(b"k" * 24).decode(), "evt_1", 17, "{}")
    assert headers["webhook-id"] == "evt_1"
    assert headers["webhook-timestamp"] == "17"
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",  # the instance metadata service
        "100.64.0.1",  # shared (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:169.254.169.254",  # IPv4-mapped metadata
        "fd00:ec2::254",  # the metadata service over IPv6
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not wh.is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert wh.is_public_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/in",
        "ftp://hooks.example.com/in",
        "https://169.254.169.254/latest/meta-data",
        "https://10.1.2.3/in",
        "https://[::1]/in",
        "https://localhost/in",
        "https://metadata.google.internal/",
        "https://user:pw@hooks.example.com/in",
        "https:///in",
        "https://hooks.example.com:0/in",
        "https://hooks.example.com:99999/in",
        "https://hooks.example.com/in#frag",
    ],
)
def test_urls_deliveries_may_not_go_to_answer_422_url(url: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        wh.check_url(url, allow_private=False)
    assert refused.value.param == "url"


def test_plinth_dev_allows_http_and_loopback_but_still_not_other_schemes() -> None:
    assert wh.check_url("http://127.0.0.1:8080/in", allow_private=True)
    with pytest.raises(ValidationFailed):
        wh.check_url("file:///etc/passwd", allow_private=True)


def test_a_workspace_has_at_most_16_endpoints() -> None:
    store = InMemoryWebhookEndpoints()
    for _ in range(16):
        _endpoint(store, ["*"])
    _endpoint(store, ["*"], ws="ws_b")  # another workspace's count is its own
    with pytest.raises(ValidationFailed):
        _endpoint(store, ["*"])


def test_endpoints_are_the_workspaces_own() -> None:
    store = InMemoryWebhookEndpoints()
    endpoint_id = _endpoint(store, ["*"])
    assert wh.get_endpoint("ws_a", endpoint_id, store).id == endpoint_id
    for ws, ident in [("ws_b", endpoint_id), ("ws_a", "we_nope"), ("ws_a", "../x")]:
        with pytest.raises(NotFound):
            wh.get_endpoint(ws, ident, store)
    with pytest.raises(NotFound):
        wh.delete_endpoint("ws_b", endpoint_id, store)
    wh.delete_endpoint("ws_a", endpoint_id, store)
    with pytest.raises(NotFound):
        wh.delete_endpoint("ws_a", endpoint_id, store)


def test_dispatch_queues_one_delivery_per_endpoint_that_wants_the_type() -> None:
    store, queue = InMemoryWebhookEndpoints(), InMemoryDeliveries()
    everything = _endpoint(store, ["*"])
    created = _endpoint(store, ["resource.created"])
    _endpoint(store, ["resource.deleted"])
    _endpoint(store, ["*"], ws="ws_b")
    disabled = _endpoint(store, ["*"])
    store.disable(store.items[("ws_a", disabled)], NOW)
    sent = wh.dispatch(EVENT, store, queue)
    assert sorted(sent) == sorted([everything, created])
    assert {d.endpointId for d in queue.sent} == {everything, created}
    assert all(d.eventId == EVENT.id and d.payload == wh.payload(EVENT) for d in queue.sent)


def test_redeliver_to_one_endpoint_or_all_and_404_for_unknown() -> None:
    store, queue, events = InMemoryWebhookEndpoints(), InMemoryDeliveries(), InMemoryEvents()
    events.put(EVENT)
    services = _services(store, events, queue)
    one, other = _endpoint(store, ["*"]), _endpoint(store, ["*"])
    event_id = EVENT.id
    recent = lambda: NOW  # noqa: E731
    assert wh.redeliver("ws_a", event_id, services, only=one, clock=recent) == [one]
    assert sorted(wh.redeliver("ws_a", event_id, services, only=None, clock=recent)) == sorted(
        [one, other]
    )
    with pytest.raises(NotFound):
        wh.redeliver("ws_b", event_id, services, only=None, clock=recent)
    with pytest.raises(NotFound):
        wh.redeliver("ws_a", event_id, services, only="we_x", clock=recent)
    picky = _endpoint(store, ["job.failed"])
    with pytest.raises(ValidationFailed) as refused:
        wh.redeliver("ws_a", event_id, services, only=picky, clock=recent)
    assert refused.value.param == "endpoint"


def _delivery(store: InMemoryWebhookEndpoints) -> wh.Delivery:
    queue = InMemoryDeliveries()
    wh.dispatch(EVENT, store, queue)
    return queue.sent[0]


def test_a_2xx_delivers_signed_with_the_endpoints_secret() -> None:
    store, transport = InMemoryWebhookEndpoints(), ScriptedTransport([204])
    endpoint_id = _endpoint(store, ["*"])
    delivery = _delivery(store)
    result = wh.deliver(
        delivery, 1, store, transport, policy=wh.DeliveryPolicy(), clock=lambda: NOW
    )
    assert result.outcome is wh.Outcome.DELIVERED
    url, headers, body = transport.posts[0]
    secret = store.items[("ws_a", endpoint_id)].secret
    assert url == "https://hooks.example.com/in" and body == delivery.payload
    assert headers["webhook-signature"] == wh.signature(secret, EVENT.id, NOW // 1000, body)


@pytest.mark.parametrize("answer", [500, 301, 404, None])
def test_anything_but_2xx_is_retried_on_the_schedule(answer: int | None) -> None:
    store = InMemoryWebhookEndpoints()
    _endpoint(store, ["*"])
    delivery = _delivery(store)
    delays = [
        wh.deliver(
            delivery,
            n,
            store,
            ScriptedTransport([answer]),
            policy=wh.DeliveryPolicy(),
            clock=lambda: NOW,
        )
        for n in range(1, 9)
    ]
    assert [d.retry_in_s for d in delays[:7]] == list(wh.RETRY_SCHEDULE_S)
    assert all(d.outcome is wh.Outcome.RETRY for d in delays[:7])
    assert delays[7].outcome is wh.Outcome.GAVE_UP
    assert sum(wh.RETRY_SCHEDULE_S) >= 24 * 3600


def test_sustained_failure_disables_the_endpoint_and_a_success_heals_it() -> None:
    store = InMemoryWebhookEndpoints()
    endpoint_id = _endpoint(store, ["*"])
    delivery = _delivery(store)
    policy = wh.DeliveryPolicy(disable_after_ms=1000)
    failing = ScriptedTransport([500])
    wh.deliver(delivery, 1, store, failing, policy=policy, clock=lambda: NOW)
    assert store.items[("ws_a", endpoint_id)].failingSince == NOW
    wh.deliver(delivery, 2, store, ScriptedTransport([200]), policy=policy, clock=lambda: NOW + 1)
    assert store.items[("ws_a", endpoint_id)].failingSince is None  # healed
    wh.deliver(delivery, 1, store, failing, policy=policy, clock=lambda: NOW + 2)
    wh.deliver(delivery, 2, store, failing, policy=policy, clock=lambda: NOW + 500)
    assert store.items[("ws_a", endpoint_id)].status is EndpointStatus.ENABLED
    wh.deliver(delivery, 3, store, failing, policy=policy, clock=lambda: NOW + 1002)
    item = store.items[("ws_a", endpoint_id)]
    assert item.status is EndpointStatus.DISABLED and item.disabledAt == NOW + 1002
    # Nothing more goes to a disabled (or deleted) endpoint.
    after = wh.deliver(delivery, 4, store, failing, policy=policy, clock=lambda: NOW + 2000)
    assert after.outcome is wh.Outcome.DROPPED and len(failing.posts) == 4
    store.delete("ws_a", endpoint_id)
    assert wh.deliver(delivery, 1, store, failing, policy=policy).outcome is wh.Outcome.DROPPED


def test_schedules_parse_within_sqs_visibility_bounds() -> None:
    assert wh.parse_schedule("1, 2,3") == (1, 2, 3)
    for bad in ["", "-1", "43201", "x"]:
        with pytest.raises(ValueError):
            wh.parse_schedule(bad)
