"""Submitting a job: the payload, then the job item, then its message.

The item is written first: if the send is lost, the sweeper finds the job still pending.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from plinth import ids
from plinth.errors import DependencyUnavailable
from plinth.logic.jobs.common import ENQUEUE_FAILED, JobServices, enqueue
from plinth.models.job import BulkCreateRequest, ExportRequest, Job, JobError, JobStatus, JobType
from plinth.timeutil import now_ms

log = logging.getLogger(__name__)


def submit_bulk(
    workspace_id: str, body: BulkCreateRequest, svc: JobServices, clock: Callable[[], int] = now_ms
) -> Job:
    job_id = ids.new_job_id()
    key = svc.store.payload_key(workspace_id, job_id)
    # The payload (up to 5 MiB) goes to S3: it fits neither an SQS message nor an item.
    svc.store.put_payload(key, {"resources": [r.model_dump() for r in body.resources]})
    job = _pending_job(
        job_id,
        workspace_id,
        JobType.BULK_CREATE,
        params={"payloadKey": key},
        total=len(body.resources),
        clock=clock,
    )
    return _create_and_enqueue(job, svc, clock)


def submit_export(
    workspace_id: str, body: ExportRequest, svc: JobServices, clock: Callable[[], int] = now_ms
) -> Job:
    job_id = ids.new_job_id()
    params = {
        "status": body.status.value if body.status else None,
        "exportKey": svc.store.export_key(workspace_id, job_id),
    }
    return _create_and_enqueue(
        _pending_job(job_id, workspace_id, JobType.EXPORT, params=params, total=None, clock=clock),
        svc,
        clock,
    )


def _pending_job(
    job_id: str,
    workspace_id: str,
    kind: JobType,
    *,
    params: dict[str, Any],
    total: int | None,
    clock: Callable[[], int],
) -> Job:
    now = clock()
    return Job(
        id=job_id,
        workspace_id=workspace_id,
        type=kind,
        status=JobStatus.PENDING,
        total=total,
        params=params,
        created_at=now,
        updated_at=now,
        enqueued_at=now,
        enqueue_attempts=1,
    )


def _create_and_enqueue(job: Job, svc: JobServices, clock: Callable[[], int]) -> Job:
    svc.jobs.create(job)  # the item first: a lost message is found by the sweeper
    try:
        enqueue(job, svc.queue)
    except DependencyUnavailable:
        error = JobError(
            code=ENQUEUE_FAILED, message="The job could not be queued; submit it again."
        )
        try:
            svc.jobs.fail(job, error, clock())
        except DependencyUnavailable:
            log.warning("could not mark %s failed; the sweeper will re-enqueue it", job.id)
        raise
    return job
