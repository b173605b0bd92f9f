"""Verify the webhook deliveries Plinth sends, per the Standard Webhooks spec.

Each delivery is a POST whose body is the event (as `GET /v1/events/{id}` returns it), with
headers `webhook-id` (the event id, the same on every retry and redelivery: deduplicate on
it), `webhook-timestamp` (epoch seconds of this attempt) and `webhook-signature`
(space-separated `v1,<base64>` signatures):

    event = plinth_client.webhooks.verify(raw_body, request.headers, secret)

Pass the body exactly as received, before any JSON parsing: the signature covers its bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from plinth_client._exceptions import WebhookVerificationError

__all__ = ["DEFAULT_TOLERANCE", "WebhookVerificationError", "sign", "verify"]

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix, not a secret
DEFAULT_TOLERANCE = 300
"""Seconds a delivery's timestamp may be from now, either way (replays are refused)."""


def _key(secret: str) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:  # an empty key would let anyone sign
        raise WebhookVerificationError(
            "the secret is not `whsec_` and base64: pass the endpoint's secret as created"
        )
    return key


def _bytes(payload: str | bytes) -> bytes:
    return payload.encode() if isinstance(payload, str) else bytes(payload)


def _signature(key: bytes, msg_id: str, timestamp: str, payload: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + payload
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def sign(payload: str | bytes, secret: str, msg_id: str, timestamp: int) -> str:
    """The `webhook-signature` value Plinth would send: `v1,<base64>` (for receivers' tests)."""
    return "v1," + _signature(_key(secret), msg_id, str(int(timestamp)), _bytes(payload))


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:  # a plain dict: look the name up case-insensitively
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    if not value:
        raise WebhookVerificationError(f"missing header {name}")
    return value


def verify(
    payload: str | bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """The delivered event (its JSON body, parsed), once the delivery is shown to come from
    Plinth: one `v1` signature in `webhook-signature` is this secret's, and
    `webhook-timestamp` is within `tolerance` seconds of `now()` (default `time.time`).
    Anything else raises `WebhookVerificationError`; answer it with a 400."""
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise WebhookVerificationError("webhook-timestamp is not epoch seconds")
    current = (now or time.time)()
    if not abs(current - int(timestamp)) <= tolerance:  # NaN is refused too
        raise WebhookVerificationError(
            f"webhook-timestamp is more than {tolerance} s from now (a replay, or a clock off)"
        )
    body = _bytes(payload)
    expected = _signature(_key(secret), msg_id, timestamp, body).encode()
    matched = False
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        # Every v1 signature is compared, so the time taken says nothing of which matched.
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            matched = True
    if not matched:
        raise WebhookVerificationError("no v1 signature in webhook-signature matches")
    try:
        event = json.loads(body)
    except ValueError:
        raise WebhookVerificationError("the body is not JSON") from None
    if not isinstance(event, dict):
        raise WebhookVerificationError("the body is not a JSON object")
    return event
