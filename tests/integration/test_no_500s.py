"""No input gives a 500 (SPEC §3): random bodies, query strings and headers."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(["name", "description", "status", "metadata", "resources", "nmae", ""])
BODIES = st.one_of(
    JSON,
    st.dictionaries(FIELDS, JSON, max_size=4),
    st.builds(
        lambda items: {"resources": items},
        st.lists(st.dictionaries(FIELDS, JSON, max_size=3), max_size=4),
    ),
)
RAW = st.one_of(BODIES.map(json.dumps), st.text(max_size=60), st.binary(max_size=60))
ENDPOINTS = [
    ("POST", "/v1/resources"),
    ("PATCH", "/v1/resources/res_01JGZ9A5B7C9D1E3F5G7H9J1K3"),
    ("POST", "/v1/resources/bulk"),
    ("POST", "/v1/resources/export"),
]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _assert_clean(response):
    assert response.status < 500, response.text
    if response.status >= 400:
        assert set(response.body) == {"error"}
        assert set(response.error) == {"code", "message", "param"}
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@SETTINGS
@given(
    raw=RAW,
    content_type=st.sampled_from(["application/json", "text/plain", "multipart/form-data", ""]),
)
def test_random_bodies_never_500(api, method, path, raw, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    _assert_clean(api.request(method, path, raw_body=raw, headers=headers))


@SETTINGS
@given(
    query=st.dictionaries(
        st.sampled_from(["limit", "status", "cursor", "offset", "x"]),
        st.text(max_size=40),
        max_size=4,
    ),
    path=st.sampled_from(["/v1/resources", "/v1/jobs"]),
)
def test_random_list_queries_never_500(api, query, path):
    _assert_clean(api.request("GET", path, query=query))


@SETTINGS
@given(key=st.text(max_size=300), body=BODIES)
def test_random_idempotency_keys_never_500(api, key, body):
    _assert_clean(
        api.request("POST", "/v1/resources", json_body=body, headers={"Idempotency-Key": key})
    )
