"""GET /v1/events/{id}: one event of the last 30 days."""

from plinth.http.dependencies import CurrentCaller, Events
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import EventId
from plinth.logic.event_log import get_event
from plinth.models.auth import Scope
from plinth.models.event import EventResponse

endpoint = Endpoint(
    method="GET",
    path="/v1/events/{event_id}",
    operation_id="getEvent",
    summary="Get an event",
    scope=Scope.EVENTS_READ,
    success=Success(200, "The event.", EventResponse),
    metric="EventRead",
)


@endpoint.route
def read_event(event_id: EventId, caller: CurrentCaller, store: Events) -> Response[str]:
    return endpoint.respond(
        EventResponse.from_domain(get_event(caller.workspace_id, event_id, store))
    )


lambda_handler = endpoint.lambda_handler
