"""Who is calling: the authorizer's verdict, carried in the request context."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Scope(StrEnum):
    READ = "resources:read"
    WRITE = "resources:write"
    KEYS_READ = "keys:read"
    KEYS_WRITE = "keys:write"
    EVENTS_READ = "events:read"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"


class Caller(BaseModel):
    model_config = ConfigDict(frozen=True)

    workspace_id: str
    key_id: str
    scopes: frozenset[str]
    rate_limit: int | None
    expires_at: int | None = None  # epoch ms: a rolled key's old secret stops then

    def to_authorizer_context(self) -> dict[str, str | int]:
        """API Gateway context values must be strings, numbers or booleans."""
        context: dict[str, str | int] = {
            "workspaceId": self.workspace_id,
            "keyId": self.key_id,
            "scopes": ",".join(sorted(self.scopes)),
        }
        if self.rate_limit is not None:
            context["rateLimit"] = self.rate_limit
        if self.expires_at is not None:
            context["expiresAt"] = self.expires_at
        return context

    @classmethod
    def from_authorizer_context(cls, context: dict[str, Any]) -> Caller:
        raw_limit = context.get("rateLimit")
        raw_expiry = context.get("expiresAt")
        return cls(
            workspace_id=str(context["workspaceId"]),
            key_id=str(context["keyId"]),
            scopes=frozenset(s for s in str(context.get("scopes", "")).split(",") if s),
            rate_limit=int(raw_limit) if raw_limit not in (None, "") else None,
            expires_at=int(raw_expiry) if raw_expiry not in (None, "") else None,
        )
