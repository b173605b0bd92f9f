"""Test helpers: provisioning from the template, an in-process API client, and
`plinth dev` or a moto server as processes of their own (the e2e tier, benchmarks)."""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plinth.models.auth import Scope
from plinth_tools import template as tpl
from plinth_tools.lambdas import FakeLambdaContext, load_handler
from plinth_tools.local.aws import wait_for_endpoint
from plinth_tools.local.server import DEFAULT_HOST
from plinth_tools.provision import Resolved, function_environment, provision
from plinth_tools.routing import Router

if TYPE_CHECKING:
    from plinth.container import Container

EVENTS = Path(__file__).resolve().parents[1] / "events"
ALL_SCOPES = tuple(s.value for s in Scope)


def fresh_dependencies() -> None:
    """Forget the container (it is rebuilt from the environment on next use) and the
    cursor secret's provider and cache."""
    from aws_lambda_powertools.utilities import parameters

    from plinth.container import install
    from plinth.repositories import secrets

    install(None)
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    secrets.secrets_provider.cache_clear()


@contextmanager
def dependencies(**given: Any) -> Iterator[Container]:
    """Run the block on a container with some dependencies given instead of built
    (`dependencies(resources=DynamoResourceRepository(stub, table))`), as a test would
    swap them in a handler; the previous container comes back afterwards."""
    from plinth.container import Container, install
    from plinth.settings import get_settings

    replacement = Container(get_settings(), **given)
    previous = install(replacement)
    try:
        yield replacement
    finally:
        install(previous)


def provision_for_tests() -> Resolved:
    names = provision(prefix="test-")
    for spec in tpl.functions().values():
        os.environ.update(function_environment(spec.logical_id, names))
    return names


def load_event(name: str) -> dict[str, Any]:
    return copy.deepcopy(_event(name))


@cache
def _event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return loaded


def event_name(spec: tpl.FunctionSpec) -> str:
    return Path(spec.code_uri).name


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    text: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    request_id: str = ""

    @property
    def body(self) -> Any:
        return json.loads(self.text) if self.text else None

    @property
    def error(self) -> dict[str, Any]:
        error: dict[str, Any] = self.body["error"]
        return error


class InProcessApi:
    """Calls the functions' `lambda_handler`s with REST proxy events built from events/.

    The authorizer's verdict is put in `requestContext.authorizer` as API Gateway would;
    the gateway itself (authorizer invocation, gateway responses) is the e2e tier's job.
    """

    def __init__(self, names: Resolved) -> None:
        self.names = names
        self.functions = tpl.functions()
        self.router = Router(tpl.routes())

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: str | bytes | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        workspace: str = "ws_alpha",
        scopes: tuple[str, ...] = ALL_SCOPES,
        rate_limit: int = 1_000_000,
        authorizer: dict[str, Any] | None = None,
    ) -> ApiResponse:
        match = self.router.match(method, path)
        assert match is not None, f"no route for {method} {path}"
        spec = self.functions[match.route.function]
        event = load_event(event_name(spec))
        event["httpMethod"] = method.upper()
        event["path"] = path
        event["resource"] = match.route.path
        event["pathParameters"] = match.path_parameters or None
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = (
            {k: [v] for k, v in query.items()} if query else None
        )
        sent_headers = {"Authorization": "Bearer sk_unused_in_process", **(headers or {})}
        body: str | None
        if json_body is not None:
            body = json.dumps(json_body)
            sent_headers.setdefault("Content-Type", "application/json")
        elif isinstance(raw_body, bytes):
            body = base64.b64encode(raw_body).decode()
            event["isBase64Encoded"] = True
        else:
            body = raw_body
        if not event.get("isBase64Encoded"):
            event["isBase64Encoded"] = False
        event["body"] = body
        event["headers"] = sent_headers
        event["multiValueHeaders"] = {k: [v] for k, v in sent_headers.items()}
        request_id = str(uuid.uuid4())
        event["requestContext"]["requestId"] = request_id
        event["requestContext"]["authorizer"] = (
            authorizer
            if authorizer is not None
            else {
                "principalId": "key_test",
                "workspaceId": workspace,
                "keyId": "key_test",
                "scopes": ",".join(scopes),
                "rateLimit": rate_limit,
            }
        )
        handler = load_handler(spec)
        result = handler(event, FakeLambdaContext(spec.logical_id, request_id))
        response = to_response(result)
        response.request_id = request_id
        return response


def to_response(result: dict[str, Any]) -> ApiResponse:
    headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers[key] = ",".join(str(v) for v in values)
    text = result.get("body") or ""
    if result.get("isBase64Encoded"):
        text = base64.b64decode(text).decode()
    return ApiResponse(status=int(result["statusCode"]), headers=headers, text=text, raw=result)


def uvx() -> str:
    """uvx runs third-party tools (schemathesis, openapi-python-client) in their own
    environments, never in the dev venv, whose pins they fight."""
    import shutil

    found = shutil.which("uvx") or str(Path.home() / ".local" / "bin" / "uvx")
    assert Path(found).exists(), "uvx comes with uv (make install)"
    return found


def failing_client(
    service: str, operation: str, code: str, status: int = 400, times: int = 5
) -> Any:
    """A real boto3 client whose next `times` calls of `operation` fail with `code`:
    errors moto cannot produce (throttling, outages), injected with botocore's Stubber."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client(service, region_name="us-east-1")  # type: ignore[call-overload]
    stubber = Stubber(client)
    for _ in range(times):
        stubber.add_client_error(operation, service_error_code=code, http_status_code=status)
    stubber.activate()
    return client


@dataclass
class RunningStack:
    """A `plinth dev` started as its own process."""

    process: subprocess.Popen[str]
    base_url: str
    key: str
    aws_endpoint: str
    log: deque[str] = field(default_factory=lambda: deque(maxlen=2000))

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line.rstrip("\n"))

    def stop(self, timeout: float = 60) -> int:
        self.process.terminate()
        code = self.process.wait(timeout=timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code


def start_process(
    port: int, aws_port: int | None, *extra: str, env: dict[str, str] | None = None
) -> RunningStack:
    """Start `plinth dev` in a child process and wait for its banner (`aws_port=None`
    when `extra` names an `--aws-endpoint-url`)."""
    aws_args = ["--aws-port", str(aws_port)] if aws_port is not None else []
    process = subprocess.Popen(
        [sys.executable, "-m", "plinth_tools.cli", "dev", "--port", str(port), *aws_args, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tpl.ROOT,
    )
    assert process.stdout is not None
    # `--sam` prints sam's own start-up lines first; the banner comes once it serves.
    banner = ""
    for line in process.stdout:
        banner += line
        if "Ctrl-C" in line:
            break
    key = re.search(r"API key\s+(sk_\S+)", banner)
    if key is None:
        process.kill()
        process.wait()
        process.stdout.close()
        raise RuntimeError(f"plinth dev did not start:\n{banner}")
    aws_endpoint = f"http://{DEFAULT_HOST}:{aws_port}" if aws_port is not None else ""
    running = RunningStack(process, f"http://{DEFAULT_HOST}:{port}", key.group(1), aws_endpoint)
    # Keep reading its log (so the pipe never fills up), and keep the recent lines.
    threading.Thread(target=running._drain, daemon=True).start()
    return running


@contextmanager
def moto_server(port: int, host: str = DEFAULT_HOST) -> Iterator[str]:
    """A moto server in its own process, for as long as the block runs; yields its URL
    (`plinth dev` runs moto in-process; this is an endpoint that is already running, for
    `--aws-endpoint-url` and for benchmarks)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://{host}:{port}"
    try:
        wait_for_endpoint(endpoint)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Delivered:
    """One request a `WebhookReceiver` got."""

    path: str
    headers: dict[str, str]
    body: str
    at: float  # time.monotonic()


class WebhookReceiver:
    """A webhook receiver on `host` (a thread): records every POST and answers each with
    the next status of `statuses` (the last one repeats)."""

    def __init__(
        self, statuses: list[int] | None = None, host: str = DEFAULT_HOST, delay_s: float = 0
    ) -> None:
        import http.server

        self.statuses = list(statuses or [200])
        self.received: list[Delivered] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size).decode()
                time.sleep(delay_s)  # a slow receiver
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver._arrived:
                    receiver.received.append(
                        Delivered(
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            time.monotonic(),
                        )
                    )
                    receiver._arrived.notify_all()

            def log_message(self, *args: Any) -> None:
                return

        self._server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/hooks"

    def wait_for(self, count: int, timeout: float) -> list[Delivered]:
        """The first `count` deliveries, waiting up to `timeout` seconds for them."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def call_api(base: str, key: str, method: str, path: str, body: object = None) -> Any:
    """One JSON request to a running stack with `key` (the bench scripts' client)."""
    import urllib.request

    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")
