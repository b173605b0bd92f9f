"""Sharded rate-limit counters: how many shards, each shard's share, which item a request
counts on, and the RateLimit estimate (pure logic, fake repository)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plinth.http.errors import headers_of, rate_limit_headers
from plinth.logic.rate_limit import (
    SHARD_CAPACITY,
    RateLimiter,
    RateLimitExceeded,
    shard_count,
    shard_limit,
)
from plinth.repositories.rate_limits import WindowFull, bucket_key


class FakeCounters:
    """The repository's contract: count per (workspace, window, shard) against a limit."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.limits: dict[str, int] = {}

    def hit(self, workspace_id: str, window_start: int, limit: int, shard: int | None = None):
        key = bucket_key(workspace_id, window_start, shard)
        self.limits[key] = limit
        if self.hits[key] >= limit:
            raise WindowFull
        self.hits[key] += 1
        return self.hits[key]


@pytest.mark.parametrize(
    ("limit", "shards"),
    [(1, 1), (50, 1), (SHARD_CAPACITY, 1), (SHARD_CAPACITY + 1, 2), (2000, 4), (2001, 5)],
)
def test_shard_count_splits_only_above_the_capacity_of_one_item(limit, shards):
    assert shard_count(limit) == shards


@given(st.integers(min_value=1, max_value=1_000_000))
def test_shard_shares_add_up_to_the_limit_and_differ_by_at_most_one(limit):
    shards = shard_count(limit)
    shares = [shard_limit(limit, shards, i) for i in range(shards)]
    assert sum(shares) == limit
    assert max(shares) - min(shares) <= 1
    assert max(shares) <= SHARD_CAPACITY
    assert min(shares) >= 1


def test_unsharded_limit_counts_on_the_plain_window_key():
    counters = FakeCounters()
    limiter = RateLimiter(counters, clock=lambda: 1_800_000_000.5)  # type: ignore[arg-type]
    state = limiter.check("ws_a", SHARD_CAPACITY)
    assert dict(counters.hits) == {"ws_a#1800000000": 1}
    assert counters.limits == {"ws_a#1800000000": SHARD_CAPACITY}
    assert state.remaining == SHARD_CAPACITY - 1


def test_sharded_limit_counts_on_the_chosen_shard_against_its_share():
    counters = FakeCounters()
    chosen = iter([3, 0])
    limiter = RateLimiter(
        counters,  # type: ignore[arg-type]
        clock=lambda: 1_800_000_000.5,
        choose_shard=lambda shards: next(chosen),
    )
    first = limiter.check("ws_big", 2001)  # 5 shards: 401, 400, 400, 400, 400
    second = limiter.check("ws_big", 2001)
    assert dict(counters.hits) == {"ws_big#1800000000#3": 1, "ws_big#1800000000#0": 1}
    assert counters.limits == {"ws_big#1800000000#3": 400, "ws_big#1800000000#0": 401}
    # remaining: this shard's room times the shards
    assert first.remaining == (400 - 1) * 5
    assert second.remaining == min(2001, (401 - 1) * 5)
    assert rate_limit_headers(first)["RateLimit-Policy"] == '"workspace";q=2001;w=1'


def test_full_shard_refuses_even_when_another_has_room():
    """The documented trade-off: the refusal is per shard."""
    counters = FakeCounters()
    limiter = RateLimiter(
        counters,  # type: ignore[arg-type]
        clock=lambda: 1_800_000_000.5,
        choose_shard=lambda shards: 0,
    )
    for _ in range(500):
        limiter.check("ws_big", 1000)
    with pytest.raises(RateLimitExceeded) as refused:
        limiter.check("ws_big", 1000)
    assert refused.value.state.remaining == 0
    assert headers_of(refused.value)["Retry-After"] == "1"
    assert sum(counters.hits.values()) == 500  # half the limit used, shard 1 untouched


def test_default_shard_choice_spreads_over_every_shard():
    counters = FakeCounters()
    limiter = RateLimiter(counters, clock=lambda: 1_800_000_000.5)  # type: ignore[arg-type]
    for _ in range(400):
        limiter.check("ws_big", 2000)
    per_shard = {k.rsplit("#", 1)[1]: v for k, v in counters.hits.items()}
    assert set(per_shard) == {"0", "1", "2", "3"}
    assert min(per_shard.values()) > 50  # 100 each on average; P(any ≤ 50) ≈ 1e-9
