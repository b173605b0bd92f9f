"""GET /v1/jobs/{id}: a job's status, progress and result."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import create_app, current_caller, handle, json_response
from plinth.container import container
from plinth.jobs_api import job_json
from plinth.logic.jobs.read import get_job
from plinth.models.auth import Scope
from plinth.models.job import JobResponse
from plinth.observability import logger, metrics
from plinth.route_docs import JOBS, success

app = create_app()


@app.get(
    "/v1/jobs/<job_id>",
    operation_id="getJob",
    summary="Get a job",
    tags=[JOBS],
    responses=success(200, "The job.", JobResponse),
)
def read_job(job_id: str) -> Any:
    svc = container().jobs
    job = get_job(current_caller(app).workspace_id, job_id, svc)
    metrics.add_metric(name="JobRead", unit=MetricUnit.Count, value=1)
    return json_response(200, job_json(job, svc))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.READ)
