"""POST /v1/api_keys/{id}/roll: a new secret; the old one works `expiresIn` more seconds."""

from plinth.http.body import BodyMode, JsonBody
from plinth.http.dependencies import CurrentCaller
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.keys import KeyDesk
from plinth.http.path import KeyId
from plinth.logic.key_api import roll_key
from plinth.models.api_key import ApiKeyCreated, ApiKeyRoll
from plinth.models.auth import Scope

endpoint = Endpoint(
    method="POST",
    path="/v1/api_keys/{key_id}/roll",
    operation_id="rollApiKey",
    summary="Roll an API key",
    scope=Scope.KEYS_WRITE,
    success=Success(201, "The new key; `secret` is shown only in this answer.", ApiKeyCreated),
    metric="ApiKeyRolled",
    body=BodyMode.OPTIONAL,
)


@endpoint.route
def post_roll(
    key_id: KeyId,
    caller: CurrentCaller,
    desk: KeyDesk,
    body: JsonBody[ApiKeyRoll] = ApiKeyRoll(),  # noqa: B008 - empty body: no overlap
) -> Response[str]:
    item, secret = roll_key(caller, key_id, body.expires_in, desk)
    created = ApiKeyCreated.minted(item, secret)
    return endpoint.respond(created, location=f"/v1/api_keys/{item.keyId}")


lambda_handler = endpoint.lambda_handler
