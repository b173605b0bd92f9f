"""Lambda SnapStart runtime hooks (template parameter `SnapStart`).

With SnapStart, Lambda initializes a function once, snapshots its memory and resumes many
execution environments from that one snapshot, so anything held in memory at snapshot
time is shared by all of them. Modules that hold such state register an after-restore
hook here (docs/performance.md, "SnapStart", reviews what is and is not affected).

The hooks go to `snapshot_restore_py`, which Lambda's Python managed runtimes provide
(it is not a layer requirement); elsewhere (tests, the local stack) a local registry with
the same shape keeps them, so tests can run them the way Lambda does on restore.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from types import ModuleType
from typing import Any

Hook = Callable[[], Any]


def _runtime_hooks() -> ModuleType | None:
    try:
        import snapshot_restore_py  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # outside Lambda's Python runtime
        return None
    return snapshot_restore_py  # type: ignore[no-any-return, unused-ignore]


_runtime = _runtime_hooks()

_local_hooks: list[tuple[Hook, tuple[Any, ...], dict[str, Any]]] = []


def register_after_restore(hook: Hook) -> Hook:
    """Run `hook` in every execution environment resumed from a snapshot (in order of
    registration, before it serves a request)."""
    if _runtime is not None:
        _runtime.register_after_restore(hook)
    else:
        _local_hooks.append((hook, (), {}))
    return hook


def after_restore_hooks() -> list[tuple[Hook, tuple[Any, ...], dict[str, Any]]]:
    if _runtime is not None:
        return list(_runtime.get_after_restore())
    return list(_local_hooks)


def run_after_restore_hooks() -> None:
    """What Lambda does when it resumes an environment from the snapshot."""
    for hook, args, kwargs in after_restore_hooks():
        hook(*args, **kwargs)


@register_after_restore
def _reseed_random() -> None:
    # `random` (shard choice, retry jitter) would replay the same sequence in every
    # environment: the same jitter defeats its purpose. Reseeded from os.urandom.
    random.seed()
