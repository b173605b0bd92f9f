"""DELETE /v1/webhook_endpoints/{id}: stop deliveries at once; 204 with no body."""

from plinth.http.dependencies import CurrentCaller, WebhookEndpoints
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import WebhookEndpointId
from plinth.logic.webhooks import delete_endpoint
from plinth.models.auth import Scope

endpoint = Endpoint(
    method="DELETE",
    path="/v1/webhook_endpoints/{endpoint_id}",
    operation_id="deleteWebhookEndpoint",
    summary="Delete a webhook endpoint",
    scope=Scope.WEBHOOKS_WRITE,
    success=Success(204, "Deleted; no body. Queued deliveries to it are dropped."),
    metric="WebhookEndpointDeleted",
)


@endpoint.route
def remove_webhook_endpoint(
    endpoint_id: WebhookEndpointId, caller: CurrentCaller, store: WebhookEndpoints
) -> Response[str]:
    delete_endpoint(caller.workspace_id, endpoint_id, store)
    return endpoint.respond()


lambda_handler = endpoint.lambda_handler
