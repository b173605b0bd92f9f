"""The payload Powertools validates is the body's JSON meaning, not its bytes."""

from __future__ import annotations

import json
import random

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plinth.http.idempotency import _config

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
BODIES = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=6)


def _layer():
    layer = DynamoDBPersistenceLayer(table_name="unused", boto3_client=object())
    layer.configure(_config(), "test", key_prefix="plinth")
    return layer


def _shuffled(value, rng):
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def _request(body):
    return {"workspace": "ws_a", "endpoint": "POST /v1/resources", "key": "k", "body": body}


@settings(
    max_examples=200,
    deadline=None,  # shared, noisy machines
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=BODIES, seed=st.integers(0, 2**32), indent=st.sampled_from([None, 0, 2, 7]))
def test_key_order_and_whitespace_do_not_change_the_payload_hash(body, seed, indent):
    layer = _layer()
    rng = random.Random(seed)
    reformatted = json.loads(
        json.dumps(_shuffled(body, rng), indent=indent, separators=(" , ", " :  "))
    )
    assert layer._get_hashed_payload(_request(reformatted)) == layer._get_hashed_payload(
        _request(body)
    )


@given(body=BODIES, extra=st.text(min_size=1, max_size=5))
def test_a_different_body_changes_the_payload_hash(body, extra):
    layer = _layer()
    changed = body | {"\x00" + extra: 1}
    assert layer._get_hashed_payload(_request(changed)) != layer._get_hashed_payload(_request(body))


def test_the_key_is_workspace_endpoint_and_header_only():
    layer = _layer()
    a = layer._get_hashed_idempotency_key(_request({"name": "x"}))
    b = layer._get_hashed_idempotency_key(_request({"name": "y"}))
    other = layer._get_hashed_idempotency_key(_request({"name": "x"}) | {"workspace": "ws_b"})
    assert a == b != other
    assert a.startswith("plinth#")
