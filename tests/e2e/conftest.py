"""The e2e tier: `plinth dev` started as a real process on free ports, real HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def body(self) -> Any:
        return json.loads(self.text) if self.text else None

    @property
    def error(self) -> dict[str, Any]:
        error: dict[str, Any] = self.body["error"]
        return error


@dataclass
class LocalApi:
    base_url: str
    key: str
    aws_endpoint: str

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = "default",
    ) -> HttpResponse:
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
                return HttpResponse(
                    response.status, dict(response.headers), response.read().decode()
                )
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, dict(error.headers), error.read().decode())

    def cli(self, *args: str) -> Any:
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        env.pop("API_KEYS_TABLE", None)
        env.pop("WORKSPACES_TABLE", None)
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
    port, aws_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "plinth_tools.cli",
            "dev",
            "--port",
            str(port),
            "--aws-port",
            str(aws_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
    )
    banner: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line)
        if "Ctrl-C" in line:
            break
    text = "".join(banner)
    key = re.search(r"API key\s+(sk_\S+)", text)
    assert key, f"stack did not start:\n{text}"
    # Keep draining the log so the pipe never fills.
    import threading

    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    yield LocalApi(f"http://127.0.0.1:{port}", key.group(1), f"http://127.0.0.1:{aws_port}")
    process.terminate()
    assert process.wait(timeout=10) == 0, "plinth dev did not stop cleanly on SIGTERM"
    process.stdout.close()


@pytest.fixture
def api(local_stack: LocalApi) -> LocalApi:
    return local_stack
