"""The domain's errors: what went wrong, in SPEC §3's machine codes, with the `param` it
concerns. They know no HTTP: `plinth.http.errors` maps each to its status and headers,
in one place; the errors only the HTTP edge raises live there too.
"""

from __future__ import annotations


class PlinthError(Exception):
    """A bug: the message never leaks internals."""

    code: str = "internal_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class Unauthorized(PlinthError):
    """Missing or invalid API key."""

    code = "unauthorized"


class Forbidden(PlinthError):
    """The key lacks the scope this endpoint needs."""

    code = "forbidden"


class NotFound(PlinthError):
    """Unknown id, or another workspace's id."""

    code = "not_found"


class ValidationFailed(PlinthError):
    """A field, query parameter or header failed validation; `param` names it."""

    code = "validation_error"


class RetryableError(PlinthError):
    """Worth retrying after `retry_after` seconds (at least 1)."""

    def __init__(self, message: str, *, retry_after: int = 1, param: str | None = None) -> None:
        super().__init__(message, param=param)
        self.retry_after = max(1, retry_after)


class RateLimited(RetryableError):
    """Over the workspace's rate limit."""

    code = "rate_limited"


class DependencyUnavailable(RetryableError):
    """A dependency (DynamoDB, SQS, S3, Secrets Manager) is throttling, timed out or down."""

    code = "service_unavailable"


class ConditionFailed(Exception):
    """A conditional write lost: the domain decides what that means."""
