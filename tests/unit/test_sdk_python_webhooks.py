"""Python SDK: `plinth_client.webhooks` verifies deliveries per the Standard Webhooks spec,
on the spec's own test vector, and refuses every kind of forgery, replay and damage."""

from __future__ import annotations

import base64
import hmac
import json

import httpx
import pytest

import plinth_client
from plinth_client import PlinthError, WebhookVerificationError, webhooks
from tests.unit.sdk_support import event_body

# The Standard Webhooks test vector (github.com/standard-webhooks/standard-webhooks).
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
PAYLOAD = '{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _headers(signature: str = SIGNATURE, **overrides: str) -> dict[str, str]:
    return {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(TIMESTAMP),
        "webhook-signature": signature,
    } | overrides


def _verify(payload: str | bytes = PAYLOAD, headers=None, secret: str = SECRET, **options):
    options.setdefault("now", lambda: TIMESTAMP)
    return webhooks.verify(payload, _headers() if headers is None else headers, secret, **options)


# ---------------------------------------------------------------- the test vector
def test_the_standard_webhooks_test_vector_verifies_and_returns_the_parsed_body():
    assert _verify() == {"test": 2432232314}
    assert _verify(PAYLOAD.encode()) == {"test": 2432232314}


def test_sign_reproduces_the_test_vector():
    assert webhooks.sign(PAYLOAD, SECRET, MSG_ID, TIMESTAMP) == SIGNATURE
    assert webhooks.sign(PAYLOAD.encode(), SECRET, MSG_ID, TIMESTAMP) == SIGNATURE


def test_the_module_and_its_error_are_exported_from_the_package():
    assert plinth_client.webhooks is webhooks
    assert webhooks.WebhookVerificationError is WebhookVerificationError
    assert issubclass(WebhookVerificationError, PlinthError)
    assert {"webhooks", "WebhookVerificationError"} <= set(plinth_client.__all__)


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "payload",
    [
        '{"test": 2432232315}',  # one byte changed
        '{"test": 2432232314} ',  # one byte added
        '{"test":2432232314}',  # re-serialized: the signature covers the raw bytes
    ],
)
def test_a_changed_payload_is_refused(payload):
    with pytest.raises(WebhookVerificationError, match="signature"):
        _verify(payload)


def test_a_wrong_secret_is_refused():
    other = "whsec_" + base64.b64encode(b"another endpoint's key!!").decode()
    with pytest.raises(WebhookVerificationError, match="signature"):
        _verify(secret=other)


@pytest.mark.parametrize("secret", ["whsec_not base64!", "whsec_abc", "whsec_", ""])
def test_a_secret_that_is_not_base64_or_is_empty_is_refused(secret):
    with pytest.raises(WebhookVerificationError, match="secret"):
        _verify(secret=secret)
    with pytest.raises(WebhookVerificationError, match="secret"):
        webhooks.sign(PAYLOAD, secret, MSG_ID, TIMESTAMP)


def test_the_secret_works_with_or_without_its_prefix():
    assert _verify(secret=SECRET.removeprefix("whsec_")) == {"test": 2432232314}


@pytest.mark.parametrize("offset", [301, -301, 86_400])
def test_a_timestamp_more_than_the_tolerance_from_now_is_refused(offset):
    with pytest.raises(WebhookVerificationError, match="timestamp"):
        _verify(now=lambda: TIMESTAMP + offset)


@pytest.mark.parametrize("offset", [300, -300, 0.5])
def test_a_timestamp_within_the_tolerance_passes_either_way(offset):
    assert _verify(now=lambda: TIMESTAMP + offset) == {"test": 2432232314}


def test_a_clock_that_answers_nan_refuses_everything():
    with pytest.raises(WebhookVerificationError, match="timestamp"):
        _verify(now=lambda: float("nan"))


def test_the_tolerance_can_be_changed():
    assert _verify(now=lambda: TIMESTAMP + 3600, tolerance=3600) == {"test": 2432232314}
    with pytest.raises(WebhookVerificationError):
        _verify(now=lambda: TIMESTAMP + 11, tolerance=10)


def test_a_timestamp_301_s_off_is_refused_even_when_signed_for_it():
    """The signature covers the timestamp: a fresh timestamp cannot be pasted on."""
    late = TIMESTAMP + 301
    signed = webhooks.sign(PAYLOAD, SECRET, MSG_ID, late)
    with pytest.raises(WebhookVerificationError, match="timestamp"):
        _verify(headers=_headers(signed, **{"webhook-timestamp": str(late)}))
    with pytest.raises(WebhookVerificationError, match="signature"):
        _verify(headers=_headers(**{"webhook-timestamp": str(late)}), now=lambda: late)


def test_the_default_clock_is_the_real_one():
    # The test vector is from 2021: far outside 5 minutes of now.
    with pytest.raises(WebhookVerificationError, match="timestamp"):
        webhooks.verify(PAYLOAD, _headers(), SECRET)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_or_empty_header_is_refused(missing):
    headers = _headers()
    del headers[missing]
    with pytest.raises(WebhookVerificationError, match=missing):
        _verify(headers=headers)
    with pytest.raises(WebhookVerificationError, match=missing):
        _verify(headers=_headers() | {missing: ""})


def test_no_headers_at_all_is_refused():
    with pytest.raises(WebhookVerificationError):
        _verify(headers={})


@pytest.mark.parametrize(
    "timestamp", ["soon", "1614265330.0", "-1614265330", "\uff11\uff16\uff11\uff14"]
)
def test_a_timestamp_that_is_not_epoch_seconds_is_refused(timestamp):
    with pytest.raises(WebhookVerificationError, match="timestamp"):
        _verify(headers=_headers(**{"webhook-timestamp": timestamp}))


def test_only_a_v2_signature_is_refused():
    with pytest.raises(WebhookVerificationError, match="signature"):
        _verify(headers=_headers("v2," + SIGNATURE.removeprefix("v1,")))
    with pytest.raises(WebhookVerificationError, match="signature"):
        _verify(headers=_headers(SIGNATURE.removeprefix("v1,")))  # no version at all
    with pytest.raises(WebhookVerificationError, match="signature"):
        _verify(headers=_headers("v1a," + SIGNATURE.removeprefix("v1,")))


def test_another_message_id_is_refused():
    with pytest.raises(WebhookVerificationError, match="signature"):
        _verify(headers=_headers(**{"webhook-id": "msg_other"}))


# ---------------------------------------------------------------- several signatures
def test_any_matching_v1_signature_among_several_passes():
    wrong = "v1," + base64.b64encode(b"\0" * 32).decode()
    v2 = "v2," + SIGNATURE.removeprefix("v1,")
    for header in (
        f"{wrong} {SIGNATURE}",
        f"{SIGNATURE} {wrong}",
        f"{v2} {wrong} {SIGNATURE}",
        f"v1a,x {SIGNATURE}",
    ):
        assert _verify(headers=_headers(header)) == {"test": 2432232314}, header
    with pytest.raises(WebhookVerificationError):
        _verify(headers=_headers(f"{wrong} {v2}"))


def test_a_rolled_secret_the_old_and_new_signatures_both_verify():
    new = "whsec_" + base64.b64encode(b"the new key, 24 bytes ok").decode()
    header = f"{SIGNATURE} {webhooks.sign(PAYLOAD, new, MSG_ID, TIMESTAMP)}"
    assert _verify(headers=_headers(header)) == _verify(headers=_headers(header), secret=new)


def test_signatures_are_compared_in_constant_time(monkeypatch):
    compared = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhooks.hmac, "compare_digest", spy)
    wrong = "v1," + base64.b64encode(b"\0" * 32).decode()
    assert _verify(headers=_headers(f"{wrong} {SIGNATURE}")) == {"test": 2432232314}
    assert len(compared) == 2


# ---------------------------------------------------------------- headers and bodies
def test_header_names_are_looked_up_case_insensitively():
    headers = {
        "Webhook-Id": MSG_ID,
        "WEBHOOK-TIMESTAMP": str(TIMESTAMP),
        "Webhook-Signature": SIGNATURE,
    }
    assert _verify(headers=headers) == {"test": 2432232314}
    assert _verify(headers=httpx.Headers(headers)) == {"test": 2432232314}


def test_a_delivered_event_comes_back_as_the_event_json():
    event = event_body("evt_01J0000000000000000000000")
    body = json.dumps(event, separators=(",", ":"))
    headers = {
        "webhook-id": event["id"],
        "webhook-timestamp": "1735689600",
        "webhook-signature": webhooks.sign(body, SECRET, event["id"], 1735689600),
    }
    verified = webhooks.verify(body.encode(), headers, SECRET, now=lambda: 1735689601)
    assert verified == event
    assert plinth_client.Event.model_validate(verified).type == "resource.created"


def test_a_non_ascii_body_is_signed_as_utf8():
    body = '{"name": "café ☕"}'
    headers = _headers(webhooks.sign(body, SECRET, MSG_ID, TIMESTAMP))
    assert _verify(body, headers) == {"name": "café ☕"}
    assert _verify(body.encode(), headers) == {"name": "café ☕"}


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"event"', "null", ""])
def test_a_signed_body_that_is_not_a_json_object_is_refused(body):
    headers = _headers(webhooks.sign(body, SECRET, MSG_ID, TIMESTAMP))
    with pytest.raises(WebhookVerificationError, match="JSON"):
        _verify(body, headers)
