"""GET /v1/webhook_endpoints: the workspace's endpoints, newest first, no secrets."""

from plinth.http.dependencies import CurrentCaller, SigningKey, WebhookEndpoints
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.query import Cursor, Limit
from plinth.logic.webhooks import list_endpoints
from plinth.models.auth import Scope
from plinth.models.webhook import WebhookEndpointList

endpoint = Endpoint(
    method="GET",
    path="/v1/webhook_endpoints",
    operation_id="listWebhookEndpoints",
    summary="List webhook endpoints, newest first",
    scope=Scope.WEBHOOKS_READ,
    success=Success(200, "A page of webhook endpoints, newest first.", WebhookEndpointList),
    metric="WebhookEndpointsListed",
)


@endpoint.route
def get_webhook_endpoints(
    caller: CurrentCaller,
    store: WebhookEndpoints,
    key: SigningKey,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response[str]:
    page = list_endpoints(caller.workspace_id, store, key, limit=limit, cursor=cursor)
    return endpoint.respond(WebhookEndpointList.of(page.items, page.has_more, page.next_cursor))


lambda_handler = endpoint.lambda_handler
