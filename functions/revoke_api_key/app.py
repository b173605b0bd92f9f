"""DELETE /v1/api_keys/{id}: revoke a key; its next request is refused."""

from plinth.http.dependencies import CurrentCaller, Keys, Verdicts
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.path import KeyId
from plinth.logic.key_api import revoke_workspace_key
from plinth.models.api_key import ApiKeyResponse
from plinth.models.auth import Scope

endpoint = Endpoint(
    method="DELETE",
    path="/v1/api_keys/{key_id}",
    operation_id="revokeApiKey",
    summary="Revoke an API key",
    scope=Scope.KEYS_WRITE,
    success=Success(200, "Revoked (again: a no-op); the key as it now is.", ApiKeyResponse),
    metric="ApiKeyRevoked",
    details="The gateway's cached verdicts are flushed, so the key is refused from its next "
    "request. A key may revoke itself.",
)


@endpoint.route
def delete_api_key(
    key_id: KeyId, caller: CurrentCaller, keys: Keys, verdicts: Verdicts
) -> Response[str]:
    revoked = revoke_workspace_key(caller.workspace_id, key_id, keys, verdicts)
    return endpoint.respond(ApiKeyResponse.from_item(revoked))


lambda_handler = endpoint.lambda_handler
