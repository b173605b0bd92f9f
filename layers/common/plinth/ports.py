"""The ports the logic depends on: what it needs from storage, not how it is stored.

`plinth.repositories` implements them on DynamoDB, SQS and S3; the unit tier implements
them in memory (tests/unit/logic/fakes.py). Logic imports this module, never a repository.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: a function loads the models it uses, no others
    from plinth.models.event import Event, EventType
    from plinth.models.job import Checkpoint, Job, JobError, JobMessage, JobStatus
    from plinth.models.key_items import ApiKeyItem, WorkspaceItem
    from plinth.models.resource import Resource
    from plinth.models.types import ResourceStatus
    from plinth.models.webhook import Delivery, WebhookEndpointItem


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Resource]
    has_more: bool


class LeaseRefused(Exception):
    """The job is finished, gone, or held by another worker."""

    def __init__(self, current: Job | None) -> None:
        super().__init__("lease refused")
        self.current = current


class LeaseLost(Exception):
    """This worker no longer holds the job (its lease expired and another took over)."""


class WindowFull(Exception):
    """The window (or this shard of it) already holds `limit` requests."""


class ResourceStore(Protocol):
    def create(self, resource: Resource) -> None: ...
    def get(self, workspace_id: str, resource_id: str) -> Resource: ...
    def update(
        self, workspace_id: str, resource_id: str, changes: dict[str, Any], now_ms: int
    ) -> Resource: ...
    def delete(self, workspace_id: str, resource_id: str) -> None: ...
    def list(
        self,
        workspace_id: str,
        *,
        limit: int,
        status: ResourceStatus | None,
        after_id: str | None,
    ) -> Page: ...
    def put_batch(self, resources: builtins.list[Resource]) -> None: ...


class JobStore(Protocol):
    """Jobs and their lease: conditional writes decide who runs a job."""

    def create(self, job: Job) -> None: ...
    def get(self, workspace_id: str, job_id: str) -> Job: ...
    def list(
        self, workspace_id: str, *, limit: int, status: JobStatus | None, after_id: str | None
    ) -> tuple[builtins.list[Job], bool]: ...
    def list_active(self) -> builtins.list[Job]: ...
    def claim(self, job: Job, owner: str, now: int, lease_ms: int) -> Job: ...
    def save_checkpoint(
        self, job: Job, owner: str, checkpoint: Checkpoint, now: int, *, release: bool
    ) -> Job: ...
    def write_chunk(
        self, job: Job, owner: str, resources: builtins.list[Resource], now: int
    ) -> Job:
        """Create `resources` (none may exist yet) and advance `checkpoint.processed` past
        them, atomically, only while `owner` holds the lease and the checkpoint is still
        `job.checkpoint`; otherwise `LeaseLost` and nothing is written."""
        ...

    def complete(
        self, job: Job, owner: str, checkpoint: Checkpoint, result: dict[str, Any], now: int
    ) -> Job: ...
    def fail(self, job: Job, error: JobError, now: int) -> Job | None: ...
    def mark_enqueued(self, job: Job, now: int) -> Job | None: ...


class EventStore(Protocol):
    """The audit log: events written once each, read newest first."""

    def put(self, event: Event) -> bool:
        """Write the event unless one with its id exists; False when it already did."""
        ...

    def get(self, workspace_id: str, event_id: str) -> Event: ...
    def list(
        self,
        workspace_id: str,
        *,
        limit: int,
        event_type: EventType | None,
        after_id: str | None,
        newer_than: str,
    ) -> tuple[builtins.list[Event], bool]:
        """Up to `limit` events with ids above `newer_than` (and below `after_id`), newest
        first, and whether more follow."""
        ...


class JobQueue(Protocol):
    def send(self, message: JobMessage) -> None: ...


class BlobStore(Protocol):
    """Bulk payloads and export files."""

    @staticmethod
    def payload_key(workspace_id: str, job_id: str) -> str: ...
    def put_payload(self, key: str, payload: dict[str, Any]) -> None: ...
    def get_payload(self, key: str) -> dict[str, Any]: ...
    @staticmethod
    def export_key(workspace_id: str, job_id: str) -> str: ...
    def start_upload(self, key: str) -> str: ...
    def upload_part(
        self, key: str, upload_id: str, number: int, data: bytes | bytearray
    ) -> dict[str, Any]: ...
    def complete_upload(self, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None: ...
    def presigned_url(self, key: str, expires_in: int) -> str: ...


class KeyStore(Protocol):
    """API keys, found by the hash of their secret."""

    def put(self, item: ApiKeyItem) -> None: ...
    def find_by_hash(self, key_hash: str) -> ApiKeyItem | None: ...
    def list_for_workspace(self, workspace_id: str) -> list[ApiKeyItem]: ...
    def revoke(self, key_id: str, now_ms: int) -> ApiKeyItem: ...
    def get(self, key_id: str) -> ApiKeyItem | None: ...
    def page(
        self, workspace_id: str, *, limit: int, after_id: str | None
    ) -> tuple[list[ApiKeyItem], bool]:
        """Newest first, after `after_id`, with an exact `has_more`."""
        ...

    def expire(self, key_hash: str, at_ms: int) -> ApiKeyItem:
        """Expire no later than `at_ms` (an earlier expiry stays); NotFound if revoked."""
        ...

    def mark_used(self, key_hash: str, now_ms: int, stale_before_ms: int) -> None:
        """Set `lastUsedAt` unless another request did since `stale_before_ms`."""
        ...


class VerdictCache(Protocol):
    """The gateway's cached authorizer verdicts (a key's verdict outlives its revocation
    until flushed)."""

    def flush(self) -> None: ...


class WorkspaceStore(Protocol):
    def upsert(self, workspace_id: str, rate_limit: int | None, now_ms: int) -> WorkspaceItem: ...
    def get(self, workspace_id: str) -> WorkspaceItem | None: ...


class Counter(Protocol):
    """Fixed-window request counters (rate limiting)."""

    def hit(
        self, workspace_id: str, window_start: int, limit: int, shard: int | None = None
    ) -> int:
        """Count one request; returns the count, or raises `WindowFull`."""
        ...


class WebhookEndpointStore(Protocol):
    """A workspace's webhook endpoints (few: at most 16 each)."""

    def put(self, item: WebhookEndpointItem) -> None: ...
    def get(self, workspace_id: str, endpoint_id: str) -> WebhookEndpointItem | None: ...
    def all_for(self, workspace_id: str) -> list[WebhookEndpointItem]: ...
    def page(
        self, workspace_id: str, *, limit: int, after_id: str | None
    ) -> tuple[list[WebhookEndpointItem], bool]:
        """Newest first, after `after_id`, with an exact `has_more`."""
        ...

    def delete(self, workspace_id: str, endpoint_id: str) -> bool:
        """False when there was no such endpoint."""
        ...

    def record_success(self, item: WebhookEndpointItem) -> None:
        """Clear `failingSince`."""
        ...

    def record_failure(self, item: WebhookEndpointItem, now_ms: int) -> WebhookEndpointItem:
        """Set `failingSince` unless set; the endpoint as it is now."""
        ...

    def disable(self, item: WebhookEndpointItem, now_ms: int) -> None: ...


class DeliveryQueue(Protocol):
    def send(self, deliveries: list[Delivery]) -> None: ...
    def retry_in(self, receipt_handle: str, seconds: int) -> None: ...


class WebhookTransport(Protocol):
    def post(self, url: str, headers: dict[str, str], body: str) -> tuple[int | None, str | None]:
        """POST `body`; the status the receiver answered (None if it did not), and why
        the attempt failed (refused address, timeout, connection error), if it did."""
        ...
