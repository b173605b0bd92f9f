"""What the job roles share: the ports they work on, how a job's message is sent, and the
codes a failed job carries."""

from __future__ import annotations

from dataclasses import dataclass

from plinth.models.job import Job, JobMessage
from plinth.ports import BlobStore, JobQueue, JobStore, ResourceStore

# `error.code` of a failed job (docs/decisions.md, "Jobs").
ENQUEUE_FAILED = "enqueue_failed"  # submission, then the sweeper, could not queue it
JOB_FAILED = "job_failed"  # the last attempt SQS allows failed
WORKER_LOST = "worker_lost"  # running, but silent for longer than its retries could take


@dataclass(frozen=True)
class JobServices:
    jobs: JobStore
    queue: JobQueue
    store: BlobStore
    resources: ResourceStore


def enqueue(job: Job, queue: JobQueue) -> None:
    """Send the message that puts a worker on `job` (first run, continuation, re-send)."""
    queue.send(JobMessage(jobId=job.id, workspaceId=job.workspace_id))
