"""POST /v1/resources/export: export the workspace's resources (JSON Lines) in a job."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import BodyMode, create_app, current_caller, handle
from plinth.container import container
from plinth.jobs_api import accepted
from plinth.logic.jobs.submit import submit_export
from plinth.models.auth import Scope
from plinth.models.job import ExportRequest, JobResponse
from plinth.observability import logger, metrics
from plinth.route_docs import JOBS, RESOURCES, success

app = create_app()
_EVERYTHING = ExportRequest()


@app.post(
    "/v1/resources/export",
    operation_id="exportResources",
    summary="Export resources (JSON Lines) in a job",
    tags=[RESOURCES, JOBS],
    responses=success(202, "Accepted as a job; `Location` names it.", JobResponse, location=True),
)
def post_export(body: Annotated[ExportRequest, Body()] = _EVERYTHING) -> Any:
    # An empty body means `{}` (the default); a JSON `null` body is refused (400) earlier.
    svc = container().jobs
    job = submit_export(current_caller(app).workspace_id, body, svc)
    metrics.add_metric(name="ExportJobSubmitted", unit=MetricUnit.Count, value=1)
    return accepted(job, svc)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.READ, body=BodyMode.OPTIONAL)
