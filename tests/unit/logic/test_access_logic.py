"""Keys, authentication and the rate limiter on in-memory ports."""

from __future__ import annotations

import pytest

from plinth.errors import DependencyUnavailable, Forbidden, NotFound, Unauthorized, ValidationFailed
from plinth.logic import keys as key_logic
from plinth.logic.auth import authenticate, require_scope
from plinth.logic.rate_limit import RateLimiter, RateLimitExceeded
from tests.unit.logic.fakes import (
    InMemoryCounter,
    InMemoryKeys,
    InMemoryWorkspaces,
    RecordingVerdicts,
)


def test_a_minted_key_authenticates_with_its_workspace_limit_until_revoked():
    keys, workspaces = InMemoryKeys(), InMemoryWorkspaces()
    key_logic.create_workspace("ws_a", 9, workspaces, clock=lambda: 1)
    item, secret = key_logic.create_key("ws_a", ["resources:read"], keys, workspaces)
    caller = authenticate(f"Bearer {secret}", keys, workspaces)
    assert (caller.workspace_id, caller.key_id, caller.rate_limit) == ("ws_a", item.keyId, 9)
    require_scope(caller, "resources:read")
    with pytest.raises(Forbidden):
        require_scope(caller, "resources:write")
    key_logic.revoke_key(item.keyId, keys, RecordingVerdicts(), clock=lambda: 2)
    with pytest.raises(Unauthorized):
        authenticate(f"Bearer {secret}", keys, workspaces)


def test_revoking_flushes_the_cached_verdicts_after_revoking_and_a_failed_flush_raises():
    keys, workspaces, verdicts = InMemoryKeys(), InMemoryWorkspaces(), RecordingVerdicts()
    key_logic.create_workspace("ws_a", None, workspaces)
    item, secret = key_logic.create_key("ws_a", ["resources:read"], keys, workspaces)
    key_logic.revoke_key(item.keyId, keys, verdicts, clock=lambda: 2)
    assert verdicts.flushes == 1
    # A failed flush: the key is revoked all the same, and the caller hears of it (503).
    other, _ = key_logic.create_key("ws_a", ["resources:read"], keys, workspaces)
    failing = RecordingVerdicts(error=DependencyUnavailable("down", retry_after=1))
    with pytest.raises(DependencyUnavailable):
        key_logic.revoke_key(other.keyId, keys, failing, clock=lambda: 3)
    assert sorted(k.revokedAt or 0 for k in keys.list_for_workspace("ws_a")) == [2, 3]
    with pytest.raises(Unauthorized):
        authenticate(f"Bearer {secret}", keys, workspaces)


def test_keys_need_an_existing_workspace_and_known_scopes():
    keys, workspaces = InMemoryKeys(), InMemoryWorkspaces()
    with pytest.raises(NotFound):
        key_logic.create_key("ws_none", ["resources:read"], keys, workspaces)
    key_logic.create_workspace("ws_a", None, workspaces)
    with pytest.raises(ValidationFailed):
        key_logic.create_key("ws_a", ["admin"], keys, workspaces)
    assert keys.items == {}


def test_limiter_admits_the_limit_then_refuses_with_state():
    limiter = RateLimiter(InMemoryCounter(), clock=lambda: 1_800_000_000.5)
    assert [limiter.check("ws_a", 2).remaining for _ in range(2)] == [1, 0]
    with pytest.raises(RateLimitExceeded) as refused:
        limiter.check("ws_a", 2)
    assert (refused.value.state.limit, refused.value.state.remaining) == (2, 0)


def test_limiter_fails_open_and_reports_the_failure():
    failures: list[DependencyUnavailable] = []
    limiter = RateLimiter(
        InMemoryCounter(failing=True), clock=lambda: 1_800_000_000.5, on_failure=failures.append
    )
    state = limiter.check("ws_a", 2)
    assert state.remaining is None
    assert len(failures) == 1
