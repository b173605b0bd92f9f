"""POST /v1/webhook_endpoints: receive events, signed (the secret is shown once)."""

from plinth.http.body import JsonBody
from plinth.http.dependencies import CurrentCaller
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.webhooks import WebhookDesk
from plinth.logic.webhooks import create_endpoint
from plinth.models.auth import Scope
from plinth.models.webhook import WebhookEndpointCreate, WebhookEndpointCreated

endpoint = Endpoint(
    method="POST",
    path="/v1/webhook_endpoints",
    operation_id="createWebhookEndpoint",
    summary="Create a webhook endpoint",
    scope=Scope.WEBHOOKS_WRITE,
    success=Success(201, "Created; `secret` is shown only here.", WebhookEndpointCreated),
    metric="WebhookEndpointCreated",
    details="Deliveries are signed (Standard Webhooks), retried for about 28 hours. "
    "At most 16 endpoints per workspace.",
)


@endpoint.route
def post_webhook_endpoint(
    body: JsonBody[WebhookEndpointCreate], caller: CurrentCaller, desk: WebhookDesk
) -> Response[str]:
    item = create_endpoint(caller.workspace_id, body, desk)
    created = WebhookEndpointCreated.created(item)
    return endpoint.respond(created, location=f"/v1/webhook_endpoints/{item.id}")


lambda_handler = endpoint.lambda_handler
