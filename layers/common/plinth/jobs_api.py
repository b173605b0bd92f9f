"""The API shape of a job, shared by the job endpoints."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response

from plinth.api import json_response
from plinth.container import container
from plinth.logic.jobs.common import JobServices
from plinth.logic.jobs.read import result_view
from plinth.models.job import Job, JobResponse


def job_response(job: Job, svc: JobServices) -> JobResponse:
    result = result_view(job, svc.store, container().settings.export_url_ttl_seconds)
    return JobResponse.from_domain(job, result)


def job_json(job: Job, svc: JobServices) -> dict[str, Any]:
    return job_response(job, svc).to_json_dict()


def accepted(job: Job, svc: JobServices) -> Response[str]:
    """202 with the job and where to poll it."""
    return json_response(202, job_json(job, svc), {"Location": f"/v1/jobs/{job.id}"})
