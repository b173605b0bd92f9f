"""POST /v1/resources/bulk: validate every item now, create them in a job."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import BodyMode, create_app, current_caller, handle
from plinth.container import container
from plinth.jobs_api import accepted
from plinth.logic.jobs.submit import submit_bulk
from plinth.models.auth import Scope
from plinth.models.job import BulkCreateRequest, JobResponse
from plinth.observability import logger, metrics
from plinth.route_docs import JOBS, RESOURCES, success

app = create_app()


@app.post(
    "/v1/resources/bulk",
    operation_id="bulkCreateResources",
    summary="Create up to 1,000 resources in a job",
    tags=[RESOURCES, JOBS],
    responses=success(202, "Accepted as a job; `Location` names it.", JobResponse, location=True),
)
def post_bulk(body: Annotated[BulkCreateRequest, Body()]) -> Any:
    svc = container().jobs
    job = submit_bulk(current_caller(app).workspace_id, body, svc)
    metrics.add_metric(name="BulkJobSubmitted", unit=MetricUnit.Count, value=1)
    return accepted(job, svc)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(
        app,
        event,
        context,
        scope=Scope.WRITE,
        body=BodyMode.REQUIRED,
        max_body_bytes=container().settings.max_bulk_body_bytes,
    )
