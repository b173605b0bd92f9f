"""Admin use cases behind the `plinth` CLI: workspaces and API keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from plinth import ids
from plinth.errors import NotFound, ValidationFailed
from plinth.logic.auth import SHOWN_PREFIX, hash_secret, mint_secret
from plinth.models.auth import Scope
from plinth.models.key_items import ApiKeyItem, WorkspaceItem
from plinth.ports import KeyStore, VerdictCache, WorkspaceStore
from plinth.timeutil import now_ms

VALID_SCOPES = frozenset(s.value for s in Scope)


def create_workspace(
    workspace_id: str,
    rate_limit: int | None,
    workspaces: WorkspaceStore,
    clock: Callable[[], int] = now_ms,
) -> WorkspaceItem:
    if not ids.is_workspace_id(workspace_id):
        raise ValidationFailed(
            "Workspace ids look like ws_<1-64 of A-Z a-z 0-9 _ ->.", param="workspace"
        )
    if rate_limit is not None and rate_limit < 1:
        raise ValidationFailed(
            "The rate limit must be at least 1 request per second.", param="rate_limit"
        )
    return workspaces.upsert(workspace_id, rate_limit, clock())


def create_key(
    workspace_id: str,
    scopes: Iterable[str],
    keys: KeyStore,
    workspaces: WorkspaceStore,
    clock: Callable[[], int] = now_ms,
    *,
    name: str | None = None,
    expires_at: int | None = None,
) -> tuple[ApiKeyItem, str]:
    """Mint a key; returns the stored item and the secret, which is never stored."""
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in VALID_SCOPES]
    if unknown or not wanted:
        raise ValidationFailed(
            f"Scopes must be some of {', '.join(sorted(VALID_SCOPES))}.", param="scopes"
        )
    if workspaces.get(workspace_id) is None:
        raise NotFound(f"No workspace {workspace_id}; create it first.", param="workspace")
    secret = mint_secret()
    item = ApiKeyItem(
        keyHash=hash_secret(secret),
        keyId=ids.new_key_id(),
        workspaceId=workspace_id,
        scopes=wanted,
        createdAt=clock(),
        name=name,
        prefix=secret[:SHOWN_PREFIX],
        expiresAt=expires_at,
    )
    keys.put(item)
    return item, secret


def revoke_key(
    key_id: str, keys: KeyStore, verdicts: VerdictCache, clock: Callable[[], int] = now_ms
) -> ApiKeyItem:
    """Revoked, then the gateway's cached verdicts flushed, so the key's next request is
    refused. A failed flush raises after the revocation: revoking again is a no-op that
    flushes again."""
    revoked = keys.revoke(key_id, clock())
    verdicts.flush()
    return revoked


def list_keys(workspace_id: str, keys: KeyStore) -> list[ApiKeyItem]:
    return sorted(keys.list_for_workspace(workspace_id), key=lambda k: k.keyId)
