"""`client.api_keys`, sync and async: mint, list, get, revoke and roll keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from plinth_client._models import ApiKey, ApiKeyCreated, AsyncPage, Page
from plinth_client._resources import _id

if TYPE_CHECKING:
    from plinth_client._client import AsyncPlinth, Plinth


def _create_body(scopes: Sequence[str], name: str | None, expires_in: int | None) -> Any:
    body: dict[str, Any] = {"scopes": list(scopes)}
    if name is not None:
        body["name"] = name
    if expires_in is not None:
        body["expiresIn"] = expires_in
    return body


class ApiKeys:
    def __init__(self, client: Plinth) -> None:
        self._client = client

    def create(
        self,
        *,
        scopes: Sequence[str],
        name: str | None = None,
        expires_in: int | None = None,
        idempotency_key: str | None = None,
    ) -> ApiKeyCreated:
        """A new key with some of the calling key's scopes; `secret` is shown only here."""
        data = self._client.request(
            "POST",
            "/api_keys",
            body=_create_body(scopes, name, expires_in),
            idempotency_key=idempotency_key,
        )
        return ApiKeyCreated.model_validate(data)

    def get(self, id: str) -> ApiKey:
        return ApiKey.model_validate(self._client.request("GET", f"/api_keys/{_id(id)}"))

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> Page[ApiKey]:
        data = self._client.request("GET", "/api_keys", params={"limit": limit, "cursor": cursor})
        page = Page[ApiKey].model_validate(data)
        page._fetch = lambda next_cursor: self.list(limit=limit, cursor=next_cursor)
        return page

    def revoke(self, id: str) -> ApiKey:
        """Refused from its next request on; revoking again changes nothing."""
        return ApiKey.model_validate(self._client.request("DELETE", f"/api_keys/{_id(id)}"))

    def roll(
        self, id: str, *, expires_in: int = 0, idempotency_key: str | None = None
    ) -> ApiKeyCreated:
        """A new secret; the old one works `expires_in` more seconds (0: it stops now)."""
        data = self._client.request(
            "POST",
            f"/api_keys/{_id(id)}/roll",
            body={"expiresIn": expires_in},
            idempotency_key=idempotency_key,
        )
        return ApiKeyCreated.model_validate(data)


class AsyncApiKeys:
    def __init__(self, client: AsyncPlinth) -> None:
        self._client = client

    async def create(
        self,
        *,
        scopes: Sequence[str],
        name: str | None = None,
        expires_in: int | None = None,
        idempotency_key: str | None = None,
    ) -> ApiKeyCreated:
        data = await self._client.request(
            "POST",
            "/api_keys",
            body=_create_body(scopes, name, expires_in),
            idempotency_key=idempotency_key,
        )
        return ApiKeyCreated.model_validate(data)

    async def get(self, id: str) -> ApiKey:
        return ApiKey.model_validate(await self._client.request("GET", f"/api_keys/{_id(id)}"))

    async def list(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[ApiKey]:
        data = await self._client.request(
            "GET", "/api_keys", params={"limit": limit, "cursor": cursor}
        )
        page = AsyncPage[ApiKey].model_validate(data)

        async def fetch(next_cursor: str) -> AsyncPage[ApiKey]:
            return await self.list(limit=limit, cursor=next_cursor)

        page._fetch = fetch
        return page

    async def revoke(self, id: str) -> ApiKey:
        data = await self._client.request("DELETE", f"/api_keys/{_id(id)}")
        return ApiKey.model_validate(data)

    async def roll(
        self, id: str, *, expires_in: int = 0, idempotency_key: str | None = None
    ) -> ApiKeyCreated:
        data = await self._client.request(
            "POST",
            f"/api_keys/{_id(id)}/roll",
            body={"expiresIn": expires_in},
            idempotency_key=idempotency_key,
        )
        return ApiKeyCreated.model_validate(data)
