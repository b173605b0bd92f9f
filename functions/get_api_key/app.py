"""GET /v1/api_keys/{id}: one key of the workspace, without its secret."""

from plinth.http.dependencies import CurrentCaller, Keys
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import KeyId
from plinth.logic.key_api import workspace_key
from plinth.models.api_key import ApiKeyResponse
from plinth.models.auth import Scope

endpoint = Endpoint(
    method="GET",
    path="/v1/api_keys/{key_id}",
    operation_id="getApiKey",
    summary="Get an API key",
    scope=Scope.KEYS_READ,
    success=Success(200, "The key (never its secret).", ApiKeyResponse),
    metric="ApiKeyRead",
)


@endpoint.route
def read_api_key(key_id: KeyId, caller: CurrentCaller, keys: Keys) -> Response[str]:
    return endpoint.respond(
        ApiKeyResponse.from_item(workspace_key(caller.workspace_id, key_id, keys))
    )


lambda_handler = endpoint.lambda_handler
