"""`plinth dev --sam`: the same local stack, but every function runs in a Lambda container.

What stays from `plinth dev`: moto (bound to every interface, so containers reach it through
the Docker bridge), the tables, queues, bucket and secret created from the template, and
`ws_demo`. What changes: `sam build` for this machine's architecture, then
`sam local start-api --warm-containers EAGER` serves the API, and `sam local start-lambda`
runs the SQS worker and the scheduled sweeper, which sam local cannot trigger itself: the
pollers of `plinth dev` invoke them through its Lambda endpoint. No function code runs in
this process.

sam local passes a container only the environment variables the template declares and
resolves `!Ref`s to logical ids, so the env-vars file is generated from the template with
every name resolved to what was provisioned, and `AwsEndpointUrl` (a template parameter,
empty in AWS) hands the functions the moto endpoint.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

from plinth_tools import template as tpl
from plinth_tools.local import StackError, log
from plinth_tools.local.firewall import Firewall
from plinth_tools.local.gateway import Gateway, GatewayRequest, GatewayResult
from plinth_tools.local.server import FrontServer, free_port
from plinth_tools.local.stack import LocalStack
from plinth_tools.local.workers import event_sources
from plinth_tools.provision import function_environment

BUILD_DIR = Path(".aws-sam") / "local"
CACHE_DIR = Path(".aws-sam") / "local-cache"
FORWARD_TIMEOUT = 180.0  # a cold container, then the function's own timeout
STARTUP_TIMEOUT = float(os.environ.get("PLINTH_SAM_STARTUP_TIMEOUT", "300"))
# Every sam local container carries this label; stop() removes any of ours left behind.
CONTAINER_LABEL = "sam.cli.container.type=lambda"
_DOCKER = ("docker",)  # from PATH, as the user runs it


def host_architecture() -> str:
    """Lambda's name for this machine's instruction set (no qemu: 24 s per import)."""
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        return "x86_64"
    if machine in ("aarch64", "arm64"):
        return "arm64"
    raise StackError(f"Lambda has no {machine} runtime; sam local needs x86_64 or arm64")


def sam_executable() -> str:
    found = shutil.which("sam") or shutil.which("sam", path=str(Path.home() / ".local/bin"))
    if found is None:
        raise StackError("sam is not installed: run `make tools` (aws-sam-cli as a uv tool)")
    return found


def docker_bridge_address() -> str:
    """The address containers reach this machine at: the bridge network's gateway (older
    daemons leave it out of the inspect output; it is then the subnet's first address)."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [*_DOCKER, "network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise StackError(
            "Docker is not running (or not usable by this user): run `make sam-local-deps`"
        ) from exc
    for config in json.loads(done.stdout or "[]") or []:
        if config.get("Gateway"):
            return str(config["Gateway"])
        if config.get("Subnet"):
            network = ipaddress.ip_network(config["Subnet"])
            if network.version == 4:
                return str(next(network.hosts()))
    raise StackError("Docker's bridge network has no IPv4 gateway address")


def container_endpoint(endpoint: str, bridge: str) -> str:
    """`endpoint` as a container sees it: loopback on this machine is the bridge address."""
    parts = urlsplit(endpoint)
    if parts.hostname in ("127.0.0.1", "localhost", "0.0.0.0"):  # noqa: S104 - a comparison
        netloc = f"{bridge}:{parts.port}" if parts.port else bridge
        return urlunsplit(parts._replace(netloc=netloc))
    return endpoint


def env_vars_file(
    template: dict[str, Any], stack: LocalStack, parameters: dict[str, str]
) -> dict[str, dict[str, str]]:
    """sam's `--env-vars` document: every function's declared environment, resolved."""
    return {
        logical_id: function_environment(logical_id, stack.resolved, parameters, template)
        for logical_id in tpl.functions(template)
    }


class LambdaEndpoint:
    """Invokes one function through `sam local start-lambda` (the pollers' `Invoker`)."""

    def __init__(self, spec: tpl.FunctionSpec, endpoint: str) -> None:
        self.spec = spec
        self._client = boto3.client(
            "lambda",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - sam local ignores it
            config=Config(read_timeout=spec.timeout + 60, retries={"max_attempts": 1}),
        )

    def invoke(self, event: dict[str, Any], request_id: str) -> Any:
        del request_id  # the container's runtime assigns its own
        response = self._client.invoke(
            FunctionName=self.spec.logical_id, Payload=json.dumps(event).encode()
        )
        payload = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            raise RuntimeError(f"{self.spec.logical_id} failed: {payload}")
        return payload


class GatewayResponses:
    """A thin front for `sam local start-api`, which implements no Gateway Responses: it
    answers a missing key with `{"message":"Unauthorized"}` and an unknown route with a 403
    `{"message":"Missing Authentication Token"}`. Exactly those two answers are replaced by
    the template's UNAUTHORIZED and MISSING_AUTHENTICATION_TOKEN responses, as API Gateway
    sends them; everything else, the functions' answers above all, passes through as is."""

    _REPLACED: ClassVar[dict[tuple[int, bytes], str]] = {
        (401, b'{"message":"Unauthorized"}'): "UNAUTHORIZED",
        (403, b'{"message":"Missing Authentication Token"}'): "MISSING_AUTHENTICATION_TOKEN",
    }
    _HOP_BY_HOP = frozenset(("connection", "keep-alive", "transfer-encoding", "content-length"))

    def __init__(self, gateway: Gateway, sam_host: str, sam_port: int) -> None:
        self._gateway = gateway
        self.base_dir = gateway.base_dir
        self._sam = (sam_host, sam_port)

    def handle(self, request: GatewayRequest) -> GatewayResult:
        connection = http.client.HTTPConnection(*self._sam, timeout=FORWARD_TIMEOUT)
        try:
            target = request.path + (f"?{request.query}" if request.query else "")
            # Header by header: a dict would fold a repeated header into one.
            connection.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers:
                if name.lower() not in self._HOP_BY_HOP:
                    connection.putheader(name, value)
            if request.body:
                connection.putheader("Content-Length", str(len(request.body)))
            connection.endheaders(request.body or None)
            response = connection.getresponse()
            body = response.read()
            status = response.status
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in self._HOP_BY_HOP]
        finally:
            connection.close()
        replaced = self._REPLACED.get((status, body.strip()))
        if replaced is not None:
            return self._gateway.gateway_response(replaced, str(uuid.uuid4()))
        return GatewayResult(status, kept, body)

    def flush_verdicts(self, api_id: str, stage: str) -> bool:
        """sam local caches no verdicts: nothing to flush, but the API is ours."""
        return self._gateway.flush_verdicts(api_id, stage)

    def gateway_response(
        self, kind: str, request_id: str, status: int | None = None
    ) -> GatewayResult:
        """For HTTP that never reaches sam (malformed requests)."""
        return self._gateway.gateway_response(kind, request_id, status)


class SamLocalStack(LocalStack):
    """`plinth dev --sam`."""

    # Containers reach moto through the Docker bridge, not loopback.
    aws_bind_host: ClassVar[str | None] = "0.0.0.0"  # noqa: S104 - local development only
    _processes: list[subprocess.Popen[bytes]]
    _container_endpoint: str
    _sam_exit: str | None = None

    def _parameters(self, template: dict[str, Any]) -> dict[str, str]:
        # sam local caches no authorizer verdicts: the functions have none to flush.
        return {**super()._parameters(template), "AuthorizerTtlSeconds": "0"}

    def _start_api(self, template: dict[str, Any]) -> None:
        cfg = self.config
        self._processes = []
        bridge = docker_bridge_address()
        self._container_endpoint = container_endpoint(self.endpoint, bridge)
        sam = sam_executable()
        parameters = {
            **self._parameters(template),
            "Architecture": host_architecture(),
            "AwsEndpointUrl": self._container_endpoint,
            # A delivery to the host's 127.0.0.1 leaves the container through the bridge.
            "WebhookLoopbackAlias": bridge,
        }
        root = cfg.template_path.parent
        build_dir, cache_dir = root / BUILD_DIR, root / CACHE_DIR
        # Only what differs from the template's defaults (sam rejects an empty `Key=`).
        defaults = tpl.parameter_defaults(template)
        overrides = [f"{k}={v}" for k, v in sorted(parameters.items()) if v != defaults.get(k)]
        started = time.monotonic()
        self._sam_build(sam, cfg.template_path, build_dir, cache_dir, overrides)
        log.info("sam build: %.1f s", time.monotonic() - started)
        env_file = build_dir / "env.json"
        env_file.write_text(json.dumps(env_vars_file(template, self, parameters), indent=2))
        api_port, lambda_port = free_port(cfg.host), free_port(cfg.host)
        common = [
            "--template",
            str(build_dir / "template.yaml"),
            "--env-vars",
            str(env_file),
            "--parameter-overrides",
            *overrides,
            "--host",
            cfg.host,
            # samconfig.toml [local]: EAGER API containers, LAZY ones for start-lambda (only
            # the queue worker and the sweeper are invoked there), --skip-pull-image.
            "--config-file",
            str(root / "samconfig.toml"),
            "--config-env",
            "local",
        ]
        self._spawn([sam, "local", "start-api", *common, "--port", str(api_port)])
        self._spawn([sam, "local", "start-lambda", *common, "--port", str(lambda_port)])
        lambda_url = f"http://{cfg.host}:{lambda_port}"
        _wait_until_serving(f"http://{cfg.host}:{api_port}/v1/resources", self._processes)
        _wait_until_serving(lambda_url + "/", self._processes)
        log.info("sam local: serving after %.1f s", time.monotonic() - started)
        gateway = Gateway(template, parameters.get("StageName", "local"), parameters)
        self._server = FrontServer(
            cfg.host,
            cfg.port,
            GatewayResponses(gateway, cfg.host, api_port),
            Firewall(template, parameters),
        )
        self.base_url = f"http://{cfg.host}:{self._server.port}"
        invokers = {
            logical_id: LambdaEndpoint(spec, lambda_url)
            for logical_id, spec in tpl.functions(template).items()
        }
        self.pollers = event_sources(template, invokers, self.resolved)

    def _sam_build(
        self, sam: str, template: Path, build_dir: Path, cache_dir: Path, overrides: list[str]
    ) -> None:
        # The layer's BuildMethod python3.13 needs a Python 3.13 with pip first on PATH.
        path = f"{Path(sys.base_prefix) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        done = subprocess.run(  # noqa: S603 - sam, with arguments we built
            [
                sam,
                "build",
                "--template",
                str(template),
                "--build-dir",
                str(build_dir),
                "--cache-dir",
                str(cache_dir),
                "--cached",
                "--parameter-overrides",
                *overrides,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PATH": path, "SAM_CLI_TELEMETRY": "0"},
            cwd=template.parent,
            check=False,
        )
        if done.returncode != 0:
            raise StackError(f"sam build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")

    def _spawn(self, command: list[str]) -> None:
        env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
        self._processes.append(
            subprocess.Popen(  # noqa: S603 - sam, with arguments we built
                command, env=env, start_new_session=True
            )
        )

    def serve_forever(self) -> None:
        watch = threading.Thread(target=self._watch_sam, name="sam-watch", daemon=True)
        watch.start()
        super().serve_forever()
        if self._sam_exit is not None:
            raise StackError(self._sam_exit)

    def _watch_sam(self) -> None:
        """sam exiting on its own ends the stack too."""
        while self._server is not None:
            for process in self._processes:
                if process.poll() is not None:
                    self._sam_exit = f"sam local exited with status {process.returncode}"
                    self._server.shutdown()
                    return
            time.sleep(0.5)

    def stop(self) -> None:
        super().stop()
        for process in getattr(self, "_processes", []):
            if process.poll() is None:
                # sam stops its containers on Ctrl-C (SIGINT), not on SIGTERM.
                os.killpg(process.pid, signal.SIGINT)
        for process in getattr(self, "_processes", []):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if hasattr(self, "_container_endpoint"):
            left = sam_containers(self._container_endpoint)
            if left:
                subprocess.run(  # noqa: S603
                    ["docker", "rm", "-f", *sorted(left)],  # noqa: S607
                    capture_output=True,
                    check=False,
                    timeout=60,
                )


def sam_containers(endpoint: str) -> set[str]:
    """sam local containers of the stack whose functions call `endpoint` (as containers see
    it): the moto port is the one thing that tells two stacks on one machine apart."""
    listed = subprocess.run(  # noqa: S603 - fixed arguments
        ["docker", "ps", "-aq", "--filter", f"label={CONTAINER_LABEL}"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout.split()
    if not listed:
        return set()
    inspected = subprocess.run(  # noqa: S603 - container ids from docker itself
        ["docker", "inspect", "--format", "{{.Id}} {{json .Config.Env}}", *listed],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout.splitlines()
    ours = f"AWS_ENDPOINT_URL={endpoint}"
    found: set[str] = set()
    for line in inspected:
        container, _, env = line.partition(" ")
        if ours in json.loads(env or "[]"):
            found.add(container[:12])
    return found


def _wait_until_serving(url: str, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise StackError(f"sam local exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - local URL
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.5)
    raise StackError(f"sam local did not answer at {url} within {STARTUP_TIMEOUT:.0f} s")
