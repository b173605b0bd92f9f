"""DELETE /v1/resources/{id}: delete permanently; 204 with no body."""

from plinth.http.dependencies import CurrentCaller, Resources
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import ResourceId
from plinth.logic.resources import delete_resource
from plinth.models.auth import Scope

endpoint = Endpoint(
    method="DELETE",
    path="/v1/resources/{resource_id}",
    operation_id="deleteResource",
    summary="Delete a resource",
    scope=Scope.WRITE,
    success=Success(204, "Deleted; no body."),
    metric="ResourceDeleted",
)


@endpoint.route
def remove_resource(
    resource_id: ResourceId, caller: CurrentCaller, resources: Resources
) -> Response[str]:
    delete_resource(caller.workspace_id, resource_id, resources)
    return endpoint.respond()


lambda_handler = endpoint.lambda_handler
