"""Errors → HTTP, in one place: each error class's status and headers, the SPEC §3 body,
and the errors only the HTTP edge raises. The OpenAPI document's error responses are
derived from `STATUS` and the classes' docstrings (`plinth_tools.openapi`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.metrics import MetricUnit

from plinth.errors import (
    DependencyUnavailable,
    Forbidden,
    NotFound,
    PlinthError,
    RateLimited,
    RetryableError,
    Unauthorized,
    ValidationFailed,
)
from plinth.logic.rate_limit import WINDOW_SECONDS, RateLimitExceeded, RateLimitState
from plinth.observability import logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

JSON = content_types.APPLICATION_JSON
# RFC 6750 §3, on every 401 (template.yaml's UNAUTHORIZED gateway response too).
WWW_AUTHENTICATE = 'Bearer realm="plinth"'


class InvalidJson(PlinthError):
    """Malformed body: empty, not UTF-8, not JSON, not an object, a key repeated in one
    object, or not sent as JSON."""

    code = "invalid_json"


class PayloadTooLarge(PlinthError):
    """Body over 1 MiB, or 5 MiB for bulk."""

    code = "payload_too_large"


class MethodNotAllowed(PlinthError):
    """The path does not serve this method (an id that is another route's name, such as
    `bulk`, meets that route); `Allow` lists the methods it serves."""

    code = "method_not_allowed"

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f"{method} is not allowed here; use {', '.join(allowed)}.")
        self.allowed = allowed


class IdempotencyKeyInUse(RetryableError):
    """A request with this Idempotency-Key is still running."""

    code = "idempotency_key_in_use"


class IdempotencyKeyReused(PlinthError):
    """An Idempotency-Key reused with another body."""

    code = "idempotency_key_reused"


# The most specific class listed decides (an error's MRO is walked).
STATUS: dict[type[PlinthError], int] = {
    InvalidJson: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    MethodNotAllowed: 405,
    IdempotencyKeyInUse: 409,
    PayloadTooLarge: 413,
    ValidationFailed: 422,
    IdempotencyKeyReused: 422,
    RateLimited: 429,
    PlinthError: 500,
    DependencyUnavailable: 503,
}


def status_of(error: PlinthError) -> int:
    return next(STATUS[cls] for cls in type(error).__mro__ if cls in STATUS)


def rate_limit_headers(state: RateLimitState) -> dict[str, str]:
    """IETF httpapi RateLimit fields, draft 10."""
    headers = {"RateLimit-Policy": f'"workspace";q={state.limit};w={WINDOW_SECONDS}'}
    if state.remaining is not None:
        headers["RateLimit"] = f'"workspace";r={state.remaining};t={state.reset_seconds}'
    return headers


# The headers an error carries: (class, header, its value for an error of that class).
_HEADERS: tuple[tuple[type[PlinthError], str, Callable[[Any], str]], ...] = (
    (Unauthorized, "WWW-Authenticate", lambda _: WWW_AUTHENTICATE),
    (MethodNotAllowed, "Allow", lambda error: ", ".join(error.allowed)),
    (RetryableError, "Retry-After", lambda error: str(error.retry_after)),
)


def header_names(cls: type[PlinthError]) -> list[str]:
    """The headers every error of this class carries (for the OpenAPI document)."""
    return [name for owner, name, _ in _HEADERS if issubclass(cls, owner)]


def headers_of(error: PlinthError) -> dict[str, str]:
    headers = {name: value(error) for owner, name, value in _HEADERS if isinstance(error, owner)}
    if isinstance(error, RateLimitExceeded):
        headers |= rate_limit_headers(error.state)
    return headers


def error_body(code: str, message: str, param: str | None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "param": param}}


def error_response(error: PlinthError) -> Response[str]:
    status = status_of(error)
    metrics.add_metric(name=f"Http{status}", unit=MetricUnit.Count, value=1)
    if status >= 500:
        logger.exception("request failed", extra={"code": error.code})
    else:
        logger.info("request rejected", extra={"code": error.code, "param": error.param})
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps(error_body(error.code, error.message, error.param)),
        headers=headers_of(error),
    )


def param_from_loc(loc: tuple[Any, ...]) -> str | None:
    """(`body`, `metadata`, `k`) → `metadata.k`; a bad metadata *key* names `metadata`.
    A field name is kept exactly as sent, the empty name `""` included."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "path", "header"):
        # A parameter's name, never the union member pydantic tried (`status.str-enum[…]`).
        return parts[1] if len(parts) > 1 else None
    if parts and parts[0] == "body":
        parts = parts[1:]
    if "[key]" in parts:
        parts = parts[: parts.index("[key]") - 1]
    return ".".join(parts) if parts else None


# The error type of a validator's own `PydanticCustomError` whose message is a whole
# sentence, answered as it is (`plinth.http.query`).
WORDED = "plinth_worded"


def _validation_message(error: dict[str, Any], param: str | None) -> str:
    kind = error.get("type")
    if kind == WORDED:
        return str(error.get("msg"))
    if kind == "missing":
        return f"The '{param}' field is required."
    if kind == "extra_forbidden":
        return f"Unknown field '{param}'."
    return f"Invalid '{param}': {error.get('msg', 'invalid value')}."


def validation_failure(exc: RequestValidationError) -> ValidationFailed:
    # An unknown field is reported before anything else (SPEC §3): `{"nmae": "x"}` is a
    # typo of `name`, more useful to hear about than the missing `name` it causes.
    errors = sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")
    first = errors[0] if errors else {}
    param = param_from_loc(tuple(first.get("loc", ())))
    return ValidationFailed(_validation_message(first, param), param=param)
