"""API keys over HTTP: request bodies and the API shape (the secret appears only in the
answer that minted it)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from plinth.models.auth import Scope
from plinth.models.key_items import ApiKeyItem
from plinth.models.resource import RESPONSE_CONFIG
from plinth.models.types import Timestamp
from plinth.timeutil import format_ms

_REQUEST = ConfigDict(strict=True, extra="forbid", frozen=True)
MAX_KEY_LIFETIME_S = 365 * 24 * 3600
MAX_ROLL_OVERLAP_S = 7 * 24 * 3600
KeyName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
KeyScope = Annotated[Scope, Field(strict=False)]  # from JSON: a string naming the scope


class ApiKeyCreate(BaseModel):
    """Body of POST /v1/api_keys: scopes this caller holds, a label, an optional lifetime."""

    model_config = _REQUEST

    scopes: Annotated[list[KeyScope], Field(min_length=1, max_length=len(Scope))]
    name: KeyName | None = None
    expires_in: Annotated[int, Field(ge=60, le=MAX_KEY_LIFETIME_S)] | None = Field(
        default=None,
        alias="expiresIn",
        description="Seconds until the key stops working (60 s to 1 year).",
    )


class ApiKeyRoll(BaseModel):
    """Body of POST /v1/api_keys/{id}/roll."""

    model_config = _REQUEST

    expires_in: Annotated[int, Field(ge=0, le=MAX_ROLL_OVERLAP_S)] = Field(
        default=0,
        alias="expiresIn",
        description="Seconds the old secret keeps working (0, the default: it stops now; "
        "at most 7 days).",
    )


class ApiKeyResponse(BaseModel):
    """A key as listed: never its secret or hash."""

    model_config = RESPONSE_CONFIG

    id: str
    object: Literal["api_key"] = "api_key"
    name: str | None
    prefix: str | None = Field(description="The secret's first characters.")
    scopes: list[str]
    created_at: Timestamp
    last_used_at: Timestamp | None = Field(description="To the minute; null if never used.")
    expires_at: Timestamp | None
    revoked_at: Timestamp | None

    @classmethod
    def from_item(cls, item: ApiKeyItem) -> ApiKeyResponse:
        return cls(**_fields(item))

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class ApiKeyCreated(ApiKeyResponse):
    """The answer that mints a key: the one time its secret is shown."""

    secret: str = Field(description="`Authorization: Bearer <secret>`. Shown only here.")

    @classmethod
    def minted(cls, item: ApiKeyItem, secret: str) -> ApiKeyCreated:
        return cls(**_fields(item), secret=secret)


def _fields(item: ApiKeyItem) -> dict[str, Any]:
    def at(value: int | None) -> str | None:
        return format_ms(value) if value is not None else None

    return {
        "id": item.keyId,
        "name": item.name,
        "prefix": item.prefix,
        "scopes": sorted(item.scopes),
        "created_at": format_ms(item.createdAt),
        "last_used_at": at(item.lastUsedAt),
        "expires_at": at(item.expiresAt),
        "revoked_at": at(item.revokedAt),
    }


class ApiKeyList(BaseModel):
    model_config = RESPONSE_CONFIG

    object: Literal["list"] = "list"
    data: list[ApiKeyResponse]
    has_more: bool
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")

    @classmethod
    def of(cls, items: list[ApiKeyItem], has_more: bool, next_cursor: str | None) -> ApiKeyList:
        return cls(
            data=[ApiKeyResponse.from_item(k) for k in items],
            has_more=has_more,
            next_cursor=next_cursor,
        )
