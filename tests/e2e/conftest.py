"""The e2e tier: `plinth dev` started as a real process on free ports, real HTTP.

Every test that takes `api` runs twice: against `plinth dev` (functions in-process) and
against `plinth dev --sam` (every function in a Lambda container under sam local). Where
sam local differs from API Gateway, the test asserts what sam local does (README, "sam
local and API Gateway"), so a difference that goes away or appears fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plinth_tools import template as tpl
from plinth_tools.local.sam import (
    container_endpoint,
    docker_bridge_address,
    host_architecture,
    sam_containers,
)
from plinth_tools.local.server import free_port
from tests.support import ApiResponse, start_process

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LocalApi:
    base_url: str
    key: str
    aws_endpoint: str
    stack: Any = None
    mode: str = "dev"

    def problems(self) -> list[str]:
        """The stack's recent log lines that report trouble (for assertion messages)."""
        words = ("rror", "imed out", "xception", "failed", "Traceback")
        return [line for line in list(self.stack.log) if any(w in line for w in words)][-20:]

    @property
    def sam(self) -> bool:
        """Functions run in Lambda containers under sam local (`plinth dev --sam`)."""
        return self.mode == "sam"

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
        """The CLI as a developer runs it in a new shell: only what the banner exports."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "API_KEYS", "WORKSPACES"))
        }
        env["AWS_ENDPOINT_URL"] = self.aws_endpoint
        env["AWS_ENDPOINT_URL_API_GATEWAY"] = self.base_url
        env["HOME"] = "/nonexistent"  # no ~/.aws either
        done = subprocess.run(
            [sys.executable, "-m", "plinth_tools.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return json.loads(done.stdout)


def sam_unavailable() -> str | None:
    """Why `plinth dev --sam` cannot run on this machine, or None."""
    if shutil.which("sam") is None and not (Path.home() / ".local/bin/sam").exists():
        return "sam is not installed (make tools)"
    if subprocess.run(["docker", "info"], capture_output=True, check=False).returncode != 0:
        return "Docker is not running (make sam-local-deps)"
    image = f"public.ecr.aws/lambda/python:3.13-{host_architecture()}"
    inspect = ["docker", "image", "inspect", image]
    if subprocess.run(inspect, capture_output=True, check=False).returncode != 0:
        return f"no {image} (make sam-local-deps)"
    return None


@pytest.fixture(scope="session", params=["dev", "sam"])
def local_stack(request: pytest.FixtureRequest) -> Iterator[LocalApi]:
    mode = request.param
    extra = []
    if mode == "sam":
        reason = sam_unavailable()
        if reason is not None:
            if os.environ.get("PLINTH_REQUIRE_SAM"):
                pytest.fail(f"the sam local tier must run here (PLINTH_REQUIRE_SAM): {reason}")
            pytest.skip(f"sam local tier skipped: {reason}")
        extra = ["--sam"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    stack = start_process(free_port(), free_port(), "--rate-limit", "100000", *extra, env=env)
    endpoint = ""  # the moto endpoint as sam's containers see it
    try:
        if mode == "sam":
            endpoint = container_endpoint(stack.aws_endpoint, docker_bridge_address())
            # start-api EAGER: a warm container per function of the template, from the start
            # (start-lambda is LAZY: the worker and the sweeper get theirs once invoked).
            assert len(sam_containers(endpoint)) == len(tpl.functions())
        yield LocalApi(stack.base_url, stack.key, stack.aws_endpoint, stack, mode)
    finally:
        # Stopped even when a check above fails: a stack left behind keeps its containers.
        assert stack.stop() == 0, "plinth dev did not stop cleanly on SIGTERM"
    if mode == "sam":
        assert sam_containers(endpoint) == set(), "containers left running"


@pytest.fixture
def api(local_stack: LocalApi) -> LocalApi:
    return local_stack
