"""POST /v1/api_keys: mint a key in the caller's workspace (the secret is shown once)."""

from plinth.http.body import JsonBody
from plinth.http.dependencies import CurrentCaller, Keys, Workspaces
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.logic.key_api import issue_key
from plinth.models.api_key import ApiKeyCreate, ApiKeyCreated
from plinth.models.auth import Scope

endpoint = Endpoint(
    method="POST",
    path="/v1/api_keys",
    operation_id="createApiKey",
    summary="Create an API key",
    scope=Scope.KEYS_WRITE,
    success=Success(201, "Created; `secret` is shown only in this answer.", ApiKeyCreated),
    metric="ApiKeyCreated",
    details="The new key may hold only scopes the calling key holds (else 403).",
)


@endpoint.route
def post_api_key(
    body: JsonBody[ApiKeyCreate], caller: CurrentCaller, keys: Keys, workspaces: Workspaces
) -> Response[str]:
    scopes = [s.value for s in body.scopes]
    item, secret = issue_key(
        caller, scopes, keys, workspaces, name=body.name, expires_in_s=body.expires_in
    )
    created = ApiKeyCreated.minted(item, secret)
    return endpoint.respond(created, location=f"/v1/api_keys/{item.keyId}")


lambda_handler = endpoint.lambda_handler
