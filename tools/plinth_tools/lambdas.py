"""Load each function's handler from its CodeUri, as Lambda would (app.lambda_handler)."""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plinth_tools.template import ROOT, FunctionSpec

Handler = Callable[[dict[str, Any], Any], Any]


def load_handler(spec: FunctionSpec, instance: int = 0, base_dir: Path = ROOT) -> Handler:
    """The handler of one 'container' of the function: each instance is its own module.
    `CodeUri` is relative to the template's directory (`base_dir`)."""
    module_name, _, attribute = spec.handler.rpartition(".")
    path = base_dir / spec.code_uri / f"{module_name.replace('.', '/')}.py"
    unique = f"plinth_function_{spec.logical_id}" + (f"_{instance}" if instance else "")
    if unique in sys.modules:
        module = sys.modules[unique]
    else:
        loader_spec = importlib.util.spec_from_file_location(unique, path)
        if loader_spec is None or loader_spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[unique] = module
        loader_spec.loader.exec_module(module)
    handler: Handler = getattr(module, attribute)
    return handler


class FakeLambdaContext:
    """The parts of the Lambda context object handlers and Powertools read."""

    def __init__(self, function_name: str, request_id: str, timeout_s: float = 10.0) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self.memory_limit_in_mb = 512
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
