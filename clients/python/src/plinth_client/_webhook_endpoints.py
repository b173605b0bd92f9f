"""`client.webhook_endpoints`, sync and async: create, list, get and delete the URLs events
are delivered to. Verify what arrives with `plinth_client.webhooks.verify`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from plinth_client._models import (
    AsyncPage,
    EventType,
    Page,
    WebhookEndpoint,
    WebhookEndpointCreated,
)
from plinth_client._resources import _id

if TYPE_CHECKING:
    from plinth_client._client import AsyncPlinth, Plinth


def _create_body(
    url: str, enabled_events: Sequence[EventType | Literal["*"]], description: str | None
) -> Any:
    body: dict[str, Any] = {"url": url, "enabledEvents": list(enabled_events)}
    if description is not None:
        body["description"] = description
    return body


class WebhookEndpoints:
    """Where events are POSTed (scopes `webhooks:read`, `webhooks:write`), signed per
    Standard Webhooks, retried for about 28 hours."""

    def __init__(self, client: Plinth) -> None:
        self._client = client

    def create(
        self,
        *,
        url: str,
        enabled_events: Sequence[EventType | Literal["*"]],
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookEndpointCreated:
        """A new endpoint for these event types (`"*"`: all); `secret`, which signs its
        deliveries, is shown only here."""
        data = self._client.request(
            "POST",
            "/webhook_endpoints",
            body=_create_body(url, enabled_events, description),
            idempotency_key=idempotency_key,
        )
        return WebhookEndpointCreated.model_validate(data)

    def get(self, id: str) -> WebhookEndpoint:
        data = self._client.request("GET", f"/webhook_endpoints/{_id(id)}")
        return WebhookEndpoint.model_validate(data)

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> Page[WebhookEndpoint]:
        data = self._client.request(
            "GET", "/webhook_endpoints", params={"limit": limit, "cursor": cursor}
        )
        page = Page[WebhookEndpoint].model_validate(data)
        page._fetch = lambda next_cursor: self.list(limit=limit, cursor=next_cursor)
        return page

    def delete(self, id: str) -> None:
        """Deleted at once; deliveries still queued for it are dropped."""
        self._client.request("DELETE", f"/webhook_endpoints/{_id(id)}")


class AsyncWebhookEndpoints:
    def __init__(self, client: AsyncPlinth) -> None:
        self._client = client

    async def create(
        self,
        *,
        url: str,
        enabled_events: Sequence[EventType | Literal["*"]],
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookEndpointCreated:
        data = await self._client.request(
            "POST",
            "/webhook_endpoints",
            body=_create_body(url, enabled_events, description),
            idempotency_key=idempotency_key,
        )
        return WebhookEndpointCreated.model_validate(data)

    async def get(self, id: str) -> WebhookEndpoint:
        data = await self._client.request("GET", f"/webhook_endpoints/{_id(id)}")
        return WebhookEndpoint.model_validate(data)

    async def list(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> AsyncPage[WebhookEndpoint]:
        data = await self._client.request(
            "GET", "/webhook_endpoints", params={"limit": limit, "cursor": cursor}
        )
        page = AsyncPage[WebhookEndpoint].model_validate(data)

        async def fetch(next_cursor: str) -> AsyncPage[WebhookEndpoint]:
            return await self.list(limit=limit, cursor=next_cursor)

        page._fetch = fetch
        return page

    async def delete(self, id: str) -> None:
        await self._client.request("DELETE", f"/webhook_endpoints/{_id(id)}")
