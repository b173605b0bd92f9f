"""API keys over HTTP, inside the caller's workspace: a key grants only scopes its
creator holds, and every read or change of another workspace's key is a 404."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from plinth import ids
from plinth.errors import Forbidden, NotFound
from plinth.logic.keys import create_key, revoke_key
from plinth.logic.pagination import CursorScope, next_cursor, position_after
from plinth.models.auth import Caller
from plinth.models.key_items import ApiKeyItem
from plinth.ports import KeyStore, VerdictCache, WorkspaceStore
from plinth.timeutil import now_ms

CURSOR_KIND = "api_keys"
_NOT_FOUND = "No such API key."


@dataclass(frozen=True, slots=True)
class KeyServices:
    """What changing a key touches: the keys, their workspaces, the gateway's verdicts."""

    keys: KeyStore
    workspaces: WorkspaceStore
    verdicts: VerdictCache


@dataclass(frozen=True, slots=True)
class KeyPage:
    items: list[ApiKeyItem]
    has_more: bool
    next_cursor: str | None


def _grantable(caller: Caller, scopes: Iterable[str]) -> None:
    missing = sorted(set(scopes) - caller.scopes)
    if missing:
        raise Forbidden(
            f"A key can grant only scopes it holds; this one lacks {', '.join(missing)}.",
            param="scopes",
        )


def issue_key(
    caller: Caller,
    scopes: Iterable[str],
    keys: KeyStore,
    workspaces: WorkspaceStore,
    *,
    name: str | None = None,
    expires_in_s: int | None = None,
    clock: Callable[[], int] = now_ms,
) -> tuple[ApiKeyItem, str]:
    wanted = sorted(set(scopes))
    _grantable(caller, wanted)
    now = clock()
    expires_at = now + expires_in_s * 1000 if expires_in_s is not None else None
    return create_key(
        caller.workspace_id, wanted, keys, workspaces, lambda: now, name=name, expires_at=expires_at
    )


def workspace_key(workspace_id: str, key_id: str, keys: KeyStore) -> ApiKeyItem:
    """The key if it is this workspace's; 404 exactly as for an id that never existed."""
    if not ids.is_id(key_id, ids.KEY_PREFIX):
        raise NotFound(_NOT_FOUND)
    item = keys.get(key_id)
    if item is None or item.workspaceId != workspace_id:
        raise NotFound(_NOT_FOUND)
    return item


def list_keys_page(
    workspace_id: str, *, limit: int, cursor: str | None, keys: KeyStore, signing_key: bytes
) -> KeyPage:
    scope = CursorScope(CURSOR_KIND, ids.KEY_PREFIX, workspace_id, None)
    after_id = position_after(signing_key, cursor, scope)
    items, has_more = keys.page(workspace_id, limit=limit, after_id=after_id)
    last_id = items[-1].keyId if items else None
    return KeyPage(items, has_more, next_cursor(signing_key, scope, last_id, has_more))


def revoke_workspace_key(
    workspace_id: str,
    key_id: str,
    keys: KeyStore,
    verdicts: VerdictCache,
    clock: Callable[[], int] = now_ms,
) -> ApiKeyItem:
    """Revoked at once (the gateway's cached verdicts flushed); revoking twice is a no-op."""
    workspace_key(workspace_id, key_id, keys)
    return revoke_key(key_id, keys, verdicts, clock)


def roll_key(
    caller: Caller,
    key_id: str,
    overlap_s: int,
    services: KeyServices,
    clock: Callable[[], int] = now_ms,
) -> tuple[ApiKeyItem, str]:
    """A new key with the old one's scopes, name and expiry; the old secret works for
    `overlap_s` more seconds (0: revoked now). The new key exists before the old one
    stops, so the workspace is never left without a working key."""
    keys = services.keys
    old = workspace_key(caller.workspace_id, key_id, keys)
    now = clock()
    if not old.usable_at(now):
        raise NotFound("No such API key: it is revoked or expired, so there is nothing to roll.")
    _grantable(caller, old.scopes)  # else rolling would hand out a stronger secret
    new, secret = create_key(
        caller.workspace_id,
        old.scopes,
        keys,
        services.workspaces,
        lambda: now,
        name=old.name,
        expires_at=old.expiresAt,
    )
    if overlap_s == 0:
        keys.revoke(key_id, now)
    else:
        keys.expire(old.keyHash, now + overlap_s * 1000)
    services.verdicts.flush()  # cached verdicts carry no expiry yet: the next request re-authorizes
    return new, secret
