"""`plinth dev`: the whole API on 127.0.0.1, built from template.yaml, no Docker.

`LocalStack` starts the emulated parts in order: AWS (`aws`: moto and everything the
template declares), Lambda (`runtime`: the functions' environment and warm containers),
API Gateway on HTTP (`gateway`, `server`) and the event sources (`workers`); it stops them
in reverse. `run` is the command: the banner, Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from plinth_tools import template as tpl
from plinth_tools.local import StackError, log
from plinth_tools.local.aws import LocalAws
from plinth_tools.local.firewall import Firewall
from plinth_tools.local.gateway import Gateway
from plinth_tools.local.runtime import apply_function_environment
from plinth_tools.local.server import DEFAULT_HOST, FrontServer, ensure_port_free
from plinth_tools.local.workers import EventSource, event_sources
from plinth_tools.provision import Resolved

DEMO_WORKSPACE = "ws_demo"


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
    base_url: str = ""
    demo_key: str = ""
    aws: LocalAws = field(default_factory=LocalAws)
    resolved: Resolved = field(default_factory=Resolved)
    pollers: list[EventSource] = field(default_factory=list)
    _server: FrontServer | None = None
    # Where moto listens: `config.host` (loopback), unless containers must reach it.
    aws_bind_host: ClassVar[str | None] = None

    @property
    def endpoint(self) -> str:
        """The AWS endpoint (moto's server, or `--aws-endpoint-url`)."""
        return self.aws.endpoint

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

    def _start_aws(self) -> dict[str, Any]:
        """moto (or the given endpoint), everything the template declares, the functions'
        environment, and ws_demo."""
        cfg = self.config
        if cfg.aws_endpoint_url:
            self.aws.use(cfg.aws_endpoint_url)
        else:
            bind_host = self.aws_bind_host or cfg.host
            ensure_port_free(bind_host, cfg.aws_port, "--aws-port")
            self.aws.start_moto(cfg.host, cfg.aws_port, bind_host)
        self.aws.configure_environment()
        # One request log line per request is enough on a console: quiet the JSON logs and
        # EMF metric blobs unless asked for.
        os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        template = tpl.load_template(cfg.template_path)
        self.resolved = self.aws.provision(template)
        apply_function_environment(template, self.resolved, self._parameters(template))
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
        self._server = FrontServer(cfg.host, cfg.port, gateway, Firewall(template, parameters))
        self.base_url = f"http://{cfg.host}:{self._server.port}"
        # Revoking a key flushes the gateway's cached verdicts: this gateway's, here.
        os.environ["AWS_ENDPOINT_URL_API_GATEWAY"] = self.base_url
        self.pollers = event_sources(template, gateway.pools, self.resolved)

    def _parameters(self, template: dict[str, Any]) -> dict[str, str]:
        parameters = tpl.parameter_defaults(template)
        # Deliveries reach a receiver on this machine (http://127.0.0.1:<port>) for real.
        parameters["WebhookTargets"] = "any"
        if self.config.rate_limit is not None:
            parameters["DefaultRateLimit"] = str(self.config.rate_limit)
        return parameters

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
        self.aws.stop()


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
            f"  export AWS_ENDPOINT_URL_API_GATEWAY={stack.base_url}  # revoke flushes its cache",
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
