"""API keys: minting, hashing and checking bearer tokens."""

from __future__ import annotations

import hashlib
import re
import secrets

from plinth.errors import Forbidden, Unauthorized
from plinth.models.auth import Caller
from plinth.ports import KeyStore, WorkspaceStore

KEY_PREFIX = "sk_"
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


def authenticate(header: str | None, keys: KeyStore, workspaces: WorkspaceStore) -> Caller:
    """Two GetItems: the key by its hash, then its workspace (for the rate limit)."""
    key = keys.find_by_hash(hash_secret(parse_bearer(header)))
    if key is None or key.revokedAt is not None:
        raise Unauthorized("Missing or invalid API key.")
    workspace = workspaces.get(key.workspaceId)
    if workspace is None:
        raise Unauthorized("Missing or invalid API key.")
    return Caller(
        workspace_id=key.workspaceId,
        key_id=key.keyId,
        scopes=frozenset(key.scopes),
        rate_limit=workspace.rateLimit,
    )


def require_scope(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise Forbidden(f"This API key lacks the '{scope}' scope.")
