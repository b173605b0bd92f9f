"""Opaque, signed list cursors (SPEC §5).

A cursor is base64url of: version byte, the 16 raw bytes of the last returned id's ULID
body, and a 16-byte HMAC-SHA256 tag over (version, list kind, workspace, filter, position).
It carries no attribute names, no workspace id and no table keys: the position is the id
of an item the caller has already seen, in binary. The tag binds the cursor to the
workspace and the filter, so a cursor from another workspace or filter, or one that was
edited, truncated or invented, fails verification.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from plinth.ids import ulid_from_bytes, ulid_to_bytes

_VERSION = 1
_ID_BYTES = 16
_TAG_BYTES = 16
_LENGTH = 1 + _ID_BYTES + _TAG_BYTES


class InvalidCursor(ValueError):
    """The cursor was not issued by this API for this workspace and filter."""


def _tag(key: bytes, kind: str, workspace_id: str, filter_value: str | None, raw: bytes) -> bytes:
    message = b"\x00".join(
        [
            bytes([_VERSION]),
            kind.encode(),
            workspace_id.encode(),
            (filter_value or "").encode(),
            raw,
        ]
    )
    return hmac.new(key, message, hashlib.sha256).digest()[:_TAG_BYTES]


def encode_cursor(
    key: bytes, *, kind: str, workspace_id: str, filter_value: str | None, last_id: str
) -> str:
    """`last_id` is a prefixed id (`res_…`); `kind` is the prefix-free list name."""
    _, _, body = last_id.partition("_")
    raw = ulid_to_bytes(body)
    token = bytes([_VERSION]) + raw + _tag(key, kind, workspace_id, filter_value, raw)
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")


def decode_cursor(
    key: bytes, token: str, *, kind: str, workspace_id: str, filter_value: str | None, prefix: str
) -> str:
    """Return the id the next page starts after, or raise `InvalidCursor`."""
    try:
        padded = token + "=" * (-len(token) % 4)
        raw_token = base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise InvalidCursor("cursor is not valid base64url") from exc
    # Re-encoding must give back the exact token: rejects non-canonical edits of the last char.
    canonical = base64.urlsafe_b64encode(raw_token).rstrip(b"=").decode("ascii")
    if len(raw_token) != _LENGTH or raw_token[0] != _VERSION or canonical != token:
        raise InvalidCursor("cursor has the wrong shape")
    raw = raw_token[1 : 1 + _ID_BYTES]
    expected = _tag(key, kind, workspace_id, filter_value, raw)
    if not hmac.compare_digest(expected, raw_token[1 + _ID_BYTES :]):
        raise InvalidCursor("cursor signature does not match")
    return prefix + ulid_from_bytes(raw)
