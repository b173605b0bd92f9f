"""Prefixed, time-sortable identifiers.

Resource, job and key ids carry a ULID body: 48 bits of millisecond time then 80 bits
of randomness, in Crockford base32. Within one millisecond in one process the body is
incremented instead of redrawn, so ids minted by one process sort in creation order and
DynamoDB sort keys give newest-first lists for free.

SnapStart: the generator's state (last millisecond, last random value) is in the snapshot,
so two environments restored from it in the same millisecond would increment the same
value. An after-restore hook forgets that state, so each environment's next id draws
fresh randomness (from os.urandom, as every new millisecond does).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable

from plinth.snapstart import register_after_restore

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BODY_LEN = 26
_RANDOM_BITS = 80
_MAX_RANDOM = (1 << _RANDOM_BITS) - 1

RESOURCE_PREFIX = "res_"
JOB_PREFIX = "job_"
KEY_PREFIX = "key_"
EVENT_PREFIX = "evt_"
WEBHOOK_ENDPOINT_PREFIX = "we_"
WORKSPACE_PREFIX = "ws_"

_ULID_BODY = f"[{_ALPHABET}]{{{_BODY_LEN}}}"
WORKSPACE_ID_PATTERN = r"^ws_[A-Za-z0-9_-]{1,64}$"


class UlidGenerator:
    """Monotonic ULID bodies; thread-safe."""

    def __init__(self, clock_ms: Callable[[], int] | None = None) -> None:
        self._clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random = 0

    def reseed(self) -> None:
        """Forget the monotonic state: the next id draws new randomness."""
        with self._lock:
            self._last_ms = -1
            self._last_random = 0

    def new(self) -> str:
        with self._lock:
            now = self._clock_ms()
            if now <= self._last_ms:
                # Same (or an earlier, skewed) millisecond: keep the last time, bump randomness.
                now = self._last_ms
                if self._last_random == _MAX_RANDOM:
                    now += 1
                    self._last_random = secrets.randbits(_RANDOM_BITS) >> 1
                else:
                    self._last_random += 1
            else:
                # Leave headroom in the random part so increments rarely overflow.
                self._last_random = secrets.randbits(_RANDOM_BITS) >> 1
            self._last_ms = now
            return encode_ulid(now, self._last_random)


def _int_to_body(value: int) -> str:
    chars = []
    for _ in range(_BODY_LEN):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _body_to_int(body: str) -> int:
    value = 0
    for char in body:
        value = (value << 5) | _ALPHABET.index(char)
    return value


def encode_ulid(timestamp_ms: int, randomness: int) -> str:
    return _int_to_body((timestamp_ms << _RANDOM_BITS) | randomness)


def ulid_timestamp_ms(body: str) -> int:
    return _body_to_int(body) >> _RANDOM_BITS


def ulid_to_bytes(body: str) -> bytes:
    """The 16 raw bytes of a ULID body (its 128-bit value)."""
    return _body_to_int(body).to_bytes(16, "big")


def ulid_from_bytes(raw: bytes) -> str:
    return _int_to_body(int.from_bytes(raw, "big"))


_generator = UlidGenerator()
register_after_restore(_generator.reseed)


def new_resource_id() -> str:
    return RESOURCE_PREFIX + _generator.new()


def new_job_id() -> str:
    return JOB_PREFIX + _generator.new()


def new_key_id() -> str:
    return KEY_PREFIX + _generator.new()


def new_webhook_endpoint_id() -> str:
    return WEBHOOK_ENDPOINT_PREFIX + _generator.new()


def derived_id(prefix: str, timestamp_ms: int, seed: str, index: int) -> str:
    """A deterministic, time-sortable id: the same (seed, index) always gives the same id,
    and ids of one seed sort by index (index < 2**20)."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") >> 4
    return prefix + encode_ulid(timestamp_ms, (digest << 20) | index)


def id_pattern(prefix: str) -> str:
    """The pattern of a well-formed id of this type, for `re` and JSON Schema alike."""
    return f"^{re.escape(prefix)}{_ULID_BODY}$"


def id_length(prefix: str) -> int:
    """The length of every id of this type: the prefix and a ULID body."""
    return len(prefix) + _BODY_LEN


def record_id(prefix: str, timestamp_ms: int, record: str) -> str:
    """A deterministic id for one stream record: its time, then 80 bits of the record id's
    SHA-256, so a redelivered record always gets the same id."""
    digest = int.from_bytes(hashlib.sha256(record.encode()).digest()[:10], "big")
    return prefix + encode_ulid(timestamp_ms, digest)


def lowest_id(prefix: str, timestamp_ms: int) -> str:
    """The smallest id of this millisecond: ids after it were minted at or after it."""
    return prefix + encode_ulid(timestamp_ms, 0)


def is_id(value: str, prefix: str) -> bool:
    """True when `value` is a well-formed id of this type (cheap check before any lookup)."""
    return re.fullmatch(id_pattern(prefix), value) is not None


def is_workspace_id(value: str) -> bool:
    return re.fullmatch(WORKSPACE_ID_PATTERN, value) is not None
