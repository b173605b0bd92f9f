"""The HTTP front of the local stack: a threading HTTP/1.1 server over `Gateway`; and the
ports the local stack listens on."""

from __future__ import annotations

import socket
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

from plinth_tools.local import StackError, log
from plinth_tools.local.docs import DevPages
from plinth_tools.local.gateway import GatewayRequest, GatewayResult

DEFAULT_HOST = "127.0.0.1"


class Front(Protocol):
    """What answers requests: the emulated `Gateway`, or `sam.GatewayResponses`."""

    base_dir: Path  # the project: docs/openapi.json is served from there

    def handle(self, request: GatewayRequest) -> GatewayResult: ...

    def gateway_response(
        self, kind: str, request_id: str, status: int | None = None
    ) -> GatewayResult: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like API Gateway
    server_version = "plinth-dev"
    gateway: ClassVar[Front]
    pages: ClassVar[DevPages]

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and
        # the client's delayed ACK add ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        started = time.perf_counter()
        target = urlsplit(self.path)
        request = GatewayRequest(
            method=self.command,
            path=target.path,
            query=target.query,
            headers=list(self.headers.items()),
            body=self._read_body(),
            source_ip=self.client_address[0],
        )
        page = self.pages.answer(request.method, request.path, self.headers.get("Host", ""))
        self._write(page or self.gateway.handle(request), started)

    def _write(self, result: GatewayResult, started: float) -> None:
        self.send_response(result.status)
        for name, value in result.headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(result.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(result.body)
        elapsed = (time.perf_counter() - started) * 1000
        target = urlsplit(self.path or "")
        log.info("%s %s %d %.1fms", self.command, target.path, result.status, elapsed)

    # The stdlib dispatches on do_<METHOD> and answers any other method with a 501 HTML
    # page. API Gateway routes every method, known or not (TRACE, CONNECT, BREW), and
    # answers one it has no route for like an unknown route: so does the gateway here.
    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP (bad request line, headers too long): the gateway's default
        response for that status, in the error shape; never the stdlib's HTML page."""
        del message, explain
        started = time.perf_counter()
        kind = "DEFAULT_4XX" if code < 500 else "DEFAULT_5XX"
        self.close_connection = True
        self._write(self.gateway.gateway_response(kind, str(uuid.uuid4()), status=code), started)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's access log: `_serve` logs one line per request."""


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # listen() backlog: the stdlib's 5 left a burst of connections waiting for SYN
    # retransmits (1 s, 3 s, 7 s, ...); a thread per connection takes them from here.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], gateway: Front) -> None:
        pages = DevPages(gateway.base_dir / "docs" / "openapi.json")
        handler = type("BoundHandler", (_Handler,), {"gateway": gateway, "pages": pages})
        super().__init__(address, handler)


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
