"""What the job endpoints receive (Powertools `Depends`): the job services with the
presenter of a job's API shape; the job list's status filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic.json_schema import SkipJsonSchema

from plinth.container import container
from plinth.logic.jobs.common import JobServices
from plinth.logic.jobs.read import list_jobs, result_view
from plinth.models.job import Job, JobList, JobResponse, JobStatus, JobStatusFilter


@dataclass(frozen=True, slots=True)
class JobDesk:
    services: JobServices
    url_ttl_s: int

    def present(self, job: Job) -> JobResponse:
        """A job's API shape; an export's download URL is signed now, so it is fresh."""
        return JobResponse.from_domain(job, result_view(job, self.services.store, self.url_ttl_s))

    def page(
        self,
        workspace_id: str,
        limit: int,
        status: JobStatus | None,
        cursor: str | None,
        signing_key: bytes,
    ) -> JobList:
        """A page of the workspace's jobs, newest first, each in its API shape."""
        jobs, has_more, next_cursor = list_jobs(
            workspace_id,
            limit=limit,
            status=status,
            cursor=cursor,
            svc=self.services,
            signing_key=signing_key,
        )
        return JobList(
            data=[self.present(job) for job in jobs], has_more=has_more, next_cursor=next_cursor
        )


def job_desk() -> JobDesk:
    return JobDesk(container().jobs, container().settings.export_url_ttl_seconds)


Jobs = Annotated[JobDesk, Depends(job_desk)]
JobStatusQuery = Annotated[JobStatusFilter | SkipJsonSchema[None], Query()]
