"""POST /v1/events/{id}/redeliver: queue an event again for its endpoints (or one)."""

from plinth.http.body import BodyMode, JsonBody
from plinth.http.dependencies import CurrentCaller
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import EventId
from plinth.http.webhooks import WebhookDesk
from plinth.logic.webhooks import redeliver
from plinth.models.auth import Scope
from plinth.models.webhook import RedeliverRequest, Redelivery

endpoint = Endpoint(
    method="POST",
    path="/v1/events/{event_id}/redeliver",
    operation_id="redeliverEvent",
    summary="Redeliver an event to webhook endpoints",
    scope=Scope.WEBHOOKS_WRITE,
    success=Success(202, "Queued; delivered within seconds.", Redelivery, creates=False),
    metric="EventRedelivered",
    body=BodyMode.OPTIONAL,
    details="Every endpoint that receives the type, or only `endpoint`; same `webhook-id`.",
)


@endpoint.route
def post_redelivery(
    event_id: EventId,
    caller: CurrentCaller,
    desk: WebhookDesk,
    body: JsonBody[RedeliverRequest] = RedeliverRequest(),  # noqa: B008 - empty: all endpoints
) -> Response[str]:
    sent = redeliver(caller.workspace_id, event_id, desk, only=body.endpoint)
    return endpoint.respond(Redelivery(event=event_id, endpoints=sent))


lambda_handler = endpoint.lambda_handler
