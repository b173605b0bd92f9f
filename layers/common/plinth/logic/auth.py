"""API keys: minting, hashing and checking bearer tokens."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable

from plinth.errors import DependencyUnavailable, Forbidden, Unauthorized
from plinth.models.auth import Caller
from plinth.ports import KeyStore, WorkspaceStore
from plinth.timeutil import now_ms

KEY_PREFIX = "sk_"
SHOWN_PREFIX = 8  # `prefix`: "sk_" and 5 of the 43 random characters (~30 of 256 bits)
LAST_USED_EVERY_MS = 60_000
log = logging.getLogger(__name__)
# 32 random bytes → 43 base64url characters.
_KEY_PATTERN = re.compile(r"^sk_[A-Za-z0-9_-]{32,128}$")
# The scheme name is case-insensitive (RFC 9110 §11.1).
_BEARER = re.compile(r"^Bearer ([^\s]+)$", re.IGNORECASE)


def mint_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_bearer(header: str | None) -> str:
    """The key inside `Authorization: Bearer <key>`, or 401."""
    match = _BEARER.match(header or "")
    if match is None or _KEY_PATTERN.match(match.group(1)) is None:
        raise Unauthorized("Missing or invalid API key.")
    return match.group(1)


def single_authorization(multi_value_headers: dict[str, list[str]] | None) -> None:
    """One `Authorization` header, or 401: with two, which key is the caller's would be
    up to whichever copy a proxy, the gateway or its authorizer cache happens to read."""
    sent = [
        value
        for name, values in (multi_value_headers or {}).items()
        if name.lower() == "authorization"
        for value in values or []
    ]
    if len(sent) > 1:
        raise Unauthorized("Send exactly one Authorization header.", param="Authorization")


def authenticate(
    header: str | None,
    keys: KeyStore,
    workspaces: WorkspaceStore,
    clock: Callable[[], int] = now_ms,
) -> Caller:
    """Two GetItems: the key by its hash, then its workspace (for the rate limit); and,
    at most once a minute per key, an UpdateItem recording its use (best effort)."""
    now = clock()
    key = keys.find_by_hash(hash_secret(parse_bearer(header)))
    if key is None or not key.usable_at(now):
        raise Unauthorized("Missing or invalid API key.")
    workspace = workspaces.get(key.workspaceId)
    if workspace is None:
        raise Unauthorized("Missing or invalid API key.")
    if key.lastUsedAt is None or now - key.lastUsedAt >= LAST_USED_EVERY_MS:
        _mark_used(keys, key.keyHash, now)
    return Caller(
        workspace_id=key.workspaceId,
        key_id=key.keyId,
        scopes=frozenset(key.scopes),
        rate_limit=workspace.rateLimit,
        expires_at=key.expiresAt,
    )


def _mark_used(keys: KeyStore, key_hash: str, now: int) -> None:
    """`lastUsedAt` is a convenience: failing to record it never refuses a request."""
    try:
        keys.mark_used(key_hash, now, now - LAST_USED_EVERY_MS)
    except DependencyUnavailable:
        log.warning("could not record the key's use", exc_info=True)


def check_not_expired(caller: Caller, clock: Callable[[], int] = now_ms) -> None:
    """A verdict cached by the gateway outlives the key's expiry (a rolled key): refuse
    it here at the millisecond it expires."""
    if caller.expires_at is not None and clock() >= caller.expires_at:
        raise Unauthorized("Missing or invalid API key.")


def require_scope(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise Forbidden(f"This API key lacks the '{scope}' scope.")
