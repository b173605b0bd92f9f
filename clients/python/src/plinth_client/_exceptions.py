"""Every exception the client raises derives from `PlinthError`."""

from __future__ import annotations

from typing import Any

import httpx

from plinth_client._models import Job, JobError
from plinth_client._retry import parse_retry_after


class PlinthError(Exception):
    """Base class of every error raised by this package."""


class APIConnectionError(PlinthError):
    """The request never got an HTTP answer (DNS, refused connection, reset, ...)."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""

    def __init__(self, *, request: httpx.Request) -> None:
        super().__init__("Request timed out.", request=request)


class APIStatusError(PlinthError):
    """The API answered with an error status; the body is `{"error": {code, message, param}}`."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        code: str | None,
        param: str | None,
        body: Any,
    ) -> None:
        super().__init__(f"{response.status_code} {code}: {message}" if code else message)
        self.message = message
        self.response = response
        self.status_code = response.status_code
        self.code = code
        self.param = param
        self.body = body
        self.request_id = response.headers.get("x-request-id")
        self.headers = response.headers


class BadRequestError(APIStatusError):
    """400: the body is not valid JSON or not an object (`invalid_json`)."""


class AuthenticationError(APIStatusError):
    """401: missing, unknown or revoked API key (`unauthorized`)."""


class PermissionDeniedError(APIStatusError):
    """403: the key lacks the scope the endpoint needs (`forbidden`)."""


class NotFoundError(APIStatusError):
    """404: unknown id, another workspace's id, or unknown route (`not_found`)."""


class ConflictError(APIStatusError):
    """409: the same Idempotency-Key is still being processed (`idempotency_key_in_use`)."""


class UnprocessableEntityError(APIStatusError):
    """422: validation failed, or an Idempotency-Key was reused with another request."""


class RateLimitError(APIStatusError):
    """429: over the workspace's rate limit (`rate_limited`)."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        code: str | None,
        param: str | None,
        body: Any,
    ) -> None:
        super().__init__(message, response=response, code=code, param=param, body=body)
        self.retry_after = parse_retry_after(response.headers.get("retry-after"))


class InternalServerError(APIStatusError):
    """5xx: a bug (`internal_error`) or a dependency down (`service_unavailable`)."""


class JobFailedError(PlinthError):
    """`jobs.wait` found the job `failed`; `.error` is the job's `{code, message}`."""

    def __init__(self, job: Job) -> None:
        # SPEC §8: a failed job carries its error; should one not, the failure still surfaces.
        error = job.error or JobError(code="unknown", message="the job failed without an error")
        super().__init__(f"job {job.id} failed: {error.code}: {error.message}")
        self.job = job
        self.error = error
        self.code = error.code
        self.message = error.message


class JobWaitTimeoutError(PlinthError, TimeoutError):
    """`jobs.wait` gave up before the job finished; `.job` is the last state seen."""

    def __init__(self, job: Job, timeout: float) -> None:
        super().__init__(f"job {job.id} still {job.status} after {timeout:g} s")
        self.job = job


class WebhookVerificationError(PlinthError):
    """`webhooks.verify` refused a delivery: a header missing, a timestamp too far from now,
    no matching `v1` signature, or a body that is not a JSON object; answer it with 400.
    Also raised for a secret that is not `whsec_` and base64."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The exception for an error answer; a body that is not the API's shape still maps."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    detail = body.get("error") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        code = detail.get("code") if isinstance(detail.get("code"), str) else None
        message = str(detail.get("message") or response.reason_phrase)
        param = detail.get("param") if isinstance(detail.get("param"), str) else None
    else:
        code, param = None, None
        message = (body if isinstance(body, str) and body else None) or response.reason_phrase
    status = response.status_code
    cls = InternalServerError if status >= 500 else _BY_STATUS.get(status, APIStatusError)
    return cls(message, response=response, code=code, param=param, body=body)
