"""The local stack's HTTP edge: any method, malformed requests, bursts of connections,
and the SPEC §1-§2 headers on the gateway's own answers."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e
UUID = re.compile(r"^[0-9a-f-]{36}$")


def _connection(api, timeout=10.0):
    target = urlsplit(api.base_url)
    return http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)


def _send(api, method, path, headers=None):
    connection = _connection(api)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _wait_for_log(api, pattern):
    deadline = time.monotonic() + 5
    while not any(re.search(pattern, line) for line in list(api.stack.log)):
        assert time.monotonic() < deadline, list(api.stack.log)[-5:]
        time.sleep(0.05)


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "BREW", "PROPFIND"])
@pytest.mark.parametrize("path", ["/v1/resources", "/v1/nope"])
def test_unknown_methods_are_answered_like_an_unknown_route_in_json(api, method, path):
    status, headers, body = _send(api, method, path, {"Authorization": f"Bearer {api.key}"})
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "error": {"code": "not_found", "message": "No such route.", "param": None}
    }
    assert UUID.match(headers["X-Request-Id"])
    assert headers["Cache-Control"] == "no-store"
    _wait_for_log(api, rf"{method} {re.escape(path)} 404 \d+\.\dms$")


def _raw(api, data: bytes) -> bytes:
    target = urlsplit(api.base_url)
    with socket.create_connection((target.hostname, target.port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /v1/resources HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n" + b"X: y\r\n" * 120,
        b"GET /v1/resources HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /v1/resources HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_malformed_http_is_answered_in_the_error_shape_never_html(api, request_bytes):
    answer = _raw(api, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"<html" not in answer.lower() and b"<!doctype" not in answer.lower()
    if head.startswith(b"HTTP/"):
        assert re.match(rb"HTTP/1\.[01] (4|5)\d\d ", head), head
        assert b"x-request-id:" in head.lower()
    error = json.loads(body if head.startswith(b"HTTP/") else answer)["error"]
    assert set(error) == {"code", "message", "param"}


def test_gateway_answers_carry_the_spec_headers(api):
    # sam local answers a rejected key with its own 502 (README): use no key there.
    rejected = {} if api.sam else {"Authorization": "Bearer nope"}
    status, headers, _ = _send(api, "GET", "/v1/resources", rejected)
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Bearer realm="plinth"'
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = _send(api, "GET", "/v1/nope")
    assert status == 404
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("scheme", ["bearer", "BEARER"])
def test_bearer_scheme_is_case_insensitive_over_http(api, scheme):
    status, headers, _ = _send(
        api, "GET", "/v1/resources", {"Authorization": f"{scheme} {api.key}"}
    )
    assert status == 200
    assert headers["Cache-Control"] == "no-store"


def test_chunked_bodies_on_one_kept_alive_connection(api):
    connection = _connection(api)
    sockets = []
    try:
        for name in ("first", "second"):
            chunks = [b'{"name": ', json.dumps(name).encode(), b"}"]
            connection.request(
                "POST",
                "/v1/resources",
                body=iter(chunks),
                headers={"Authorization": f"Bearer {api.key}", "Content-Type": "application/json"},
                encode_chunked=True,
            )
            response = connection.getresponse()
            created = json.loads(response.read())
            assert response.status == 201, created
            assert created["name"] == name
            assert response.getheader("Connection") is None
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert sockets[0] is sockets[1]


def test_a_burst_of_64_connections_is_answered_quickly(api):
    """64 clients connect at once; the stdlib's listen backlog of 5 made some wait for SYN
    retransmits (1 s, 3 s, 7 s, ...) and time out."""
    barrier = threading.Barrier(64)
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client():
        connection = _connection(api, timeout=30)
        barrier.wait()
        started = time.monotonic()
        try:
            connection.request(
                "GET", "/v1/resources?limit=1", headers={"Authorization": f"Bearer {api.key}"}
            )
            response = connection.getresponse()
            response.read()
            outcome = (response.status, time.monotonic() - started)
        except OSError:
            outcome = (0, time.monotonic() - started)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 64
    assert [status for status, _ in results] == [200] * 64
    slowest = max(elapsed for _, elapsed in results)
    assert slowest < 5, f"slowest answer took {slowest:.1f} s"


def test_the_document_is_served_at_v1_openapi_json_naming_this_server(api):
    from plinth_tools import openapi

    status, headers, body = _send(api, "GET", "/v1/openapi.json")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    served = json.loads(body)
    expected = json.loads(openapi.DOCUMENT.read_text())
    assert served["servers"] == [{"url": api.base_url}]
    assert served | {"servers": None} == expected | {"servers": None}


def test_swagger_ui_is_served_at_docs_from_the_package_never_a_cdn(api):
    status, headers, page = _send(api, "GET", "/docs")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    text = page.decode()
    assert "/v1/openapi.json" in text
    sources = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert sources and all(s.startswith("/docs/") for s in sources), sources
    for source in sources:
        status, headers, asset = _send(api, "GET", source)
        assert status == 200, source
        assert len(asset) > 500
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert b"SwaggerUIBundle" in _send(api, "GET", "/docs/swagger-ui-bundle.js")[2]


@pytest.mark.parametrize(
    "path", ["/docs/../template.yaml", "/docs/index.j2", "/docs/%2e%2e/README.md", "/docs/x"]
)
def test_docs_serve_only_their_own_assets(api, path):
    status, _, body = _send(api, "GET", path)
    assert status == 404
    assert json.loads(body)["error"]["code"] == "not_found"


def test_two_authorization_headers_are_401_even_when_each_key_is_valid(api):
    # The first request caches the key's verdict in API Gateway (and in `plinth dev`):
    # the pipeline must refuse the pair itself, since the authorizer may never see it.
    assert _send(api, "GET", "/v1/resources", {"Authorization": f"Bearer {api.key}"})[0] == 200
    connection = _connection(api)
    try:
        connection.putrequest("GET", "/v1/resources")
        connection.putheader("Authorization", f"Bearer {api.key}")
        connection.putheader("Authorization", f"Bearer {api.key}")
        connection.endheaders()
        response = connection.getresponse()
        status, headers, body = response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
    from tests.e2e.test_http import SAM_AUTHORIZER_FAILURE

    if api.sam and (status, json.loads(body)) == SAM_AUTHORIZER_FAILURE:
        return  # sam local runs the authorizer on every request; it refuses the pair too
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Bearer realm="plinth"'
    assert json.loads(body) == {
        "error": {
            "code": "unauthorized",
            "message": "Send exactly one Authorization header.",
            "param": "Authorization",
        }
    }


@pytest.mark.parametrize("key", [True, False])
def test_a_body_over_five_mebibytes_is_413_from_the_firewall_before_lambda_or_the_key(api, key):
    """Between 5 MiB and API Gateway's 10 MB the event would pass Lambda's 6 MB limit, the
    invocation fail and the gateway answer a retryable 5xx: the firewall answers first."""
    body = b'{"resources": [' + b" " * (6 * 1024 * 1024) + b"]}"
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {api.key}"
    connection = _connection(api, timeout=60)
    try:
        connection.request("POST", "/v1/resources/bulk", body=body, headers=headers)
        response = connection.getresponse()
        status, answer = response.status, json.loads(response.read())
    finally:
        connection.close()
    assert status == 413
    assert answer["error"]["code"] == "payload_too_large"
    assert "5 MiB (5242880 bytes)" in answer["error"]["message"]  # the firewall's, not Lambda's
    assert "Retry-After" not in dict(response.getheaders())


def test_a_body_of_exactly_five_mebibytes_passes_the_firewall(api):
    body = b'{"resources": [' + b" " * (5 * 1024 * 1024 - 17) + b"]}"
    assert len(body) == 5 * 1024 * 1024
    connection = _connection(api, timeout=60)
    try:
        connection.request(
            "POST",
            "/v1/resources/bulk",
            body=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {api.key}"},
        )
        response = connection.getresponse()
        status, answer = response.status, json.loads(response.read())
    finally:
        connection.close()
    assert "5 MiB (5242880 bytes)" not in answer["error"]["message"]
    assert status == 422  # the function's answer: an empty list of resources


@pytest.mark.parametrize(
    ("request_bytes", "status", "message"),
    [
        (b"GET /v1/" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "line is too long"),
        (b"GET /v1/resources HTTP/1.1\r\nX-Big: " + b"y" * 70_000 + b"\r\n\r\n", 431, "too large"),
    ],
)
def test_request_line_or_headers_over_the_limit_answer_the_spec_code(
    api, request_bytes, status, message
):
    answer = _raw(api, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head
    error = json.loads(body)["error"]
    assert error["code"] == "payload_too_large"
    assert message in error["message"]
    assert error["param"] is None
