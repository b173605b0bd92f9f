from __future__ import annotations

from typing import Any

import pytest

from plinth.container import container
from plinth.logic import keys as key_logic


@pytest.fixture
def create(api):
    """POST a resource and return its body (asserts the 201)."""

    def _create(workspace: str = "ws_alpha", **body: Any) -> dict[str, Any]:
        body.setdefault("name", "thing")
        response = api.request("POST", "/v1/resources", json_body=body, workspace=workspace)
        assert response.status == 201, response.text
        return response.body

    return _create


@pytest.fixture
def mint_key(aws):
    """Create a workspace (if needed) and a key; returns (key item, secret)."""

    def _mint(
        workspace: str = "ws_alpha", scopes=("resources:read", "resources:write"), rate_limit=None
    ):
        deps = container()
        key_logic.create_workspace(workspace, rate_limit, deps.workspaces)
        return key_logic.create_key(workspace, scopes, deps.api_keys, deps.workspaces)

    return _mint


class ControlPlane:
    """API Gateway's control plane as the key functions call it: records each
    FlushStageAuthorizersCache (by path), or answers `status` to make it fail."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.flushed: list[str] = []
        self.status = 202
        plane = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_DELETE(self) -> None:
                plane.flushed.append(self.path)
                body = b"" if plane.status < 300 else b'{"message":"down"}'
                self.send_response(plane.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def control_plane(aws, monkeypatch):
    """AWS_ENDPOINT_URL_API_GATEWAY at a recorder: the functions' flushes land there."""
    plane = ControlPlane()
    monkeypatch.setenv("AWS_ENDPOINT_URL_API_GATEWAY", plane.url)
    yield plane
    plane.close()
