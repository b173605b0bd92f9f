"""Per-workspace rate limits (SPEC §7): a fixed one-second window per workspace.

Fails open: if the counter itself cannot be reached, the request goes through and the
failure is logged and counted (docs/decisions.md). API Gateway stage throttling stays as
the outer guard.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from plinth.errors import DependencyUnavailable, RateLimited
from plinth.repositories.rate_limits import DynamoRateLimitRepository, WindowFull

WINDOW_SECONDS = 1


@dataclass(frozen=True, slots=True)
class RateLimitState:
    limit: int
    remaining: int | None  # None: the counter was unavailable (failed open)
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        """IETF httpapi RateLimit fields, draft 10."""
        headers = {"RateLimit-Policy": f'"workspace";q={self.limit};w={WINDOW_SECONDS}'}
        if self.remaining is not None:
            headers["RateLimit"] = f'"workspace";r={self.remaining};t={self.reset_seconds}'
        return headers


class RateLimitExceeded(RateLimited):
    def __init__(self, state: RateLimitState) -> None:
        super().__init__(
            f"Rate limit of {state.limit} requests per second exceeded for this workspace.",
            retry_after=state.reset_seconds,
        )
        self.state = state

    def headers(self) -> dict[str, str]:
        return super().headers() | self.state.headers()


class RateLimiter:
    def __init__(
        self,
        repository: DynamoRateLimitRepository,
        clock: Callable[[], float] = time.time,
        on_failure: Callable[[DependencyUnavailable], None] | None = None,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._on_failure = on_failure

    def check(self, workspace_id: str, limit: int) -> RateLimitState:
        """Count this request; raises `RateLimitExceeded` when the window is full."""
        now = self._clock()
        window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        reset = max(1, math.ceil(window_start + WINDOW_SECONDS - now))
        try:
            hits = self._repository.hit(workspace_id, window_start, limit)
        except WindowFull:
            raise RateLimitExceeded(RateLimitState(limit, 0, reset)) from None
        except DependencyUnavailable as failure:
            if self._on_failure is not None:
                self._on_failure(failure)
            return RateLimitState(limit, None, reset)
        return RateLimitState(limit, max(0, limit - hits), reset)
