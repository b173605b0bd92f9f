"""GET /v1/webhook_endpoints/{id}: one endpoint (status, failingSince), never its secret."""

from plinth.http.dependencies import CurrentCaller, WebhookEndpoints
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import WebhookEndpointId
from plinth.logic.webhooks import get_endpoint
from plinth.models.auth import Scope
from plinth.models.webhook import WebhookEndpointResponse

endpoint = Endpoint(
    method="GET",
    path="/v1/webhook_endpoints/{endpoint_id}",
    operation_id="getWebhookEndpoint",
    summary="Get a webhook endpoint",
    scope=Scope.WEBHOOKS_READ,
    success=Success(200, "The webhook endpoint.", WebhookEndpointResponse),
    metric="WebhookEndpointRead",
)


@endpoint.route
def read_webhook_endpoint(
    endpoint_id: WebhookEndpointId, caller: CurrentCaller, store: WebhookEndpoints
) -> Response[str]:
    item = get_endpoint(caller.workspace_id, endpoint_id, store)
    return endpoint.respond(WebhookEndpointResponse.from_item(item))


lambda_handler = endpoint.lambda_handler
