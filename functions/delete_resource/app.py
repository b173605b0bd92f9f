"""DELETE /v1/resources/{id}: delete permanently; 204 with no body."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import create_app, current_caller, handle, json_response
from plinth.container import container
from plinth.logic.resources import delete_resource
from plinth.models.auth import Scope
from plinth.observability import logger, metrics
from plinth.route_docs import RESOURCES, success

app = create_app()


@app.delete(
    "/v1/resources/<resource_id>",
    operation_id="deleteResource",
    summary="Delete a resource",
    tags=[RESOURCES],
    responses=success(204, "Deleted; no body."),
)
def remove_resource(resource_id: str) -> Any:
    caller = current_caller(app)
    delete_resource(caller.workspace_id, resource_id, container().resources)
    metrics.add_metric(name="ResourceDeleted", unit=MetricUnit.Count, value=1)
    return json_response(204, None)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.WRITE)
