"""Every error the API can answer with. `plinth.api` maps them to HTTP in one place."""

from __future__ import annotations

# RFC 6750 §3, on every 401 (template.yaml's UNAUTHORIZED gateway response too).
WWW_AUTHENTICATE = 'Bearer realm="plinth"'


class PlinthError(Exception):
    """An error with a place in SPEC §3: HTTP status, machine code, optional param."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param

    def headers(self) -> dict[str, str]:
        return {}


class InvalidJson(PlinthError):
    status, code = 400, "invalid_json"


class Unauthorized(PlinthError):
    status, code = 401, "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": WWW_AUTHENTICATE}


class Forbidden(PlinthError):
    status, code = 403, "forbidden"


class NotFound(PlinthError):
    status, code = 404, "not_found"


class MethodNotAllowed(PlinthError):
    status, code = 405, "method_not_allowed"

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f"{method} is not allowed here; use {', '.join(allowed)}.")
        self.allowed = allowed

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)}


class PayloadTooLarge(PlinthError):
    status, code = 413, "payload_too_large"


class ValidationFailed(PlinthError):
    status, code = 422, "validation_error"


class _RetryableError(PlinthError):
    def __init__(self, message: str, *, retry_after: int = 1, param: str | None = None) -> None:
        super().__init__(message, param=param)
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class RateLimited(_RetryableError):
    status, code = 429, "rate_limited"


class DependencyUnavailable(_RetryableError):
    """A dependency (DynamoDB, SQS, S3, Secrets Manager) throttled, timed out or failed."""

    status, code = 503, "service_unavailable"


class IdempotencyKeyInUse(_RetryableError):
    status, code = 409, "idempotency_key_in_use"


class IdempotencyKeyReused(PlinthError):
    status, code = 422, "idempotency_key_reused"


class ConditionFailed(Exception):
    """A conditional write lost: the domain decides what that means."""
