"""Per-workspace rate limits (SPEC §7): a fixed one-second window per workspace.

Fails open: if the counter itself cannot be reached, the request goes through and the
failure is logged and counted (docs/decisions.md). API Gateway stage throttling stays as
the outer guard.

Sharded counters: a window is one DynamoDB item, and one partition key takes about
1,000 writes per second. Above `SHARD_CAPACITY` requests per second the window is split
into `ceil(limit / SHARD_CAPACITY)` items; each request counts on one shard drawn at
random, against that shard's share of the limit. The shares add up to the limit exactly,
so a window never admits more than the limit; the price is that a request can be refused
while another shard still has room (docs/performance.md works out how often).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from plinth.errors import DependencyUnavailable, RateLimited
from plinth.ports import Counter, WindowFull

WINDOW_SECONDS = 1
# Requests per second one counter item takes: half of DynamoDB's ~1,000 WCU/s per
# partition key, leaving room for bursts inside the second and for the other shards'
# neighbours on the same partition.
SHARD_CAPACITY = 500


def shard_count(limit: int) -> int:
    """How many counter items one window of this limit is split into (1: not sharded)."""
    return max(1, math.ceil(limit / SHARD_CAPACITY))


def shard_limit(limit: int, shards: int, shard: int) -> int:
    """Shard `shard`'s share of the limit: the shares differ by at most one and add up to
    `limit` exactly, so the whole window never admits more than the limit."""
    return limit // shards + (1 if shard < limit % shards else 0)


@dataclass(frozen=True, slots=True)
class RateLimitState:
    limit: int
    remaining: int | None  # None: the counter was unavailable (failed open)
    reset_seconds: int


class RateLimitExceeded(RateLimited):
    def __init__(self, state: RateLimitState) -> None:
        super().__init__(
            f"Rate limit of {state.limit} requests per second exceeded for this workspace.",
            retry_after=state.reset_seconds,
        )
        self.state = state


def _random_shard(shards: int) -> int:
    return random.randrange(shards)  # noqa: S311 (load spreading, not security)


class RateLimiter:
    def __init__(
        self,
        repository: Counter,
        clock: Callable[[], float] = time.time,
        on_failure: Callable[[DependencyUnavailable], None] | None = None,
        choose_shard: Callable[[int], int] = _random_shard,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._on_failure = on_failure
        self._choose_shard = choose_shard

    def check(self, workspace_id: str, limit: int) -> RateLimitState:
        """Count this request (one UpdateItem, sharded or not); raises `RateLimitExceeded`
        when its window (or its shard of the window) is full.

        `remaining` of a sharded window is estimated from the one shard this request
        counted on: its room times the number of shards, at most the limit."""
        now = self._clock()
        window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        reset = max(1, math.ceil(window_start + WINDOW_SECONDS - now))
        shards = shard_count(limit)
        shard = self._choose_shard(shards) if shards > 1 else None
        share = limit if shard is None else shard_limit(limit, shards, shard)
        try:
            hits = self._repository.hit(workspace_id, window_start, share, shard)
        except WindowFull:
            raise RateLimitExceeded(RateLimitState(limit, 0, reset)) from None
        except DependencyUnavailable as failure:
            if self._on_failure is not None:
                self._on_failure(failure)
            return RateLimitState(limit, None, reset)
        return RateLimitState(limit, min(limit, max(0, share - hits) * shards), reset)
