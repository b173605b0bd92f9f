"""`plinth dev`: the whole API on 127.0.0.1, built from template.yaml, no Docker.

moto (server mode, its own process) stands in for AWS; every table, queue, bucket and
secret the template declares is created from its own Properties; API Gateway is
emulated by `Gateway`; SQS event sources by `QueuePoller`s.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plinth_tools import template as tpl
from plinth_tools.local.gateway import Gateway
from plinth_tools.local.server import GatewayServer
from plinth_tools.local.workers import Invoker, QueuePoller, ScheduledInvoker
from plinth_tools.provision import Resolved, function_environment, provision

PREFIX = "plinth-"
DEFAULT_HOST = "127.0.0.1"
DEMO_WORKSPACE = "ws_demo"
log = logging.getLogger(
    "devstack"
)  # not "plinth…": Powertools filters its service prefix off the root handler


class StackError(Exception):
    """A problem the user can fix (port in use, endpoint unreachable)."""


@dataclass
class StackConfig:
    host: str = DEFAULT_HOST
    port: int = 3000
    aws_port: int = 5000
    aws_endpoint_url: str | None = None
    rate_limit: int | None = None
    template_path: Path = tpl.TEMPLATE_PATH
    seed: bool = True
    sam: bool = False  # every function in a Lambda container (sam local), not in-process


@dataclass
class LocalStack:
    config: StackConfig
    endpoint: str = ""
    base_url: str = ""
    demo_key: str = ""
    resolved: Resolved = field(default_factory=Resolved)
    pollers: list[QueuePoller | ScheduledInvoker] = field(default_factory=list)
    _moto_mock: Any = None
    _moto_server: Any = None
    _server: GatewayServer | None = None

    def start(self) -> LocalStack:
        ensure_port_free(self.config.host, self.config.port, "--port")
        try:
            template = self._start_aws()
            self._start_api(template)
        except BaseException:
            self.stop()
            raise
        for poller in self.pollers:
            poller.start()
        return self

    def _start_aws(self, bind_host: str | None = None) -> dict[str, Any]:
        """moto (or the given endpoint), everything the template declares, and ws_demo."""
        cfg = self.config
        if cfg.aws_endpoint_url:
            self.endpoint = cfg.aws_endpoint_url.rstrip("/")
        else:
            ensure_port_free(bind_host or cfg.host, cfg.aws_port, "--aws-port")
            self.endpoint = f"http://{cfg.host}:{cfg.aws_port}"
            self._start_moto(bind_host or cfg.host, cfg.aws_port)
        wait_for_endpoint(self.endpoint)
        self._configure_environment()
        template = tpl.load_template(cfg.template_path)
        self.resolved = provision(PREFIX, template)
        self._apply_function_environment(template)
        if cfg.seed:
            self.demo_key = seed_demo_workspace()
        return template

    def _start_api(self, template: dict[str, Any]) -> None:
        """API Gateway emulated here, every function in this process."""
        cfg = self.config
        parameters = self._parameters(template)
        gateway = Gateway(
            template,
            parameters.get("StageName", "local"),
            parameters,
            base_dir=cfg.template_path.parent,
        )
        self._server = GatewayServer((cfg.host, cfg.port), gateway)
        self.base_url = f"http://{cfg.host}:{self._server.server_address[1]}"
        self.pollers = self._pollers(template, gateway.pools)

    def serve_forever(self) -> None:
        assert self._server is not None
        self._server.serve_forever()

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()
        for poller in self.pollers:
            poller.join(timeout=5)
        if self._server is not None:
            self._server.server_close()
        if self._moto_server is not None:
            self._moto_server.stop()
        if self._moto_mock is not None:
            self._moto_mock.stop()

    # ------------------------------------------------------------------ internals
    def _parameters(self, template: dict[str, Any]) -> dict[str, str]:
        parameters = tpl.parameter_defaults(template)
        if self.config.rate_limit is not None:
            parameters["DefaultRateLimit"] = str(self.config.rate_limit)
        return parameters

    def _start_moto(self, host: str, port: int) -> None:
        """moto in this process: the functions' AWS calls go straight to its in-memory
        backend (no HTTP round trip: ~0.8 ms per call instead of ~2.3 ms), while a moto
        server on `port` serves the very same backend over HTTP to the `plinth` CLI, to
        presigned downloads and to anything else on the machine."""
        from moto import mock_aws
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto_mock = mock_aws()
        self._moto_mock.start()
        self._moto_server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self._moto_server.start()

    def _configure_environment(self) -> None:
        in_process = self._moto_mock is not None
        if in_process:
            # Calls are intercepted in-process; only S3 goes over HTTP, so that presigned
            # URLs point at the local server and can be downloaded from anywhere.
            os.environ.pop("AWS_ENDPOINT_URL", None)
            os.environ["AWS_ENDPOINT_URL_S3"] = self.endpoint
        else:
            os.environ["AWS_ENDPOINT_URL"] = self.endpoint
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        if in_process or not os.environ.get("AWS_ACCESS_KEY_ID"):
            os.environ["AWS_ACCESS_KEY_ID"] = "local"
            os.environ["AWS_SECRET_ACCESS_KEY"] = "local"  # noqa: S105 - moto ignores it
            os.environ.pop("AWS_SESSION_TOKEN", None)
            os.environ.pop("AWS_PROFILE", None)
        # One request log line per request is enough on a console: quiet the JSON logs and
        # EMF metric blobs unless asked for.
        os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")

    def _apply_function_environment(self, template: dict[str, Any]) -> None:
        """Every function runs in this process, so their environments must agree."""
        merged: dict[str, tuple[str, str]] = {}
        for logical_id in tpl.functions(template):
            env = function_environment(
                logical_id, self.resolved, self._parameters(template), template
            )
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

        install(None)  # rebuilt from this environment on first use

    def _pollers(
        self, template: dict[str, Any], invokers: Mapping[str, Invoker]
    ) -> list[QueuePoller | ScheduledInvoker]:
        """Event sources: SQS long-polling and rate() schedules, invoking `invokers`."""
        pollers: list[QueuePoller | ScheduledInvoker] = []
        for logical_id, spec in tpl.functions(template).items():
            pollers.extend(ScheduledInvoker(invokers[logical_id], s) for s in spec.schedules)
            for source in spec.queue_events:
                queue_ref = source["Queue"]
                queue_id = queue_ref["Fn::GetAtt"][0] if "Fn::GetAtt" in queue_ref else None
                if queue_id is None:
                    raise StackError(f"{logical_id}: SQS Queue must be !GetAtt <Queue>.Arn")
                pollers.append(
                    QueuePoller(
                        invokers[logical_id],
                        queue_url=self.resolved[queue_id],
                        queue_arn=self.resolved.attribute(queue_id, "Arn"),
                        batch_size=int(source.get("BatchSize", 10)),
                        report_failures="ReportBatchItemFailures"
                        in (source.get("FunctionResponseTypes") or []),
                    )
                )
        return pollers


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nothing listens on right now (tests, benchmarks)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def moto_server(port: int, host: str = DEFAULT_HOST) -> Iterator[str]:
    """A moto server in its own process, for as long as the block runs; yields its URL.
    (`plinth dev` runs moto in-process; this is for benchmarks and for testing
    `--aws-endpoint-url` against an endpoint that is already running.)"""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
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


def ensure_port_free(host: str, port: int, flag: str) -> None:
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise StackError(
                f"port {port} on {host} is already in use; choose another with {flag} N"
            ) from exc


def wait_for_endpoint(endpoint: str, timeout: float | None = None) -> None:
    if timeout is None:
        timeout = float(os.environ.get("PLINTH_ENDPOINT_WAIT", "20"))
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(endpoint + "/", timeout=1):  # noqa: S310 - local URL
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError as exc:
            if time.monotonic() > deadline:
                raise StackError(f"no AWS endpoint answering at {endpoint}") from exc
            time.sleep(0.1)


def seed_demo_workspace() -> str:
    """Workspace `ws_demo` and a key with every scope; returns the key's secret."""
    from plinth.container import container
    from plinth.logic import keys as key_logic

    deps = container()
    key_logic.create_workspace(DEMO_WORKSPACE, None, deps.workspaces)
    _, secret = key_logic.create_key(
        DEMO_WORKSPACE, key_logic.VALID_SCOPES, deps.api_keys, deps.workspaces
    )
    return secret


def banner(stack: LocalStack) -> str:
    return "\n".join(
        [
            "Plinth local stack is up.",
            f"  API        {stack.base_url}/v1/resources",
            f"  API key    {stack.demo_key}  (workspace {DEMO_WORKSPACE}, all scopes)",
            f"  AWS        {stack.endpoint}",
            "",
            "Try:",
            f'  curl -s {stack.base_url}/v1/resources -H "Authorization: Bearer {stack.demo_key}"',
            "",
            "For the plinth CLI in another shell:",
            f"  export AWS_ENDPOINT_URL={stack.endpoint}",
            "",
            "Ctrl-C stops everything.",
        ]
    )


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(config: StackConfig) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)
    # Ctrl-C and `kill` (SIGTERM) stop cleanly, even when started from a script that
    # ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    kind = LocalStack
    if config.sam:
        from plinth_tools.local.sam import SamLocalStack

        kind = SamLocalStack
    try:
        stack = kind(config).start()
    except StackError as exc:
        sys.stderr.write(f"plinth dev: {exc}\n")
        return 2
    sys.stdout.write(banner(stack) + "\n")
    sys.stdout.flush()
    try:
        stack.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("\nStopping...\n")
    except StackError as exc:
        sys.stderr.write(f"plinth dev: {exc}\n")
        return 2
    finally:
        # A second signal (a terminal sends Ctrl-C to the whole process group, and `uv run`
        # passes it on too) must not cut the cleanup short and leave containers running.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
    return 0


@dataclass
class RunningStack:
    """A `plinth dev` started as its own process (tests, benchmarks)."""

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
    import re
    import threading

    aws_args = ["--aws-port", str(aws_port)] if aws_port is not None else []
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
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
        raise StackError(f"plinth dev did not start:\n{banner}")
    aws_endpoint = f"http://{DEFAULT_HOST}:{aws_port}" if aws_port is not None else ""
    running = RunningStack(process, f"http://{DEFAULT_HOST}:{port}", key.group(1), aws_endpoint)
    # Keep reading its log (so the pipe never fills up), and keep the recent lines.
    threading.Thread(target=running._drain, daemon=True).start()
    return running
