"""The API keys and workspaces tables' items, apart from `plinth.models.items` so that the
key functions and the authorizer load no job or resource models at cold start."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

_ITEM = ConfigDict(frozen=True, extra="ignore")


class ApiKeyItem(BaseModel):
    """An API key. Only the SHA-256 of the secret is stored; it is the partition key."""

    model_config = _ITEM

    keyHash: str  # noqa: N815
    keyId: str  # noqa: N815
    workspaceId: str  # noqa: N815
    scopes: list[str]
    createdAt: int  # noqa: N815
    revokedAt: int | None = None  # noqa: N815
    name: str | None = None
    prefix: str | None = None  # the secret's first characters, to tell keys apart
    expiresAt: int | None = None  # noqa: N815 - set by a roll (or at creation)
    lastUsedAt: int | None = None  # noqa: N815 - refreshed at most once a minute

    def usable_at(self, now_ms: int) -> bool:
        return self.revokedAt is None and (self.expiresAt is None or now_ms < self.expiresAt)


class WorkspaceItem(BaseModel):
    model_config = _ITEM

    workspaceId: str  # noqa: N815
    rateLimit: int | None = None  # noqa: N815
    createdAt: int  # noqa: N815
    updatedAt: int  # noqa: N815
