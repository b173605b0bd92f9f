"""Reading jobs: one job, a page of jobs, and a finished job's result as the API shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plinth import ids
from plinth.errors import NotFound
from plinth.logic.jobs.common import JobServices
from plinth.logic.pagination import CursorScope, next_cursor, position_after
from plinth.models.job import Job, JobStatus, JobType
from plinth.ports import BlobStore
from plinth.timeutil import format_ms, now_ms

CURSOR_KIND = "jobs"


def get_job(workspace_id: str, job_id: str, svc: JobServices) -> Job:
    if not ids.is_id(job_id, ids.JOB_PREFIX):
        raise NotFound("No such job.", param="id")
    return svc.jobs.get(workspace_id, job_id)


def result_view(
    job: Job, store: BlobStore, url_ttl_s: int, clock: Callable[[], int] = now_ms
) -> dict[str, Any] | None:
    """The API's `result`. An export's download URL is signed now, so it is always fresh."""
    if job.status is not JobStatus.COMPLETED or job.result is None:
        return None
    if job.type is JobType.EXPORT:
        return {
            "count": job.result["count"],
            "url": store.presigned_url(job.result["key"], url_ttl_s),
            "expiresAt": format_ms(clock() + url_ttl_s * 1000),
        }
    return job.result


def list_jobs(
    workspace_id: str,
    *,
    limit: int,
    status: JobStatus | None,
    cursor: str | None,
    svc: JobServices,
    signing_key: bytes,
) -> tuple[list[Job], bool, str | None]:
    scope = CursorScope(CURSOR_KIND, ids.JOB_PREFIX, workspace_id, status)
    after_id = position_after(signing_key, cursor, scope)
    jobs, has_more = svc.jobs.list(workspace_id, limit=limit, status=status, after_id=after_id)
    last_id = jobs[-1].id if jobs else None
    return jobs, has_more, next_cursor(signing_key, scope, last_id, has_more)
