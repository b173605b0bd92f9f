"""Local only: the OpenAPI document at /v1/openapi.json and Swagger UI at /docs.

Not routes of the API (template.yaml declares none): the deployed API serves neither.
Swagger UI's assets come from the `swagger-ui-bundle-v2` package, never a CDN.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from plinth_tools.local.gateway import GatewayResult

DOCUMENT_PATH = "/v1/openapi.json"
UI_PATH = "/docs"
_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Plinth API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/v1/openapi.json",
      dom_id: "#swagger-ui",
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      persistAuthorization: true
    });
  </script>
</body>
</html>
"""


class DevPages:
    def __init__(self, document: Path) -> None:
        # A template without a document beside it (a test fixture) serves no pages.
        self._document: dict[str, Any] | None = (
            json.loads(document.read_text(encoding="utf-8")) if document.exists() else None
        )
        self._assets = Path(str(swagger_ui_path))

    def answer(self, method: str, path: str, host: str) -> GatewayResult | None:
        """The page for a GET or HEAD of one of these paths; None for anything else."""
        if method not in ("GET", "HEAD") or self._document is None:
            return None
        if path == DOCUMENT_PATH:
            # Served with this server as its `servers` entry, so "Try it out" calls it.
            document = self._document | {"servers": [{"url": f"http://{host}"}]}
            return _ok("application/json", json.dumps(document, indent=2).encode())
        if path in (UI_PATH, UI_PATH + "/"):
            return _ok("text/html; charset=utf-8", _PAGE.encode())
        name = path.removeprefix(UI_PATH + "/")
        if path.startswith(UI_PATH + "/") and name in _ASSETS:
            return _ok(_ASSETS[name], (self._assets / name).read_bytes())
        return None


def _ok(content_type: str, body: bytes) -> GatewayResult:
    headers = [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Request-Id", str(uuid.uuid4())),
    ]
    return GatewayResult(200, headers, body)
