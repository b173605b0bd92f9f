"""GET /v1/events: the audit log, newest first, optional type filter, signed cursors."""

from plinth.http.dependencies import CurrentCaller, Events, SigningKey
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.query import Cursor, EventTypeQuery, Limit
from plinth.logic.event_log import list_events
from plinth.models.auth import Scope
from plinth.models.event import EventList

endpoint = Endpoint(
    method="GET",
    path="/v1/events",
    operation_id="listEvents",
    summary="List events of the last 30 days, newest first",
    scope=Scope.EVENTS_READ,
    success=Success(200, "A page of events, newest first.", EventList),
    metric="EventsListed",
)


@endpoint.route
def get_events(
    caller: CurrentCaller,
    store: Events,
    key: SigningKey,
    limit: Limit = 20,
    event_type: EventTypeQuery = None,
    cursor: Cursor = None,
) -> Response[str]:
    page = list_events(
        caller.workspace_id, store, key, limit=limit, event_type=event_type, cursor=cursor
    )
    return endpoint.respond(EventList.of(page.items, page.has_more, page.next_cursor))


lambda_handler = endpoint.lambda_handler
