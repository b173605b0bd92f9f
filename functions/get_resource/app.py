"""GET /v1/resources/{id}: fetch one resource."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import create_app, current_caller, handle, json_response
from plinth.container import container
from plinth.logic.resources import get_resource
from plinth.models.auth import Scope
from plinth.models.resource import ResourceResponse
from plinth.observability import logger, metrics
from plinth.route_docs import RESOURCES, success

app = create_app()


@app.get(
    "/v1/resources/<resource_id>",
    operation_id="getResource",
    summary="Get a resource",
    tags=[RESOURCES],
    responses=success(200, "The resource.", ResourceResponse),
)
def read_resource(resource_id: str) -> Any:
    caller = current_caller(app)
    resource = get_resource(caller.workspace_id, resource_id, container().resources)
    metrics.add_metric(name="ResourceRead", unit=MetricUnit.Count, value=1)
    return json_response(200, ResourceResponse.from_domain(resource).to_json_dict())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.READ)
