"""The events table's item, apart from `plinth.models.items` so that the event functions
and the webhook dispatcher load no job or resource models at cold start (as
`plinth.models.key_items` does for the key functions)."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict

from plinth.models.event import RETENTION_MS, Event, EventType


def type_key(workspace_id: str, event_type: str) -> str:
    """Partition key of the events' `byType` GSI: one partition per (workspace, type)."""
    return f"{workspace_id}#{event_type}"


class EventItem(BaseModel):
    """An event. `data` is stored as JSON text: the object exactly as it was shown, with no
    DynamoDB number or empty-value conversions. `expiresAt` (epoch seconds) is its TTL."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    workspaceId: str  # noqa: N815
    id: str
    workspaceType: str  # noqa: N815
    type: EventType
    createdAt: int  # noqa: N815
    data: str
    expiresAt: int  # noqa: N815

    @classmethod
    def from_domain(cls, event: Event) -> EventItem:
        return cls(
            workspaceId=event.workspace_id,
            id=event.id,
            workspaceType=type_key(event.workspace_id, event.type),
            type=event.type,
            createdAt=event.created_at,
            data=json.dumps(event.data, ensure_ascii=False, separators=(",", ":")),
            expiresAt=(event.created_at + RETENTION_MS) // 1000,
        )

    def to_domain(self) -> Event:
        return Event(
            id=self.id,
            workspace_id=self.workspaceId,
            type=self.type,
            created_at=self.createdAt,
            data=json.loads(self.data),
        )
