"""GET /v1/resources/{id}: fetch one resource."""

from plinth.http.dependencies import CurrentCaller, Resources
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import ResourceId
from plinth.logic.resources import get_resource
from plinth.models.auth import Scope
from plinth.models.resource import ResourceResponse

endpoint = Endpoint(
    method="GET",
    path="/v1/resources/{resource_id}",
    operation_id="getResource",
    summary="Get a resource",
    scope=Scope.READ,
    success=Success(200, "The resource.", ResourceResponse),
    metric="ResourceRead",
)


@endpoint.route
def read_resource(
    resource_id: ResourceId, caller: CurrentCaller, resources: Resources
) -> Response[str]:
    resource = get_resource(caller.workspace_id, resource_id, resources)
    return endpoint.respond(ResourceResponse.from_domain(resource))


lambda_handler = endpoint.lambda_handler
