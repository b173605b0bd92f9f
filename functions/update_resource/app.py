"""PATCH /v1/resources/{id}: change the fields sent."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import BodyMode, create_app, current_caller, handle, json_response
from plinth.container import container
from plinth.logic.resources import update_resource
from plinth.models.auth import Scope
from plinth.models.resource import ResourcePatch, ResourceResponse
from plinth.observability import logger, metrics
from plinth.route_docs import RESOURCES, success

app = create_app()


@app.patch(
    "/v1/resources/<resource_id>",
    operation_id="updateResource",
    summary="Update a resource",
    description="Only the fields sent change; `{}` changes nothing.",
    tags=[RESOURCES],
    responses=success(200, "The updated resource.", ResourceResponse),
)
def patch_resource(resource_id: str, body: Annotated[ResourcePatch, Body()]) -> Any:
    caller = current_caller(app)
    resource = update_resource(caller.workspace_id, resource_id, body, container().resources)
    metrics.add_metric(name="ResourceUpdated", unit=MetricUnit.Count, value=1)
    return json_response(200, ResourceResponse.from_domain(resource).to_json_dict())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.WRITE, body=BodyMode.REQUIRED)
