"""SnapStart: environments resumed from one snapshot never repeat ids or random draws.

Simulated with fork(): the parent initializes the id generator (and mints an id, so the
generator holds state), each child is an environment 'restored' from that memory. With
the registered after-restore hooks run, the children's ids never collide; without them,
they do (so removing the hook fails this test).
"""

from __future__ import annotations

import json
import os
import random

import pytest

from plinth import ids, snapstart

IDS_PER_CHILD = 2000
FROZEN_MS = 1_800_000_000_000  # every environment resumes in the same millisecond


def _restored_child(run_hooks: bool) -> dict[str, list]:
    """Fork; in the child optionally run the after-restore hooks, then mint ids and draw
    from `random`. Returns what the child produced."""
    snapshot_random = random.getstate()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the restored environment
        try:
            os.close(read_fd)
            # fork() reseeds `random` in the child (an at-fork hook of the random module);
            # a SnapStart restore runs no such hook: put the snapshot's state back.
            random.setstate(snapshot_random)
            if run_hooks:
                snapstart.run_after_restore_hooks()
            produced = {
                "ids": [ids.new_resource_id() for _ in range(IDS_PER_CHILD)],
                "random": [random.random() for _ in range(5)],
            }
            with os.fdopen(write_fd, "w") as pipe:
                json.dump(produced, pipe)
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        produced = json.load(pipe)
    os.waitpid(pid, 0)
    return produced


@pytest.fixture
def snapshot(monkeypatch):
    """The parent's state at snapshot time: a frozen clock and one id already minted."""
    monkeypatch.setattr(ids._generator, "_clock_ms", lambda: FROZEN_MS)
    ids._generator.reseed()
    ids.new_resource_id()
    random.seed(1234)
    yield
    ids._generator.reseed()


def test_restored_environments_with_hooks_never_repeat_ids_or_random_draws(snapshot):
    first, second = _restored_child(run_hooks=True), _restored_child(run_hooks=True)
    assert len(set(first["ids"])) == len(set(second["ids"])) == IDS_PER_CHILD
    assert not set(first["ids"]) & set(second["ids"])
    assert first["random"] != second["random"]
    # Still time-ordered and monotonic within each environment.
    assert first["ids"] == sorted(first["ids"])
    assert {ids.ulid_timestamp_ms(i.removeprefix("res_")) for i in first["ids"]} == {FROZEN_MS}


def test_without_the_hooks_restored_environments_repeat_each_other(snapshot):
    """The control: what the hooks prevent is real."""
    first, second = _restored_child(run_hooks=False), _restored_child(run_hooks=False)
    assert first["ids"] == second["ids"]
    assert first["random"] == second["random"]


def test_hooks_are_registered_by_importing_the_id_module():
    hooks = [hook for hook, _, _ in snapstart.after_restore_hooks()]
    assert ids._generator.reseed in hooks
    assert snapstart._reseed_random in hooks
