"""Reading the audit log: one event, a page of events (newest first, optional type).

Only the last `RETENTION_DAYS` are visible: DynamoDB's TTL deletes expired events up to
a few days late (and moto never does), so every read bounds the id at now - 30 days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plinth import ids
from plinth.errors import NotFound
from plinth.logic.pagination import CursorScope, next_cursor, position_after
from plinth.models.event import RETENTION_MS, Event, EventType
from plinth.ports import EventStore
from plinth.timeutil import now_ms

CURSOR_KIND = "events"
_NOT_FOUND = "No such event."


def oldest_visible_id(now: int) -> str:
    """Ids above this one are inside the retention window."""
    return ids.lowest_id(ids.EVENT_PREFIX, now - RETENTION_MS)


def get_event(
    workspace_id: str, event_id: str, store: EventStore, clock: Callable[[], int] = now_ms
) -> Event:
    if not ids.is_id(event_id, ids.EVENT_PREFIX) or event_id <= oldest_visible_id(clock()):
        raise NotFound(_NOT_FOUND)
    return store.get(workspace_id, event_id)


@dataclass(frozen=True, slots=True)
class EventPage:
    items: list[Event]
    has_more: bool
    next_cursor: str | None


def list_events(
    workspace_id: str,
    store: EventStore,
    signing_key: bytes,
    *,
    limit: int,
    event_type: EventType | None,
    cursor: str | None,
    clock: Callable[[], int] = now_ms,
) -> EventPage:
    scope = CursorScope(CURSOR_KIND, ids.EVENT_PREFIX, workspace_id, event_type)
    after_id = position_after(signing_key, cursor, scope)
    floor = oldest_visible_id(clock())
    if after_id is not None and after_id <= floor:
        return EventPage(items=[], has_more=False, next_cursor=None)  # the rest expired
    items, has_more = store.list(
        workspace_id, limit=limit, event_type=event_type, after_id=after_id, newer_than=floor
    )
    last_id = items[-1].id if items else None
    return EventPage(items, has_more, next_cursor(signing_key, scope, last_id, has_more))
