"""The worker: runs one job message under the job's lease, from its checkpoint.

It claims the lease (pending → running on the first claim), saves progress as it goes,
and when the Lambda's remaining time drops below a margin saves a checkpoint, releases
the lease and enqueues a continuation. A failed attempt hands the lease back for SQS's
redelivery; on the last allowed receive the job is marked failed instead.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from plinth import ids
from plinth.errors import DependencyUnavailable, NotFound
from plinth.logic.jobs.common import JOB_FAILED, JobServices, enqueue
from plinth.models.job import Checkpoint, Job, JobError, JobMessage, JobType
from plinth.models.resource import Resource, ResourceCreate, ResourceResponse
from plinth.models.types import ResourceStatus
from plinth.ports import LeaseLost, LeaseRefused
from plinth.timeutil import now_ms

# Resources per fenced write: 25 puts + the job's update stay far inside a transaction's
# 100 items and 4 MB (25 of the largest resources are ~1.3 MB).
BATCH_SIZE = 25
EXPORT_PAGE_SIZE = 1000  # DynamoDB caps a page at 1 MB anyway
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerConfig:
    margin_ms: int
    lease_ms: int
    max_receive_count: int
    part_bytes: int


class Outcome(StrEnum):
    COMPLETED = "completed"
    CONTINUED = "continued"
    ALREADY_FINISHED = "already_finished"
    HELD_ELSEWHERE = "held_elsewhere"
    MISSING = "missing"
    LEASE_LOST = "lease_lost"


def bulk_resource_ids(job: Job) -> list[str]:
    """Resource ids derived from (job id, index): reprocessing rewrites, never duplicates."""
    if job.started_at is None or job.total is None:
        raise ValueError("a bulk job gets its resource ids once it has started")
    return [
        ids.derived_id(ids.RESOURCE_PREFIX, job.started_at, job.id, index)
        for index in range(job.total)
    ]


def process_message(
    message: JobMessage,
    *,
    receive_count: int,
    owner: str,
    remaining_ms: Callable[[], int],
    svc: JobServices,
    config: WorkerConfig,
    clock: Callable[[], int] = now_ms,
) -> Outcome:
    """Work on one job message. Raises when the work failed and should be retried; on
    the last allowed receive the job is marked failed first."""
    try:
        job = svc.jobs.get(message.workspace_id, message.job_id)
        if job.status.finished:
            return Outcome.ALREADY_FINISHED
        job = svc.jobs.claim(job, owner, clock(), config.lease_ms)
    except NotFound:
        return Outcome.MISSING
    except LeaseRefused as refused:
        # Gone, finished meanwhile, or another worker holds a live lease (its own message
        # carries the work): nothing to do here.
        current = refused.current
        if current is None:
            return Outcome.MISSING
        return Outcome.ALREADY_FINISHED if current.status.finished else Outcome.HELD_ELSEWHERE
    run = _JobRun(job, owner, svc, config, remaining_ms, clock)
    try:
        return run.bulk() if job.type is JobType.BULK_CREATE else run.export()
    except LeaseLost:
        return Outcome.LEASE_LOST
    except Exception as failure:
        run.after_failure(receive_count, failure)
        raise


@dataclass
class _JobRun:
    job: Job
    owner: str
    svc: JobServices
    config: WorkerConfig
    remaining_ms: Callable[[], int]
    clock: Callable[[], int]

    def _save(self, checkpoint: Checkpoint, *, release: bool = False) -> None:
        self.job = self.svc.jobs.save_checkpoint(
            self.job, self.owner, checkpoint, self.clock(), release=release
        )

    def _continue_later(self, checkpoint: Checkpoint) -> Outcome:
        self._save(checkpoint, release=True)
        enqueue(self.job, self.svc.queue)
        return Outcome.CONTINUED

    def _out_of_time(self) -> bool:
        return self.remaining_ms() < self.config.margin_ms

    def after_failure(self, receive_count: int, failure: Exception) -> None:
        job = self.job
        if receive_count >= self.config.max_receive_count:
            # The message goes to the DLQ after this receive: the job must not stay running.
            error = JobError(
                code=JOB_FAILED,
                message=f"The job failed after {receive_count} attempts and will not be retried.",
            )
            self.svc.jobs.fail(job, error, self.clock())
            return
        log.warning("job %s attempt %d failed: %r; will retry", job.id, receive_count, failure)
        # Hand the lease back (self.job holds the last saved checkpoint) so the redelivery
        # can resume at once; if that fails too, the lease simply expires.
        with contextlib.suppress(LeaseLost, DependencyUnavailable):
            self._save(job.checkpoint, release=True)

    def bulk(self) -> Outcome:
        job = self.job
        payload = self.svc.store.get_payload(str(job.params["payloadKey"]))
        bodies = [ResourceCreate.model_validate(item) for item in payload["resources"]]
        if len(bodies) != job.total:
            raise ValueError("bulk payload does not match the job")
        resource_ids = bulk_resource_ids(job)
        created = job.started_at or self.clock()
        # Every chunk and the checkpoint past it are one fenced write (`write_chunk`): a
        # redelivery resumes exactly after the last chunk written and never rewrites one,
        # so nothing a client changed or deleted meanwhile is touched again.
        while (done := self.job.checkpoint.processed) < len(bodies):
            if done and self._out_of_time():
                return self._continue_later(self.job.checkpoint)
            chunk = [
                Resource.new(resource_ids[i], job.workspace_id, body, created)
                for i, body in enumerate(bodies[done : done + BATCH_SIZE], start=done)
            ]
            self.job = self.svc.jobs.write_chunk(self.job, self.owner, chunk, self.clock())
        result = {"created": len(bodies), "ids": resource_ids}
        self.svc.jobs.complete(self.job, self.owner, self.job.checkpoint, result, self.clock())
        return Outcome.COMPLETED

    def export(self) -> Outcome:
        """JSON Lines into one multipart upload. Only whole parts are checkpointed: lines
        read after the last uploaded part are read again on resume, so memory holds at most
        one part plus one page, whatever the size of the export."""
        store, key = self.svc.store, str(self.job.params["exportKey"])
        status = self.job.params.get("status")
        checkpoint = self.job.checkpoint
        if checkpoint.upload_id is None:
            checkpoint = Checkpoint(upload_id=store.start_upload(key))
            self._save(checkpoint)
        upload_id = str(checkpoint.upload_id)
        parts = list(checkpoint.parts)
        count, cursor = checkpoint.processed, checkpoint.after_id
        buffer = bytearray()
        buffered = 0
        while True:
            page = self.svc.resources.list(
                self.job.workspace_id,
                limit=EXPORT_PAGE_SIZE,
                status=ResourceStatus(status) if status else None,
                after_id=cursor,
            )
            for resource in page.items:
                line = ResourceResponse.from_domain(resource).to_json_dict()
                buffer += json.dumps(line, ensure_ascii=False).encode() + b"\n"
                buffered += 1
                cursor = resource.id
                if len(buffer) < self.config.part_bytes:
                    continue
                parts.append(store.upload_part(key, upload_id, len(parts) + 1, buffer))
                count += buffered
                buffer.clear()
                buffered = 0
                checkpoint = Checkpoint(
                    processed=count, after_id=cursor, upload_id=upload_id, parts=parts
                )
                if self._out_of_time():
                    return self._continue_later(checkpoint)
                self._save(checkpoint)
            if not page.has_more:
                break
        if buffer or not parts:  # the last part may be small (or the only, empty one)
            parts.append(store.upload_part(key, upload_id, len(parts) + 1, buffer))
            count += buffered
        store.complete_upload(key, upload_id, parts)
        final = Checkpoint(processed=count, after_id=cursor, upload_id=upload_id)
        result = {"count": count, "key": key}
        self.svc.jobs.complete(self.job, self.owner, final, result, self.clock())
        return Outcome.COMPLETED
