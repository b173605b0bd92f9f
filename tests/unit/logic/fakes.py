"""In-memory implementations of `plinth.ports`, with the same conditions as the
DynamoDB, SQS and S3 repositories (a lease is taken only when free or expired, a
finished job never moves, …), so the logic's state machines run here in milliseconds."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plinth.errors import DependencyUnavailable, NotFound
from plinth.logic.jobs.common import JobServices
from plinth.models.event import Event, EventType
from plinth.models.job import Checkpoint, Job, JobError, JobMessage, JobStatus
from plinth.models.key_items import ApiKeyItem, WorkspaceItem
from plinth.models.resource import Resource
from plinth.models.types import ResourceStatus
from plinth.models.webhook import Delivery, EndpointStatus, WebhookEndpointItem
from plinth.ports import LeaseLost, LeaseRefused, Page, WindowFull


class Unavailable(Exception):
    """Raised by a fake told to fail (stands for any exception a dependency raises)."""


@dataclass
class InMemoryResources:
    items: dict[tuple[str, str], Resource] = field(default_factory=dict)
    batches: int = 0
    fail_batch_at: int | None = None  # the n-th batch write raises (a dying worker)

    def create(self, resource: Resource) -> None:
        self.items[(resource.workspace_id, resource.id)] = resource

    def get(self, workspace_id: str, resource_id: str) -> Resource:
        try:
            return self.items[(workspace_id, resource_id)]
        except KeyError:
            raise NotFound("No such resource.") from None

    def update(
        self, workspace_id: str, resource_id: str, changes: dict[str, Any], now_ms: int
    ) -> Resource:
        current = self.get(workspace_id, resource_id)
        updated = current.model_copy(
            update={**changes, "updated_at": max(now_ms, current.updated_at + 1)}
        )
        self.items[(workspace_id, resource_id)] = updated
        return updated

    def delete(self, workspace_id: str, resource_id: str) -> None:
        self.get(workspace_id, resource_id)
        del self.items[(workspace_id, resource_id)]

    def list(
        self,
        workspace_id: str,
        *,
        limit: int,
        status: ResourceStatus | None,
        after_id: str | None,
    ) -> Page:
        newest_first = sorted(
            (
                r
                for (ws, _), r in self.items.items()
                if ws == workspace_id and (status is None or r.status is status)
            ),
            key=lambda r: r.id,
            reverse=True,
        )
        if after_id is not None:
            newest_first = [r for r in newest_first if r.id < after_id]
        return Page(items=newest_first[:limit], has_more=len(newest_first) > limit)

    def put_batch(self, resources: builtins.list[Resource]) -> None:
        self.batches += 1
        if self.batches == self.fail_batch_at:
            raise Unavailable("worker killed")
        for resource in resources:
            self.create(resource)

    def insert_new(self, resources: builtins.list[Resource]) -> None:
        """One all-or-nothing write that leaves existing resources as they are."""
        self.batches += 1
        if self.batches == self.fail_batch_at:
            raise Unavailable("worker killed")
        for resource in resources:
            self.items.setdefault((resource.workspace_id, resource.id), resource)


@dataclass
class InMemoryJobs:
    items: dict[tuple[str, str], Job] = field(default_factory=dict)
    resources: InMemoryResources = field(default_factory=InMemoryResources)
    # Operation name → what another process does just before it (once): a race.
    interleave: dict[str, Callable[[], object]] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)  # operations that raise (an outage)

    def _enter(self, operation: str) -> None:
        step = self.interleave.pop(operation, None)
        if step is not None:
            step()
        if operation in self.failing:
            raise DependencyUnavailable("A dependency is unavailable; retry shortly.")

    def _current(self, job: Job) -> Job | None:
        return self.items.get((job.workspace_id, job.id))

    def _put(self, job: Job) -> Job:
        self.items[(job.workspace_id, job.id)] = job
        return job

    def create(self, job: Job) -> None:
        assert self._current(job) is None
        self._put(job)

    def get(self, workspace_id: str, job_id: str) -> Job:
        self._enter("get")
        try:
            return self.items[(workspace_id, job_id)]
        except KeyError:
            raise NotFound("No such job.") from None

    def list(
        self, workspace_id: str, *, limit: int, status: JobStatus | None, after_id: str | None
    ) -> tuple[builtins.list[Job], bool]:
        found = sorted(
            (
                j
                for (ws, _), j in self.items.items()
                if ws == workspace_id
                and (status is None or j.status is status)
                and (after_id is None or j.id < after_id)
            ),
            key=lambda j: j.id,
            reverse=True,
        )
        return found[:limit], len(found) > limit

    def list_active(self) -> builtins.list[Job]:
        return [j for j in self.items.values() if not j.status.finished]

    def claim(self, job: Job, owner: str, now: int, lease_ms: int) -> Job:
        self._enter("claim")
        current = self._current(job)
        if (
            current is None
            or current.status.finished
            or (current.lease_until is not None and current.lease_until >= now)
        ):
            raise LeaseRefused(current)
        return self._put(
            current.model_copy(
                update={
                    "status": JobStatus.RUNNING,
                    "started_at": current.started_at or now,
                    "lease_owner": owner,
                    "lease_until": now + lease_ms,
                    "heartbeat_at": now,
                    "updated_at": now,
                }
            )
        )

    def _held(self, job: Job, owner: str) -> Job:
        current = self._current(job)
        if (
            current is None
            or current.lease_owner != owner
            or current.status is not JobStatus.RUNNING
        ):
            raise LeaseLost
        return current

    def save_checkpoint(
        self, job: Job, owner: str, checkpoint: Checkpoint, now: int, *, release: bool
    ) -> Job:
        self._enter("save_checkpoint")
        update: dict[str, Any] = {"checkpoint": checkpoint, "heartbeat_at": now, "updated_at": now}
        if release:
            update |= {"lease_owner": None, "lease_until": None}
        return self._put(self._held(job, owner).model_copy(update=update))

    def write_chunk(
        self, job: Job, owner: str, resources: builtins.list[Resource], now: int
    ) -> Job:
        self._enter("write_chunk")
        current = self._held(job, owner)
        if current.checkpoint.processed != job.checkpoint.processed:
            raise LeaseLost
        self.resources.insert_new(resources)
        checkpoint = current.checkpoint.model_copy(
            update={"processed": job.checkpoint.processed + len(resources)}
        )
        return self._put(
            current.model_copy(
                update={"checkpoint": checkpoint, "heartbeat_at": now, "updated_at": now}
            )
        )

    def complete(
        self, job: Job, owner: str, checkpoint: Checkpoint, result: dict[str, Any], now: int
    ) -> Job:
        self._enter("complete")
        return self._put(
            self._held(job, owner).model_copy(
                update={
                    "status": JobStatus.COMPLETED,
                    "result": result,
                    "checkpoint": checkpoint,
                    "completed_at": now,
                    "updated_at": now,
                    "lease_owner": None,
                    "lease_until": None,
                }
            )
        )

    def fail(self, job: Job, error: JobError, now: int) -> Job | None:
        self._enter("fail")
        current = self._current(job)
        if current is None or current.status.finished:
            return None
        return self._put(
            current.model_copy(
                update={
                    "status": JobStatus.FAILED,
                    "error": error,
                    "completed_at": now,
                    "updated_at": now,
                    "lease_owner": None,
                    "lease_until": None,
                }
            )
        )

    def mark_enqueued(self, job: Job, now: int) -> Job | None:
        self._enter("mark_enqueued")
        current = self._current(job)
        if current is None or current.status is not JobStatus.PENDING:
            return None
        return self._put(
            current.model_copy(
                update={
                    "enqueued_at": now,
                    "updated_at": now,
                    "enqueue_attempts": current.enqueue_attempts + 1,
                }
            )
        )


@dataclass
class InMemoryQueue:
    messages: list[JobMessage] = field(default_factory=list)
    failing: bool = False

    def send(self, message: JobMessage) -> None:
        if self.failing:
            raise DependencyUnavailable("A dependency is unavailable; retry shortly.")
        self.messages.append(message)

    def receive(self) -> JobMessage:
        return self.messages.pop(0)


@dataclass
class InMemoryBlobs:
    payloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, list[bytes]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    @staticmethod
    def payload_key(workspace_id: str, job_id: str) -> str:
        return f"bulk/{workspace_id}/{job_id}.json"

    def put_payload(self, key: str, payload: dict[str, Any]) -> None:
        self.payloads[key] = payload

    def get_payload(self, key: str) -> dict[str, Any]:
        return self.payloads[key]

    @staticmethod
    def export_key(workspace_id: str, job_id: str) -> str:
        return f"exports/{workspace_id}/{job_id}.jsonl"

    def start_upload(self, key: str) -> str:
        upload_id = f"upload-{len(self.uploads) + 1}"
        self.uploads[upload_id] = []
        return upload_id

    def upload_part(
        self, key: str, upload_id: str, number: int, data: bytes | bytearray
    ) -> dict[str, Any]:
        parts = self.uploads[upload_id]
        del parts[number - 1 :]  # a part re-uploaded after a resume replaces the old one
        parts.append(bytes(data))
        return {"PartNumber": number, "ETag": f'"{number}"'}

    def complete_upload(self, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None:
        assert [p["PartNumber"] for p in parts] == list(range(1, len(parts) + 1))
        self.files[key] = b"".join(self.uploads[upload_id][: len(parts)])

    def presigned_url(self, key: str, expires_in: int) -> str:
        return f"https://blobs.invalid/{key}?expires={expires_in}"


@dataclass
class InMemoryCounter:
    hits: dict[str, int] = field(default_factory=dict)
    failing: bool = False

    def hit(
        self, workspace_id: str, window_start: int, limit: int, shard: int | None = None
    ) -> int:
        if self.failing:
            raise DependencyUnavailable("A dependency is unavailable; retry shortly.")
        bucket = f"{workspace_id}#{window_start}" + ("" if shard is None else f"#{shard}")
        if self.hits.get(bucket, 0) >= limit:
            raise WindowFull
        self.hits[bucket] = self.hits.get(bucket, 0) + 1
        return self.hits[bucket]


@dataclass
class InMemoryKeys:
    items: dict[str, ApiKeyItem] = field(default_factory=dict)
    marks: int = 0

    def put(self, item: ApiKeyItem) -> None:
        assert item.keyHash not in self.items
        self.items[item.keyHash] = item

    def find_by_hash(self, key_hash: str) -> ApiKeyItem | None:
        return self.items.get(key_hash)

    def list_for_workspace(self, workspace_id: str) -> list[ApiKeyItem]:
        return [k for k in self.items.values() if k.workspaceId == workspace_id]

    def revoke(self, key_id: str, now_ms: int) -> ApiKeyItem:
        for key_hash, item in self.items.items():
            if item.keyId == key_id:
                revoked = item.model_copy(update={"revokedAt": item.revokedAt or now_ms})
                self.items[key_hash] = revoked
                return revoked
        raise NotFound(f"No key {key_id}.")

    def get(self, key_id: str) -> ApiKeyItem | None:
        return next((k for k in self.items.values() if k.keyId == key_id), None)

    def page(
        self, workspace_id: str, *, limit: int, after_id: str | None
    ) -> tuple[list[ApiKeyItem], bool]:
        newest = sorted(self.list_for_workspace(workspace_id), key=lambda k: k.keyId, reverse=True)
        after = [k for k in newest if after_id is None or k.keyId < after_id]
        return after[:limit], len(after) > limit

    def expire(self, key_hash: str, at_ms: int) -> ApiKeyItem:
        item = self.items.get(key_hash)
        if item is None or item.revokedAt is not None:
            raise NotFound("No such API key.")
        if item.expiresAt is None or item.expiresAt > at_ms:
            item = self.items[key_hash] = item.model_copy(update={"expiresAt": at_ms})
        return item

    def mark_used(self, key_hash: str, now_ms: int, stale_before_ms: int) -> None:
        item = self.items.get(key_hash)
        if item is not None and (item.lastUsedAt is None or item.lastUsedAt < stale_before_ms):
            self.items[key_hash] = item.model_copy(update={"lastUsedAt": now_ms})
            self.marks += 1


@dataclass
class RecordingVerdicts:
    """The gateway's verdict cache: counts flushes, or fails them."""

    flushes: int = 0
    error: Exception | None = None

    def flush(self) -> None:
        if self.error is not None:
            raise self.error
        self.flushes += 1


@dataclass
class InMemoryWorkspaces:
    items: dict[str, WorkspaceItem] = field(default_factory=dict)

    def upsert(self, workspace_id: str, rate_limit: int | None, now_ms: int) -> WorkspaceItem:
        current = self.items.get(workspace_id)
        item = WorkspaceItem(
            workspaceId=workspace_id,
            rateLimit=rate_limit if rate_limit is not None else (current and current.rateLimit),
            createdAt=current.createdAt if current else now_ms,
            updatedAt=now_ms,
        )
        self.items[workspace_id] = item
        return item

    def get(self, workspace_id: str) -> WorkspaceItem | None:
        return self.items.get(workspace_id)


def job_services() -> tuple[
    JobServices, InMemoryJobs, InMemoryQueue, InMemoryBlobs, InMemoryResources
]:
    resources = InMemoryResources()
    jobs, queue, blobs = InMemoryJobs(resources=resources), InMemoryQueue(), InMemoryBlobs()
    return (
        JobServices(jobs=jobs, queue=queue, store=blobs, resources=resources),
        jobs,
        queue,
        blobs,
        resources,
    )


@dataclass
class InMemoryEvents:
    """The audit log: `put` keeps the first event of an id, as the conditional PutItem."""

    items: dict[tuple[str, str], Event] = field(default_factory=dict)

    def put(self, event: Event) -> bool:
        key = (event.workspace_id, event.id)
        if key in self.items:
            return False
        self.items[key] = event
        return True

    def get(self, workspace_id: str, event_id: str) -> Event:
        try:
            return self.items[(workspace_id, event_id)]
        except KeyError:
            raise NotFound("No such event.") from None

    def list(
        self,
        workspace_id: str,
        *,
        limit: int,
        event_type: EventType | None,
        after_id: str | None,
        newer_than: str,
    ) -> tuple[builtins.list[Event], bool]:
        found = sorted(
            (
                e
                for (ws, _), e in self.items.items()
                if ws == workspace_id
                and (event_type is None or e.type is event_type)
                and e.id > newer_than
                and (after_id is None or e.id < after_id)
            ),
            key=lambda e: e.id,
            reverse=True,
        )
        return found[:limit], len(found) > limit


@dataclass
class InMemoryWebhookEndpoints:
    """Webhook endpoints keyed (workspace, id), with the repository's conditions: a
    deleted endpoint records nothing, `failingSince` is set once until a success."""

    items: dict[tuple[str, str], WebhookEndpointItem] = field(default_factory=dict)

    def put(self, item: WebhookEndpointItem) -> None:
        self.items[(item.workspaceId, item.id)] = item

    def get(self, workspace_id: str, endpoint_id: str) -> WebhookEndpointItem | None:
        return self.items.get((workspace_id, endpoint_id))

    def all_for(self, workspace_id: str) -> builtins.list[WebhookEndpointItem]:
        return self.page(workspace_id, limit=100, after_id=None)[0]

    def page(
        self, workspace_id: str, *, limit: int, after_id: str | None
    ) -> tuple[builtins.list[WebhookEndpointItem], bool]:
        found = sorted(
            (
                e
                for (ws, _), e in self.items.items()
                if ws == workspace_id and (after_id is None or e.id < after_id)
            ),
            key=lambda e: e.id,
            reverse=True,
        )
        return found[:limit], len(found) > limit

    def delete(self, workspace_id: str, endpoint_id: str) -> bool:
        return self.items.pop((workspace_id, endpoint_id), None) is not None

    def _update(self, item: WebhookEndpointItem, **changes: Any) -> WebhookEndpointItem:
        key = (item.workspaceId, item.id)
        if key not in self.items:
            return item
        self.items[key] = self.items[key].model_copy(update=changes)
        return self.items[key]

    def record_success(self, item: WebhookEndpointItem) -> None:
        self._update(item, failingSince=None)

    def record_failure(self, item: WebhookEndpointItem, now_ms: int) -> WebhookEndpointItem:
        current = self.items.get((item.workspaceId, item.id), item)
        return self._update(item, failingSince=current.failingSince or now_ms)

    def disable(self, item: WebhookEndpointItem, now_ms: int) -> None:
        self._update(item, status=EndpointStatus.DISABLED, disabledAt=now_ms)


@dataclass
class InMemoryDeliveries:
    sent: builtins.list[Delivery] = field(default_factory=list)
    retries: builtins.list[tuple[str, int]] = field(default_factory=list)

    def send(self, deliveries: builtins.list[Delivery]) -> None:
        self.sent.extend(deliveries)

    def retry_in(self, receipt_handle: str, seconds: int) -> None:
        self.retries.append((receipt_handle, seconds))


@dataclass
class ScriptedTransport:
    """Answers each POST with the next of `answers` (a status, or None: no answer)."""

    answers: builtins.list[int | None] = field(default_factory=lambda: [200])
    posts: builtins.list[tuple[str, dict[str, str], str]] = field(default_factory=list)

    def post(self, url: str, headers: dict[str, str], body: str) -> tuple[int | None, str | None]:
        self.posts.append((url, headers, body))
        status = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return status, None if status is not None else "TimeoutError: timed out"
