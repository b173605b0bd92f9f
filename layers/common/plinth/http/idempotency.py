"""`Idempotency-Key` on every POST (SPEC §6), with Powertools idempotency.

A resolver middleware of every POST endpoint (`plinth.http.endpoint`), so it runs after
request validation; only POST functions import it. The key is built from explicit,
validated values (workspace, endpoint, header value) through `idempotent_function`, never
from a JMESPath over the raw event; a missing header means no idempotency. The canonical
JSON of the body is the validated payload. Only 2xx responses are stored: anything else
is raised through Powertools (which then deletes the in-progress record) and returned as
is.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.utilities.idempotency import (
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

from plinth.container import container
from plinth.errors import DependencyUnavailable, ValidationFailed
from plinth.http.errors import IdempotencyKeyInUse, IdempotencyKeyReused
from plinth.observability import logger

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL_SECONDS = 24 * 60 * 60
_VALID_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")


class _NotStored(Exception):
    """Carries a non-2xx response out of the idempotent function, so it is not stored."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__("not stored")
        self.response = response


def idempotency_key(headers: dict[str, str] | None) -> str | None:
    """The header's value (name matched case-insensitively), validated; None if absent."""
    values = [v for k, v in (headers or {}).items() if k.lower() == HEADER.lower()]
    if not values:
        return None
    value = values[-1]
    if not _VALID_KEY.match(value):
        raise ValidationFailed(f"{HEADER} must be 1-255 printable ASCII characters.", param=HEADER)
    return value


def _mark_replayed(response: Any, idempotent_data: DataRecord) -> Any:
    """Powertools calls this on replays only."""
    del idempotent_data
    return response | {"headers": response["headers"] | {REPLAYED_HEADER: "true"}}


@cache
def _config() -> IdempotencyConfig:
    return IdempotencyConfig(
        event_key_jmespath="[workspace, endpoint, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=TTL_SECONDS,
        raise_on_no_idempotency_key=True,
        response_hook=_mark_replayed,
    )


def _serialize(response: Response[Any]) -> dict[str, Any]:
    headers = {k: v for k, v in response.headers.items() if isinstance(v, str)}
    return {
        "status": response.status_code,
        "contentType": response.content_type,
        "headers": headers,
        "body": response.body if isinstance(response.body, str) else "",
    }


def _deserialize(stored: dict[str, Any]) -> Response[str]:
    return Response(
        status_code=int(stored["status"]),
        content_type=stored.get("contentType"),
        body=stored["body"],
        headers=dict(stored["headers"]),
    )


def idempotency_middleware(
    app: APIGatewayRestResolver, next_middleware: NextMiddleware
) -> Response[Any]:
    """Resolver middleware: POST routes become idempotent when the header is sent."""
    event = app.current_event
    if event.http_method != "POST":
        return next_middleware(app)
    key = idempotency_key(event.headers)
    if key is None:
        return next_middleware(app)
    config = _config()
    config.register_lambda_context(app.lambda_context)

    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="request",
        persistence_store=container().idempotency_store,
        config=config,
        key_prefix="plinth",
    )
    def respond(request: dict[str, Any]) -> dict[str, Any]:
        del request
        response = _serialize(next_middleware(app))
        answered.append(response)
        if not 200 <= response["status"] < 300:
            raise _NotStored(response)
        return response

    answered: list[dict[str, Any]] = []

    request = {
        "workspace": app.context["caller"].workspace_id,
        "endpoint": f"POST {event.resource}",
        "key": key,
        "body": event.json_body if event.body else {},
    }
    try:
        return _deserialize(respond(request=request))
    except _NotStored as not_stored:
        return _deserialize(not_stored.response)
    except IdempotencyAlreadyInProgressError as exc:
        raise IdempotencyKeyInUse(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            param=HEADER,
        ) from exc
    except IdempotencyValidationError as exc:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used with a different request body.", param=HEADER
        ) from exc
    except IdempotencyPersistenceLayerError as exc:
        if answered:
            # The operation ran (and, for a 2xx, its effects are stored): its answer is the
            # truth. A 503 would invite a retry that the unsettled record answers with 409
            # until it expires (the invocation's remaining time), then runs again.
            logger.warning("idempotency record not settled", exc_info=exc)
            return _deserialize(answered[0])
        raise DependencyUnavailable("A dependency is unavailable; retry shortly.") from exc
