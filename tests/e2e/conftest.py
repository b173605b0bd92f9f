"""The e2e tier: `plinth dev` started as a real process on free ports, real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plinth_tools.local.stack import free_port, start_process
from tests.support import ApiResponse

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LocalApi:
    base_url: str
    key: str
    aws_endpoint: str
    stack: Any = None

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = "default",
    ) -> ApiResponse:
        sent = dict(headers or {})
        if key is not None:
            sent.setdefault("Authorization", f"Bearer {self.key if key == 'default' else key}")
        data = raw_body
        if json_body is not None:
            data = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=sent
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return ApiResponse(
                    response.status, dict(response.headers), response.read().decode()
                )
        except urllib.error.HTTPError as error:
            return ApiResponse(error.code, dict(error.headers), error.read().decode())

    def cli(self, *args: str) -> Any:
        """The CLI as a developer runs it in a new shell: only AWS_ENDPOINT_URL is set."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "API_KEYS", "WORKSPACES"))
        }
        env["AWS_ENDPOINT_URL"] = self.aws_endpoint
        env["HOME"] = "/nonexistent"  # no ~/.aws either
        done = subprocess.run(
            [sys.executable, "-m", "plinth_tools.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return json.loads(done.stdout)


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalApi]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    stack = start_process(free_port(), free_port(), "--rate-limit", "100000", env=env)
    yield LocalApi(stack.base_url, stack.key, stack.aws_endpoint, stack)
    assert stack.stop() == 0, "plinth dev did not stop cleanly on SIGTERM"


@pytest.fixture
def api(local_stack: LocalApi) -> LocalApi:
    return local_stack
