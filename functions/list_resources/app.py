"""GET /v1/resources: newest first, optional status filter, signed cursors."""

from plinth.http.dependencies import CurrentCaller, Resources, SigningKey
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.query import Cursor, Limit, ResourceStatusFilter
from plinth.logic.resources import list_resources
from plinth.models.auth import Scope
from plinth.models.resource import ResourceList

endpoint = Endpoint(
    method="GET",
    path="/v1/resources",
    operation_id="listResources",
    summary="List resources, newest first",
    scope=Scope.READ,
    success=Success(200, "A page of resources, newest first.", ResourceList),
    metric="ResourcesListed",
)


@endpoint.route
def get_resources(
    caller: CurrentCaller,
    repo: Resources,
    key: SigningKey,
    limit: Limit = 20,
    status: ResourceStatusFilter = None,
    cursor: Cursor = None,
) -> Response[str]:
    page = list_resources(
        caller.workspace_id, limit=limit, status=status, cursor=cursor, repo=repo, signing_key=key
    )
    return endpoint.respond(ResourceList.of(page.items, page.has_more, page.next_cursor))


lambda_handler = endpoint.lambda_handler
