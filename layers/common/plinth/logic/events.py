"""Table changes → events: which change is an event, of what type, showing what.

The recorder (`plinth.streams`) decodes each DynamoDB Streams record into a `Change`;
`record_change` writes the event it stands for, if any. Pure rules, no AWS:

- resources: created, updated (only when the public view changed), deleted (the view as
  it was before the deletion);
- jobs: created, then `job.<status>` on each status change, never for a checkpoint,
  heartbeat or lease write;
- API keys: created, revoked, updated (another change of the public view, such as an
  expiry set by a roll); a change of `lastUsedAt` alone is no event. The view never holds
  the key's hash or secret.

An event's id is derived from the stream record (`ids.record_id`), so a redelivered record
meets its own event (`put` answers False) instead of writing a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from plinth import ids
from plinth.models.api_key import ApiKeyResponse
from plinth.models.event import Event, EventType
from plinth.models.items import JobItem, ResourceItem
from plinth.models.job import JobResponse, JobStatus, JobType
from plinth.models.key_items import ApiKeyItem
from plinth.models.resource import ResourceResponse
from plinth.ports import EventStore

Image = dict[str, Any]


class Source(StrEnum):
    """The table a change happened in."""

    RESOURCES = "resources"
    JOBS = "jobs"
    API_KEYS = "api_keys"


class Outcome(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # a redelivered record: its event is already there
    IGNORED = "ignored"  # a change that is no event


@dataclass(frozen=True, slots=True)
class Change:
    """One stream record: where, what, the images before and after, and its identity."""

    source: Source
    action: Literal["INSERT", "MODIFY", "REMOVE"]
    record_id: str  # the stream record's eventID
    at_ms: int  # ApproximateCreationDateTime, in milliseconds
    old: Image | None = None
    new: Image | None = None


def resource_view(image: Image) -> dict[str, Any]:
    return ResourceResponse.from_domain(
        ResourceItem.model_validate(image).to_domain()
    ).to_json_dict()


def job_view(image: Image) -> dict[str, Any]:
    """The job as GET shows it, but an export's `result` holds only `count`: its download
    URL is signed when read (GET /v1/jobs/{id}) and would expire inside the log."""
    job = JobItem.model_validate(image).to_domain()
    exported = job.type is JobType.EXPORT and job.result is not None
    result = job.result if job.status is JobStatus.COMPLETED and not exported else None
    view = JobResponse.from_domain(job, result).to_json_dict()
    if exported and job.status is JobStatus.COMPLETED and job.result is not None:
        view["result"] = {"count": job.result["count"]}
    return view


def key_view(image: Image) -> dict[str, Any]:
    """An API key exactly as GET /v1/api_keys/{id} shows it: never its hash."""
    return ApiKeyResponse.from_item(ApiKeyItem.model_validate(image)).to_json_dict()


def _resource_event(change: Change) -> tuple[EventType, Image] | None:
    if change.new is None:
        return EventType.RESOURCE_DELETED, resource_view(change.old or {})
    view = resource_view(change.new)
    if change.old is None:
        return EventType.RESOURCE_CREATED, view
    return (EventType.RESOURCE_UPDATED, view) if view != resource_view(change.old) else None


def _job_event(change: Change) -> tuple[EventType, Image] | None:
    if change.new is None:
        return None  # jobs are never deleted by the API
    if change.old is None:
        return EventType.JOB_CREATED, job_view(change.new)
    status = change.new.get("status")
    if status == change.old.get("status"):
        return None  # a checkpoint, heartbeat, lease or enqueue write
    return EventType(f"job.{status}"), job_view(change.new)


def _key_event(change: Change) -> tuple[EventType, Image] | None:
    if change.new is None:
        return None  # keys are revoked, never deleted
    view = key_view(change.new)
    if change.old is None:
        return EventType.API_KEY_CREATED, view
    before = key_view(change.old)
    if before.get("revokedAt") is None and view.get("revokedAt") is not None:
        return EventType.API_KEY_REVOKED, view
    unchanged = {k: v for k, v in before.items() if k != "lastUsedAt"} == {
        k: v for k, v in view.items() if k != "lastUsedAt"
    }
    return None if unchanged else (EventType.API_KEY_UPDATED, view)


_RULES = {Source.RESOURCES: _resource_event, Source.JOBS: _job_event, Source.API_KEYS: _key_event}


def _moment(change: Change) -> int:
    """When the change happened, in ms. The stream's time has whole seconds; the item's
    own write time (or, for a deletion, just after its last write) orders events of one
    second as they happened."""
    if change.new is None:
        stamp = int((change.old or {}).get("updatedAt") or 0) + 1
    else:
        stamp = max(int(change.new.get(f) or 0) for f in ("updatedAt", "createdAt", "revokedAt"))
    return max(change.at_ms, stamp)


def event_of(change: Change) -> Event | None:
    """The event a change stands for, or None (a change no one needs to hear about)."""
    found = _RULES[change.source](change)
    if found is None:
        return None
    event_type, view = found
    image = change.new if change.new is not None else change.old or {}
    at = _moment(change)
    return Event(
        id=ids.record_id(ids.EVENT_PREFIX, at, change.record_id),
        workspace_id=str(image["workspaceId"]),
        type=event_type,
        created_at=at,
        data=view,
    )


def record_change(change: Change, events: EventStore) -> Outcome:
    """Write the change's event once, however often the record is delivered."""
    event = event_of(change)
    if event is None:
        return Outcome.IGNORED
    return Outcome.RECORDED if events.put(event) else Outcome.DUPLICATE
