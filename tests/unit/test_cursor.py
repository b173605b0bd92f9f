import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plinth import ids
from plinth.cursor import InvalidCursor, decode_cursor, encode_cursor

KEY = b"k" * 32
ULID_BODIES = st.builds(ids.encode_ulid, st.integers(0, 2**48 - 1), st.integers(0, 2**80 - 1))
FILTERS = st.one_of(st.none(), st.sampled_from(["active", "paused", "archived"]))


def _encode(workspace="ws_a", filter_value=None, last_id="res_01JGZ9A5B7C9D1E3F5G7H9J1K3"):
    return encode_cursor(
        KEY, kind="resources", workspace_id=workspace, filter_value=filter_value, last_id=last_id
    )


def _decode(token, workspace="ws_a", filter_value=None):
    return decode_cursor(
        KEY,
        token,
        kind="resources",
        workspace_id=workspace,
        filter_value=filter_value,
        prefix="res_",
    )


@given(body=ULID_BODIES, workspace=st.from_regex(r"ws_[a-z0-9]{1,20}", fullmatch=True), flt=FILTERS)
def test_cursor_round_trips(body, workspace, flt):
    token = _encode(workspace, flt, "res_" + body)
    assert _decode(token, workspace, flt) == "res_" + body


@given(body=ULID_BODIES, position=st.integers(0, 45), flip=st.integers(1, 255))
def test_cursor_with_any_edited_byte_is_rejected(body, position, flip):
    token = _encode(last_id="res_" + body)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[position % len(raw)] ^= flip
    edited = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(InvalidCursor):
        _decode(edited)


@given(body=ULID_BODIES, cut=st.integers(1, 43))
def test_truncated_cursor_is_rejected(body, cut):
    token = _encode(last_id="res_" + body)
    with pytest.raises(InvalidCursor):
        _decode(token[:-cut])


@given(garbage=st.text(max_size=80))
def test_garbage_cursor_is_rejected(garbage):
    with pytest.raises(InvalidCursor):
        _decode(garbage)


def test_cursor_is_bound_to_workspace_and_filter():
    token = _encode("ws_a", "active")
    with pytest.raises(InvalidCursor):
        _decode(token, "ws_b", "active")
    with pytest.raises(InvalidCursor):
        _decode(token, "ws_a", "paused")
    with pytest.raises(InvalidCursor):
        _decode(token, "ws_a", None)


def test_cursor_exposes_no_table_keys_or_ids():
    token = _encode("ws_secretworkspace", "active")
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    for leak in (b"workspaceId", b"ws_", b"res_", b"active", b"01JGZ9A5"):
        assert leak not in decoded
    assert "res_" not in token and "ws_" not in token


def test_cursor_signed_with_another_key_is_rejected():
    token = encode_cursor(
        b"x" * 32,
        kind="resources",
        workspace_id="ws_a",
        filter_value=None,
        last_id="res_01JGZ9A5B7C9D1E3F5G7H9J1K3",
    )
    with pytest.raises(InvalidCursor):
        _decode(token)
