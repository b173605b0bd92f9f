"""GET /v1/resources: newest first, optional status filter, signed cursors."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic.json_schema import SkipJsonSchema

from plinth.api import create_app, current_caller, handle, json_response
from plinth.container import container
from plinth.logic.resources import list_resources
from plinth.models.auth import Scope
from plinth.models.resource import ResourceList, ResourceResponse
from plinth.models.types import PageLimit, ResourceStatus
from plinth.observability import logger, metrics
from plinth.route_docs import RESOURCES, success

app = create_app()


@app.get(
    "/v1/resources",
    operation_id="listResources",
    summary="List resources, newest first",
    tags=[RESOURCES],
    responses=success(200, "A page of resources, newest first.", ResourceList),
)
def get_resources(
    limit: Annotated[PageLimit, Query()] = 20,
    status: Annotated[ResourceStatus | SkipJsonSchema[None], Query()] = None,
    cursor: Annotated[str | SkipJsonSchema[None], Query(min_length=1, max_length=512)] = None,
) -> Any:
    caller = current_caller(app)
    page = list_resources(
        caller.workspace_id,
        limit=limit,
        status=status,
        cursor=cursor,
        repo=container().resources,
        signing_key=container().signing_key(),
    )
    metrics.add_metric(name="ResourcesListed", unit=MetricUnit.Count, value=1)
    payload = ResourceList(
        data=[ResourceResponse.from_domain(r) for r in page.items],
        has_more=page.has_more,
        next_cursor=page.next_cursor,
    )
    return json_response(200, payload.to_json_dict())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=Scope.READ)
