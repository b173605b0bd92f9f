"""Webhooks: endpoints, and the delivery of every event to the endpoints that want it.

The rules, with no AWS in them:

- **Signing** follows the Standard Webhooks spec: headers `webhook-id` (the event id, the
  same on every attempt: receivers deduplicate on it), `webhook-timestamp` (epoch seconds
  of this attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
  `<id>.<timestamp>.<body>` keyed with the secret's base64-decoded bytes).
- **Targets**: `https://` only, and never a private, loopback, link-local, multicast or
  reserved address (the metadata service is link-local) unless the deployment allows
  private targets (`plinth dev`). A host name is checked again at every delivery, on every
  address it resolves to, and the connection goes to the address that was checked, so a
  DNS answer that changes between check and connect (rebinding) cannot redirect it.
- **Retries**: an attempt that is not answered 2xx within the timeout is retried after
  5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (the Standard Webhooks schedule, about
  28 h in all); redirects are failures, never followed.
- **Disabling**: an endpoint whose deliveries have all failed since `failingSince`, for
  the disable period (5 days), is disabled; a success clears `failingSince`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from plinth import ids
from plinth.errors import NotFound, ValidationFailed
from plinth.logic.event_log import get_event
from plinth.logic.pagination import CursorScope, next_cursor, position_after
from plinth.models.event import Event, EventResponse
from plinth.models.webhook import (
    MAX_ENDPOINTS_PER_WORKSPACE,
    Delivery,
    EndpointStatus,
    WebhookEndpointCreate,
    WebhookEndpointItem,
)
from plinth.ports import DeliveryQueue, EventStore, WebhookEndpointStore, WebhookTransport
from plinth.timeutil import now_ms

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix, not a secret
CURSOR_KIND = "webhook_endpoints"
RETRY_SCHEDULE_S = (5, 300, 1800, 7200, 18000, 36000, 36000)
DISABLE_AFTER_MS = 5 * 86_400_000
_NOT_FOUND = "No such webhook endpoint."


# ---------------------------------------------------------------- signing
def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(secret: str, message_id: str, timestamp_s: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp_s}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, message_id: str, timestamp_s: int, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "Plinth-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp_s),
        "webhook-signature": signature(secret, message_id, timestamp_s, body),
    }


# ---------------------------------------------------------------- targets
def is_public_address(address: str) -> bool:
    """An address anyone on the internet could reach: not private, loopback, link-local
    (169.254.169.254, the metadata service), shared, multicast, reserved or unspecified;
    IPv4-mapped IPv6 is judged as the IPv4 address it maps."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, if deliveries may go there; else 422 `param: url`."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise ValidationFailed("url has an invalid port.", param="url") from None
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes:
        raise ValidationFailed(
            f"url must start with {' or '.join(sorted(schemes))}://.", param="url"
        )
    host = parts.hostname or ""
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise ValidationFailed("url needs a host, and no user, password or fragment.", param="url")
    if port == 0:
        raise ValidationFailed("url has an invalid port.", param="url")
    if not allow_private and not _public_host(host):
        raise ValidationFailed(
            "url must name a public host: private, loopback, link-local and metadata "
            "addresses are refused.",
            param="url",
        )
    return url


def _public_host(host: str) -> bool:
    try:
        return is_public_address(host)
    except ValueError:  # a name, checked again on each address it resolves to
        return host != "localhost" and not host.endswith((".localhost", ".internal", ".local"))


# ---------------------------------------------------------------- endpoints
@dataclass(frozen=True, slots=True)
class WebhookServices:
    """What the webhook API functions work with."""

    endpoints: WebhookEndpointStore
    events: EventStore
    queue: DeliveryQueue
    allow_private: bool


def create_endpoint(
    workspace_id: str,
    body: WebhookEndpointCreate,
    services: WebhookServices,
    clock: Callable[[], int] = now_ms,
) -> WebhookEndpointItem:
    check_url(body.url, allow_private=services.allow_private)
    store = services.endpoints
    if len(store.all_for(workspace_id)) >= MAX_ENDPOINTS_PER_WORKSPACE:
        raise ValidationFailed(
            f"A workspace has at most {MAX_ENDPOINTS_PER_WORKSPACE} webhook endpoints.",
            param="url",
        )
    item = WebhookEndpointItem(
        workspaceId=workspace_id,
        id=ids.new_webhook_endpoint_id(),
        url=body.url,
        enabledEvents=sorted(set(body.enabled_events)),
        description=body.description,
        secret=new_secret(),
        createdAt=clock(),
    )
    store.put(item)
    return item


def get_endpoint(
    workspace_id: str, endpoint_id: str, store: WebhookEndpointStore
) -> WebhookEndpointItem:
    """The endpoint if it is this workspace's; 404 exactly as for an id that never existed."""
    found = store.get(workspace_id, endpoint_id) if _is_endpoint_id(endpoint_id) else None
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found


def delete_endpoint(workspace_id: str, endpoint_id: str, store: WebhookEndpointStore) -> None:
    """Deleted at once: queued deliveries to it are dropped when their turn comes."""
    if not _is_endpoint_id(endpoint_id) or not store.delete(workspace_id, endpoint_id):
        raise NotFound(_NOT_FOUND)


def _is_endpoint_id(value: str) -> bool:
    return ids.is_id(value, ids.WEBHOOK_ENDPOINT_PREFIX)


@dataclass(frozen=True, slots=True)
class EndpointPage:
    items: list[WebhookEndpointItem]
    has_more: bool
    next_cursor: str | None


def list_endpoints(
    workspace_id: str,
    store: WebhookEndpointStore,
    signing_key: bytes,
    *,
    limit: int,
    cursor: str | None,
) -> EndpointPage:
    scope = CursorScope(CURSOR_KIND, ids.WEBHOOK_ENDPOINT_PREFIX, workspace_id, None)
    after_id = position_after(signing_key, cursor, scope)
    items, has_more = store.page(workspace_id, limit=limit, after_id=after_id)
    last_id = items[-1].id if items else None
    return EndpointPage(items, has_more, next_cursor(signing_key, scope, last_id, has_more))


# ---------------------------------------------------------------- dispatch
def payload(event: Event) -> str:
    """The delivered body: the event exactly as GET /v1/events/{id} shows it."""
    return EventResponse.from_domain(event).model_dump_json(by_alias=True)


def dispatch(
    event: Event,
    store: WebhookEndpointStore,
    queue: DeliveryQueue,
    only: str | None = None,
) -> list[str]:
    """Queue one delivery of `event` per enabled endpoint that wants its type (or only to
    `only`); returns the endpoints' ids."""
    endpoints = [
        e
        for e in store.all_for(event.workspace_id)
        if e.wants(event.type.value) and (only is None or e.id == only)
    ]
    body = payload(event)
    queue.send(
        [
            Delivery(
                workspaceId=event.workspace_id,
                endpointId=e.id,
                eventId=event.id,
                payload=body,
            )
            for e in endpoints
        ]
    )
    return [e.id for e in endpoints]


def redeliver(
    workspace_id: str,
    event_id: str,
    services: WebhookServices,
    *,
    only: str | None,
    clock: Callable[[], int] = now_ms,
) -> list[str]:
    """Queue the event again (404 for an unknown event, or an unknown `only` endpoint)."""
    endpoints, queue = services.endpoints, services.queue
    event = get_event(workspace_id, event_id, services.events, clock)
    if only is not None:
        endpoint = get_endpoint(workspace_id, only, endpoints)
        if not endpoint.wants(event.type.value):
            raise ValidationFailed(
                f"Endpoint {only} is disabled or does not receive {event.type.value} events.",
                param="endpoint",
            )
    return dispatch(event, endpoints, queue, only)


# ---------------------------------------------------------------- delivery
class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # failed; the message returns after `retry_in_s`
    GAVE_UP = "gave_up"  # failed, and the schedule is spent
    DROPPED = "dropped"  # the endpoint is gone or disabled


@dataclass(frozen=True, slots=True)
class Attempt:
    outcome: Outcome
    status: int | None = None  # the receiver's HTTP status, if it answered
    retry_in_s: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    schedule_s: tuple[int, ...] = RETRY_SCHEDULE_S
    disable_after_ms: int = DISABLE_AFTER_MS


def deliver(
    delivery: Delivery,
    attempt: int,
    store: WebhookEndpointStore,
    transport: WebhookTransport,
    *,
    policy: DeliveryPolicy,
    clock: Callable[[], int] = now_ms,
) -> Attempt:
    """Attempt number `attempt` (1 for the first) of one delivery."""
    endpoint = store.get(delivery.workspaceId, delivery.endpointId)
    if endpoint is None or endpoint.status is EndpointStatus.DISABLED:
        return Attempt(Outcome.DROPPED)
    now = clock()
    headers = signed_headers(endpoint.secret, delivery.eventId, now // 1000, delivery.payload)
    status, error = transport.post(endpoint.url, headers, delivery.payload)
    if status is not None and 200 <= status < 300:
        if endpoint.failingSince is not None:
            store.record_success(endpoint)
        return Attempt(Outcome.DELIVERED, status)
    failing = store.record_failure(endpoint, now)
    if failing.failingSince is not None and now - failing.failingSince >= policy.disable_after_ms:
        store.disable(failing, now)
    delay = retry_delay(attempt, policy.schedule_s)
    if delay is None:
        return Attempt(Outcome.GAVE_UP, status, error=error)
    return Attempt(Outcome.RETRY, status, retry_in_s=delay, error=error)


def retry_delay(attempt: int, schedule_s: tuple[int, ...]) -> int | None:
    """Seconds before attempt `attempt + 1`, or None after the last one."""
    return schedule_s[attempt - 1] if 1 <= attempt <= len(schedule_s) else None


def parse_schedule(text: str) -> tuple[int, ...]:
    """`"5,300,1800"` → (5, 300, 1800): each delay 0 s to 12 h (SQS's visibility bound)."""
    delays = tuple(int(part) for part in text.split(",") if part.strip())
    if not delays or any(not 0 <= d <= 43_200 for d in delays):
        raise ValueError(f"invalid webhook retry schedule {text!r}")
    return delays
