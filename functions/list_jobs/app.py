"""GET /v1/jobs: newest first, optional status filter, signed cursors."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic.json_schema import SkipJsonSchema

from plinth.api import create_app, current_caller, handle, json_response
from plinth.container import container
from plinth.jobs_api import job_response
from plinth.logic.jobs.read import list_jobs
from plinth.models.auth import Scope
from plinth.models.job import JobList, JobStatusFilter
from plinth.models.types import PageLimit
from plinth.observability import logger, metrics
from plinth.route_docs import JOBS, success

app = create_app()


@app.get(
    "/v1/jobs",
    operation_id="listJobs",
    summary="List jobs, newest first",
    tags=[JOBS],
    responses=success(200, "A page of jobs, newest first.", JobList),
)
def get_jobs(
    limit: Annotated[PageLimit, Query()] = 20,
    status: Annotated[JobStatusFilter | SkipJsonSchema[None], Query()] = None,
    cursor: Annotated[str | SkipJsonSchema[None], Query(min_length=1, max_length=512)] = None,
) -> Any:
    svc = container().jobs
    jobs, has_more, next_cursor = list_jobs(
        current_caller(app).workspace_id,
        limit=limit,
        status=status,
        cursor=cursor,
        svc=svc,
        signing_key=container().signing_key(),
    )
    metrics.add_metric(name="JobsListed", unit=MetricUnit.Count, value=1)
    page = JobList(
        data=[job_response(job, svc) for job in jobs], has_more=has_more, next_cursor=next_cursor
    )
    return json_response(200, page.to_json_dict())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.READ)
