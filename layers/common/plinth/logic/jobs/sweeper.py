"""The sweeper (scheduled): catches the jobs that submission and the workers lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plinth.logic.jobs.common import ENQUEUE_FAILED, WORKER_LOST, JobServices, enqueue
from plinth.models.job import JobError, JobStatus
from plinth.timeutil import now_ms


@dataclass(frozen=True)
class SweepReport:
    reenqueued: int = 0
    failed: int = 0


def sweep(
    svc: JobServices,
    *,
    pending_grace_ms: int,
    stale_after_ms: int,
    max_enqueue_attempts: int,
    clock: Callable[[], int] = now_ms,
) -> SweepReport:
    """Re-enqueue jobs left pending (a process died between the write and the send) and
    fail running jobs that stopped reporting long enough for their retries to be spent."""
    reenqueued = failed = 0
    now = clock()
    for job in svc.jobs.list_active():
        if job.status is JobStatus.PENDING:
            if now - (job.enqueued_at or job.created_at) < pending_grace_ms:
                continue
            if job.enqueue_attempts >= max_enqueue_attempts:
                error = JobError(code=ENQUEUE_FAILED, message="The job could not be queued.")
                failed += svc.jobs.fail(job, error, now) is not None
                continue
            if svc.jobs.mark_enqueued(job, now) is not None:
                enqueue(job, svc.queue)
                reenqueued += 1
        elif now - (job.heartbeat_at or job.started_at or job.created_at) > stale_after_ms:
            error = JobError(
                code=WORKER_LOST,
                message="The job stopped making progress and its retries are exhausted.",
            )
            failed += svc.jobs.fail(job, error, now) is not None
    return SweepReport(reenqueued=reenqueued, failed=failed)
