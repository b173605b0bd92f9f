"""PATCH /v1/resources/{id}: change the fields sent."""

from plinth.http.body import JsonBody
from plinth.http.dependencies import CurrentCaller, Resources
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import ResourceId
from plinth.logic.resources import update_resource
from plinth.models.auth import Scope
from plinth.models.resource import ResourcePatch, ResourceResponse

endpoint = Endpoint(
    method="PATCH",
    path="/v1/resources/{resource_id}",
    operation_id="updateResource",
    summary="Update a resource",
    details="Only the fields sent change; `{}` changes nothing.",
    scope=Scope.WRITE,
    success=Success(200, "The updated resource.", ResourceResponse),
    metric="ResourceUpdated",
)


@endpoint.route
def patch_resource(
    resource_id: ResourceId,
    body: JsonBody[ResourcePatch],
    caller: CurrentCaller,
    resources: Resources,
) -> Response[str]:
    resource = update_resource(caller.workspace_id, resource_id, body, resources)
    return endpoint.respond(ResourceResponse.from_domain(resource))


lambda_handler = endpoint.lambda_handler
