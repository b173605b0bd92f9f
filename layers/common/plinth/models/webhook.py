"""Webhook endpoints: request bodies, the stored item, the API shape (the signing secret
appears only in the answer that created the endpoint) and the delivery message.

The rules (who may be called, how a delivery is signed, when it is retried and when an
endpoint is disabled) are `plinth.logic.webhooks`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from plinth.models.event import EventType
from plinth.models.resource import RESPONSE_CONFIG
from plinth.models.types import Timestamp
from plinth.timeutil import format_ms

_REQUEST = ConfigDict(strict=True, extra="forbid", frozen=True)
_ITEM = ConfigDict(frozen=True, extra="ignore")
MAX_URL_LENGTH = 2048
MAX_ENDPOINTS_PER_WORKSPACE = 16
ALL_EVENTS = "*"

# JSON gives a string: an event type, or "*" for every type (today's and future ones).
_ENABLED_EVENTS = [ALL_EVENTS, *(t.value for t in EventType)]


def _enabled_event(value: str) -> str:
    if value not in _ENABLED_EVENTS:
        raise ValueError(f"must be one of {', '.join(_ENABLED_EVENTS)}")
    return value


EnabledEvent = Annotated[
    str,
    AfterValidator(_enabled_event),
    WithJsonSchema(
        {"type": "string", "enum": _ENABLED_EVENTS, "description": 'An event type, or `"*"`.'}
    ),
]
Url = Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_LENGTH)]
Description = Annotated[str, StringConstraints(max_length=200)]


class EndpointStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"  # after sustained failure; deliveries stop


class WebhookEndpointCreate(BaseModel):
    """Body of POST /v1/webhook_endpoints."""

    model_config = _REQUEST

    url: Url = Field(
        description="Where deliveries are POSTed: `https://` with a public host (in AWS, "
        "private, loopback, link-local and metadata addresses are refused)."
    )
    enabled_events: Annotated[list[EnabledEvent], Field(min_length=1, max_length=32)] = Field(
        alias="enabledEvents", description="The event types delivered here."
    )
    description: Description | None = None


class WebhookEndpointItem(BaseModel):
    """A stored endpoint: `workspaceId` (HASH), `id` (RANGE). The secret is stored
    (encrypted at rest): every delivery is signed with it."""

    model_config = _ITEM

    workspaceId: str  # noqa: N815
    id: str
    url: str
    enabledEvents: list[str]  # noqa: N815
    description: str | None = None
    secret: str
    status: EndpointStatus = EndpointStatus.ENABLED
    createdAt: int  # noqa: N815
    failingSince: int | None = None  # noqa: N815 - the first failure since the last success
    disabledAt: int | None = None  # noqa: N815

    def wants(self, event_type: str) -> bool:
        return self.status is EndpointStatus.ENABLED and (
            ALL_EVENTS in self.enabledEvents or event_type in self.enabledEvents
        )


class WebhookEndpointResponse(BaseModel):
    """An endpoint as listed: never its secret."""

    model_config = RESPONSE_CONFIG

    id: str
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    url: str
    enabled_events: list[str]
    description: str | None
    status: EndpointStatus = Field(
        description="`disabled` after its deliveries failed for the disable period "
        "(5 days); nothing is delivered to a disabled endpoint."
    )
    created_at: Timestamp
    failing_since: Timestamp | None = Field(
        description="The first failed delivery since the last success; null when healthy."
    )
    disabled_at: Timestamp | None

    @classmethod
    def from_item(cls, item: WebhookEndpointItem) -> WebhookEndpointResponse:
        return cls(**_fields(item))

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class WebhookEndpointCreated(WebhookEndpointResponse):
    """The answer that creates an endpoint: the one time its signing secret is shown."""

    secret: str = Field(
        description="`whsec_` and the base64 key that signs deliveries (Standard Webhooks). "
        "Shown only here."
    )

    @classmethod
    def created(cls, item: WebhookEndpointItem) -> WebhookEndpointCreated:
        return cls(**_fields(item), secret=item.secret)


def _fields(item: WebhookEndpointItem) -> dict[str, Any]:
    def at(value: int | None) -> str | None:
        return format_ms(value) if value is not None else None

    return {
        "id": item.id,
        "url": item.url,
        "enabled_events": item.enabledEvents,
        "description": item.description,
        "status": item.status,
        "created_at": format_ms(item.createdAt),
        "failing_since": at(item.failingSince),
        "disabled_at": at(item.disabledAt),
    }


class WebhookEndpointList(BaseModel):
    model_config = RESPONSE_CONFIG

    object: Literal["list"] = "list"
    data: list[WebhookEndpointResponse]
    has_more: bool
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")

    @classmethod
    def of(
        cls, items: list[WebhookEndpointItem], has_more: bool, next_cursor: str | None
    ) -> WebhookEndpointList:
        return cls(
            data=[WebhookEndpointResponse.from_item(e) for e in items],
            has_more=has_more,
            next_cursor=next_cursor,
        )


class RedeliverRequest(BaseModel):
    """Body of POST /v1/events/{id}/redeliver (optional: every matching endpoint)."""

    model_config = _REQUEST

    endpoint: str | None = Field(
        default=None, description="Only this endpoint (`we_…`); else every enabled one."
    )


class Redelivery(BaseModel):
    model_config = RESPONSE_CONFIG

    object: Literal["redelivery"] = "redelivery"
    event: str
    endpoints: list[str] = Field(description="The endpoints the event was queued for.")


class Delivery(BaseModel):
    """One SQS message: one event for one endpoint. The body is the signed payload itself
    (the event exactly as GET /v1/events/{id} shows it), so sending reads only the endpoint."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    workspaceId: str  # noqa: N815
    endpointId: str  # noqa: N815
    eventId: str  # noqa: N815
    payload: str
