"""POST /v1/resources: create a resource."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import BodyMode, create_app, current_caller, handle, json_response
from plinth.container import container
from plinth.logic.resources import create_resource
from plinth.models.auth import Scope
from plinth.models.resource import ResourceCreate, ResourceResponse
from plinth.observability import logger, metrics
from plinth.route_docs import RESOURCES, success

app = create_app()


@app.post(
    "/v1/resources",
    operation_id="createResource",
    summary="Create a resource",
    tags=[RESOURCES],
    responses=success(201, "Created; `Location` names it.", ResourceResponse, location=True),
)
def post_resource(body: Annotated[ResourceCreate, Body()]) -> Any:
    caller = current_caller(app)
    resource = create_resource(caller.workspace_id, body, container().resources)
    metrics.add_metric(name="ResourceCreated", unit=MetricUnit.Count, value=1)
    return json_response(
        201,
        ResourceResponse.from_domain(resource).to_json_dict(),
        {"Location": f"/v1/resources/{resource.id}"},
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.WRITE, body=BodyMode.REQUIRED)
