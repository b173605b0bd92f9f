"""When to retry and how long to wait: pure functions, shared by the sync and async clients."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

INITIAL_DELAY = 0.5  # seconds before the first retry, at most (full jitter)
MAX_DELAY = 8.0  # the exponential backoff's cap
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for: the error is raised


def parse_retry_after(value: str | None, now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - (now or (lambda: datetime.now(UTC)))()).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def is_retryable(response: httpx.Response) -> bool:
    """429, 5xx, and 409 `idempotency_key_in_use`; never any other 4xx."""
    status = response.status_code
    if status == 429 or status >= 500:
        return True
    if status == 409:
        try:
            body = response.json()
        except ValueError:
            return False
        error = body.get("error") if isinstance(body, dict) else None
        return isinstance(error, dict) and error.get("code") == "idempotency_key_in_use"
    return False


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    initial_delay: float = INITIAL_DELAY
    max_delay: float = MAX_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    random: Callable[[], float] = field(default=random.random)

    def backoff(self, retry: int) -> float:
        """Full jitter: uniform in [0, min(max_delay, initial_delay * 2**retry)), retry >= 0."""
        ceiling = min(self.max_delay, self.initial_delay * 2.0**retry)
        return ceiling * self.random()

    def delay(self, retry: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry number `retry` (0-based), or None not to retry.

        A Retry-After the server sent is waited for as given (it knows when the window
        reopens); one beyond `max_retry_after` means giving up now rather than blocking.
        """
        if retry >= self.max_retries:
            return None
        if response is not None:
            if not is_retryable(response):
                return None
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None:
                return retry_after if retry_after <= self.max_retry_after else None
        return self.backoff(retry)
