"""API Gateway's HTTP edge: werkzeug's threaded server, and a WSGI app that turns each
request into a `GatewayRequest` for the emulated gateway (or for sam's thin front).
Also the ports the local stack listens on."""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from collections.abc import Iterable
from http import HTTPStatus
from http.server import HTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from werkzeug.datastructures import EnvironHeaders
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import get_input_stream

from plinth_tools.local import StackError, log
from plinth_tools.local.docs import DevPages
from plinth_tools.local.gateway import GatewayRequest, GatewayResult

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from plinth_tools.local.firewall import Firewall

DEFAULT_HOST = "127.0.0.1"
# The request's headers as sent (names as written, repeats kept: API Gateway's
# multiValueHeaders); WSGI's HTTP_* keys upper-case names and join repeats with commas.
RAW_HEADERS = "plinth.raw_headers"
_TOO_LARGE: dict[int, str] = {
    HTTPStatus.REQUEST_URI_TOO_LONG: "The request line is too long.",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "The request headers are too large.",
}
_FLUSH_VERDICTS = re.compile(
    r"^/restapis/(?P<api>[^/]+)/stages/(?P<stage>[^/]+)/cache/authorizers$"
)


class Front(Protocol):
    """What answers requests: the emulated `Gateway`, or `sam.GatewayResponses`."""

    base_dir: Path  # the project: docs/openapi.json is served from there

    def handle(self, request: GatewayRequest) -> GatewayResult: ...

    def flush_verdicts(self, api_id: str, stage: str) -> bool: ...

    def gateway_response(
        self, kind: str, request_id: str, status: int | None = None
    ) -> GatewayResult: ...


class MalformedBody(Exception):
    """A chunked body that does not follow the chunked encoding."""


class GatewayApp:
    """The WSGI application: each request, as API Gateway receives it, answered by the
    front, or by the local-only pages (the OpenAPI document and Swagger UI)."""

    def __init__(self, front: Front, firewall: Firewall | None = None) -> None:
        self.front = front
        self.firewall = firewall
        self.pages = DevPages(front.base_dir / "docs" / "openapi.json")

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = gateway_request(environ)
        host = str(environ.get("HTTP_HOST", ""))
        result = (
            (self.firewall and self.firewall.check(request))
            or self.pages.answer(request.method, request.path, host)
            or self._control(request)
        )
        if result is None:
            result = self.front.handle(request)
        start_response(status_line(result.status), response_headers(result))
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1fms", request.method, request.path, result.status, elapsed)
        return [result.body]

    def _control(self, request: GatewayRequest) -> GatewayResult | None:
        """API Gateway's control plane, as far as the functions and the CLI use it: the
        stage's FlushStageAuthorizersCache (AWS_ENDPOINT_URL_API_GATEWAY points here)."""
        flush = _FLUSH_VERDICTS.match(request.path)
        if request.method != "DELETE" or flush is None:
            return None
        if not self.front.flush_verdicts(flush["api"], flush["stage"]):
            return None
        return GatewayResult(202, [("Content-Type", "application/json")], b"")


def gateway_request(environ: WSGIEnvironment) -> GatewayRequest:
    # The target as sent: API Gateway's `path` keeps its percent-escapes (PATH_INFO not).
    target = urlsplit(str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "/"))
    headers = environ.get(RAW_HEADERS)
    if headers is None:  # another WSGI server, or werkzeug's test client
        headers = list(EnvironHeaders(environ).items())
    try:
        # The whole body, chunked or not: a keep-alive connection's next request follows it.
        body = get_input_stream(environ).read()
    except (ConnectionError, TimeoutError):
        raise
    except OSError as exc:  # werkzeug's dechunking
        raise MalformedBody(str(exc)) from exc
    return GatewayRequest(
        method=str(environ["REQUEST_METHOD"]),
        path=target.path,
        query=target.query,
        headers=headers,
        body=body,
        source_ip=str(environ.get("REMOTE_ADDR") or DEFAULT_HOST),
    )


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def response_headers(result: GatewayResult) -> list[tuple[str, str]]:
    """The result's headers (repeats kept), with its own Content-Length; the connection
    is the server's business."""
    headers = [
        (k, v) for k, v in result.headers if k.lower() not in ("content-length", "connection")
    ]
    headers.append(("Content-Length", str(len(result.body))))
    return headers


class _Handler(WSGIRequestHandler):
    server: FrontServer

    @property
    def server_version(self) -> str:  # type: ignore[override]  # as werkzeug's own
        return "plinth-dev"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and
        # the client's delayed ACK add ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def make_environ(self) -> WSGIEnvironment:
        environ = super().make_environ()
        environ[RAW_HEADERS] = list(self.headers.items())
        return environ

    def run_wsgi(self) -> None:
        """werkzeug's answers every request with `Connection: close`, then drains the socket
        for 10 ms; API Gateway keeps connections alive, and so does this server (the app
        reads every body whole, so the next request line comes next)."""
        answer: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            del exc_info
            answer[:] = [int(status.split(" ", 1)[0]), headers]
            return None

        try:
            body = b"".join(self.server.app(self.make_environ(), start_response))
        except MalformedBody:
            self.send_error(400)
            return
        self._write(answer[0], answer[1], body)

    def _write(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP (bad request line, headers too long): the gateway's default
        response for that status, in the error shape; never an HTML page."""
        del message, explain
        kind = "DEFAULT_4XX" if code < 500 else "DEFAULT_5XX"
        result = self.server.front.gateway_response(kind, str(uuid.uuid4()), status=code)
        if code in _TOO_LARGE:  # SPEC §3's code for a request over a size limit
            error = {"code": "payload_too_large", "message": _TOO_LARGE[code], "param": None}
            body = json.dumps({"error": error}).encode()
            result = GatewayResult(result.status, result.headers, body)
        self.close_connection = True
        self._write(result.status, response_headers(result), result.body)
        log.info("%s %s %d", self.command or "-", getattr(self, "path", "-"), result.status)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The app logs one line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        """No werkzeug access log or error lines either."""


class FrontServer(ThreadedWSGIServer):
    """A thread per connection, HTTP/1.1 with keep-alive."""

    # listen() backlog: the stdlib's 5 left a burst of connections waiting for SYN
    # retransmits (1 s, 3 s, 7 s, ...); a thread per connection takes them from here.
    request_queue_size = 1024

    def __init__(
        self, host: str, port: int, front: Front, firewall: Firewall | None = None
    ) -> None:
        self.front = front
        super().__init__(host, port, GatewayApp(front, firewall), handler=_Handler)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        # Not werkzeug's, which swallows KeyboardInterrupt: Ctrl-C is the stack's to handle.
        HTTPServer.serve_forever(self, poll_interval)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


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
