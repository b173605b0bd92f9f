"""Lambda, as `plinth dev` runs it: every function in this process, in warm containers.

A container is one instance of the function's module (`plinth_tools.lambdas.load_handler`,
its own module globals and resolver): an invocation takes an idle container or cold-starts
one more, and hands it back when done, so a container serves one invocation at a time, as
in Lambda. Every function runs in this one process, so the functions share its
environment: `apply_function_environment` sets them all, and refuses two that disagree.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Any, Protocol

from plinth_tools import template as tpl
from plinth_tools.lambdas import FakeLambdaContext, Handler, load_handler
from plinth_tools.local import StackError
from plinth_tools.provision import Resolved, function_environment


class Invoker(Protocol):
    """Runs one function: here (`FunctionPool`) or in a Lambda container
    (`plinth_tools.local.sam.LambdaEndpoint`)."""

    spec: tpl.FunctionSpec

    def invoke(self, event: dict[str, Any], request_id: str) -> Any: ...


class FunctionPool:
    """The warm containers of one function. Containers of any functions run at the same
    time, each on its own thread: every container has its own module, so its own resolver,
    which keeps its request to itself (`plinth.http.pipeline.Resolver`). Powertools' Logger
    keys and Metrics are process-wide (in Lambda, one invocation per process): concurrent
    invocations here may mix correlation ids in log lines; metrics are off locally."""

    def __init__(self, spec: tpl.FunctionSpec, base_dir: Path = tpl.ROOT) -> None:
        self.spec = spec
        self.base_dir = base_dir  # the template's directory: CodeUri is relative to it
        self._idle: queue.LifoQueue[Handler] = queue.LifoQueue()
        self._count = 0
        self._lock = threading.Lock()

    def invoke(self, event: dict[str, Any], request_id: str) -> Any:
        try:
            handler = self._idle.get_nowait()
        except queue.Empty:
            handler = self._cold_start()
        try:
            context = FakeLambdaContext(self.spec.logical_id, request_id, self.spec.timeout)
            return handler(event, context)
        finally:
            self._idle.put(handler)

    def _cold_start(self) -> Handler:
        with self._lock:
            instance = self._count
            self._count += 1
        return load_handler(self.spec, instance=instance, base_dir=self.base_dir)


def function_pools(template: dict[str, Any], base_dir: Path = tpl.ROOT) -> dict[str, FunctionPool]:
    """A pool for every function of the template, by logical id."""
    return {name: FunctionPool(spec, base_dir) for name, spec in tpl.functions(template).items()}


def apply_function_environment(
    template: dict[str, Any], resolved: Resolved, parameters: dict[str, str]
) -> None:
    """Every function's `Environment.Variables`, resolved, into this process's environment
    (log levels excepted: the console keeps the stack's own)."""
    merged: dict[str, tuple[str, str]] = {}
    for logical_id in tpl.functions(template):
        env = function_environment(logical_id, resolved, parameters, template)
        for key, value in env.items():
            if key.startswith("POWERTOOLS_LOG_LEVEL"):
                continue
            seen = merged.get(key)
            if seen and seen[1] != value:
                raise StackError(
                    f"{logical_id} and {seen[0]} set {key} differently; "
                    "the local stack runs every function in one process"
                )
            merged[key] = (logical_id, value)
    os.environ.update({key: value for key, (_, value) in merged.items()})
    from plinth.container import install

    install(None)  # containers from now on build their dependencies from this environment
