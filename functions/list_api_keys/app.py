"""GET /v1/api_keys: the workspace's keys, newest first (revoked ones too), no secrets."""

from plinth.http.dependencies import CurrentCaller, Keys, SigningKey
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.query import Cursor, Limit
from plinth.logic.key_api import list_keys_page
from plinth.models.api_key import ApiKeyList
from plinth.models.auth import Scope

endpoint = Endpoint(
    method="GET",
    path="/v1/api_keys",
    operation_id="listApiKeys",
    summary="List API keys, newest first",
    scope=Scope.KEYS_READ,
    success=Success(200, "A page of API keys, newest first.", ApiKeyList),
    metric="ApiKeysListed",
)


@endpoint.route
def get_api_keys(
    caller: CurrentCaller, keys: Keys, key: SigningKey, limit: Limit = 20, cursor: Cursor = None
) -> Response[str]:
    page = list_keys_page(
        caller.workspace_id, limit=limit, cursor=cursor, keys=keys, signing_key=key
    )
    return endpoint.respond(ApiKeyList.of(page.items, page.has_more, page.next_cursor))


lambda_handler = endpoint.lambda_handler
