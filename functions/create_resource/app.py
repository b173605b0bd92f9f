"""POST /v1/resources: create a resource."""

from plinth.http.body import JsonBody
from plinth.http.dependencies import CurrentCaller, Resources
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.logic.resources import create_resource
from plinth.models.auth import Scope
from plinth.models.resource import ResourceCreate, ResourceResponse

endpoint = Endpoint(
    method="POST",
    path="/v1/resources",
    operation_id="createResource",
    summary="Create a resource",
    scope=Scope.WRITE,
    success=Success(201, "Created; `Location` names it.", ResourceResponse),
    metric="ResourceCreated",
)


@endpoint.route
def post_resource(
    body: JsonBody[ResourceCreate], caller: CurrentCaller, resources: Resources
) -> Response[str]:
    resource = create_resource(caller.workspace_id, body, resources)
    return endpoint.respond(
        ResourceResponse.from_domain(resource), location=f"/v1/resources/{resource.id}"
    )


lambda_handler = endpoint.lambda_handler
