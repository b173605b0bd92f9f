"""The HTTP edge (werkzeug) over a loopback socket, with a fake front: the gateway gets the
request exactly as sent, and answers go out as the gateway made them, keep-alive."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path

import pytest

from plinth_tools.local.gateway import GatewayRequest, GatewayResult
from plinth_tools.local.server import FrontServer


class FakeFront:
    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir  # no docs/openapi.json there: no dev pages
        self.requests: list[GatewayRequest] = []

    def handle(self, request: GatewayRequest) -> GatewayResult:
        self.requests.append(request)
        headers = [
            ("Content-Type", "text/plain"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
            ("Connection", "close"),  # the server's business, never the function's
            ("Content-Length", "999"),
        ]
        return GatewayResult(201, headers, b"answer")

    def gateway_response(self, kind, request_id, status=None):
        body = json.dumps({"error": {"code": kind, "message": request_id, "param": None}})
        return GatewayResult(status or 500, [("Content-Type", "application/json")], body.encode())


@pytest.fixture
def served(tmp_path):
    front = FakeFront(tmp_path)
    server = FrontServer("127.0.0.1", 0, front)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield front, server.port
    server.shutdown()
    server.server_close()


def _exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes; read until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        sock.settimeout(1)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_the_request_reaches_the_gateway_as_sent(served):
    front, port = served
    _exchange(
        port,
        b"GET /v1/resources/res_a%20b?x=1&x=2 HTTP/1.1\r\nHost: h\r\n"
        b"X-Multi: 1\r\nx-multi: 2\r\nUnder_Score: u\r\nConnection: close\r\n\r\n",
    )
    (request,) = front.requests
    assert request.method == "GET"
    assert request.path == "/v1/resources/res_a%20b"  # percent-escapes kept
    assert request.query == "x=1&x=2"
    assert [h for h in request.headers if h[0].lower() in ("x-multi", "under_score")] == [
        ("X-Multi", "1"),
        ("x-multi", "2"),
        ("Under_Score", "u"),
    ]
    assert request.body == b""
    assert request.source_ip == "127.0.0.1"


def test_a_chunked_body_is_read_whole_and_the_connection_stays_open(served):
    front, port = served
    chunked = (
        b"POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\n\xff\x00\r\n0\r\n\r\n"
    )
    answer = _exchange(port, chunked + b"GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
    assert [r.body for r in front.requests] == [b"abc\xff\x00", b""]
    assert [r.path for r in front.requests] == ["/a", "/b"]
    assert answer.count(b"HTTP/1.1 201 Created\r\n") == 2


def test_a_malformed_chunked_body_is_400_in_json_and_closes(served):
    front, port = served
    answer = _exchange(
        port, b"POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n"
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body)["error"]["code"] == "DEFAULT_4XX"
    assert front.requests == []


def test_keep_alive_answers_carry_the_gateways_headers_and_their_own_length(served):
    front, port = served
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    sockets = []
    try:
        for method in ("GET", "HEAD", "POST"):
            connection.request(method, "/x", body=b"{}" if method == "POST" else None)
            response = connection.getresponse()
            body = response.read()
            assert response.status == 201
            assert response.getheader("Connection") is None
            assert response.getheader("Content-Length") == "6"
            assert response.getheader("Server").startswith("plinth-dev")
            assert [v for k, v in response.getheaders() if k == "Set-Cookie"] == ["a=1", "b=2"]
            assert body == (b"" if method == "HEAD" else b"answer")
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert sockets[0] is sockets[1] is sockets[2]  # one connection throughout
    assert [r.method for r in front.requests] == ["GET", "HEAD", "POST"]
    assert front.requests[2].body == b"{}"
