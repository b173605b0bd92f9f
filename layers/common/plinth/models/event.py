"""Events (the workspace's audit log): types, the domain object and the API shape.

The stored shape is `plinth.models.items.EventItem`; the mapping from table changes to
events is `plinth.logic.events`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from plinth.models.resource import RESPONSE_CONFIG
from plinth.models.types import Timestamp
from plinth.timeutil import format_ms

# How long an event stays listed (and in the table, through TTL on `expiresAt`).
RETENTION_DAYS = 30
RETENTION_MS = RETENTION_DAYS * 86_400_000


class EventType(StrEnum):
    RESOURCE_CREATED = "resource.created"
    RESOURCE_UPDATED = "resource.updated"
    RESOURCE_DELETED = "resource.deleted"
    JOB_CREATED = "job.created"
    JOB_RUNNING = "job.running"
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    API_KEY_CREATED = "api_key.created"
    API_KEY_UPDATED = "api_key.updated"
    API_KEY_REVOKED = "api_key.revoked"


EventTypeFilter = Annotated[EventType, Field(strict=False)]


class Event(BaseModel):
    """The domain object: `data` is the object's public JSON, as its GET returns it."""

    model_config = ConfigDict(frozen=True)

    id: str
    workspace_id: str
    type: EventType
    created_at: int
    data: dict[str, Any]


class EventData(BaseModel):
    model_config = RESPONSE_CONFIG

    object: dict[str, Any] = Field(
        description="The object as its GET endpoint returns it; for a deletion, as it was "
        "before. An API key's view never holds its hash or secret."
    )


class EventResponse(BaseModel):
    model_config = RESPONSE_CONFIG

    id: str
    object: Literal["event"] = "event"
    type: EventType
    created_at: Timestamp
    data: EventData

    @classmethod
    def from_domain(cls, event: Event) -> EventResponse:
        return cls(
            id=event.id,
            type=event.type,
            created_at=format_ms(event.created_at),
            data=EventData(object=event.data),
        )


class EventList(BaseModel):
    """A page of events, shaped like every list (`ResourceList`)."""

    model_config = RESPONSE_CONFIG

    object: Literal["list"] = "list"
    data: list[EventResponse]
    has_more: bool
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")

    @classmethod
    def of(cls, events: list[Event], has_more: bool, next_cursor: str | None) -> EventList:
        return cls(
            data=[EventResponse.from_domain(e) for e in events],
            has_more=has_more,
            next_cursor=next_cursor,
        )
