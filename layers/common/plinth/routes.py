"""Methods each API path allows: the `Allow` header of a 405.

tests/unit/test_template.py asserts this matches the routes in template.yaml.
"""

from __future__ import annotations

ALLOWED_METHODS: dict[str, list[str]] = {
    "/v1/resources": ["GET", "POST"],
    "/v1/resources/{id}": ["DELETE", "GET", "PATCH"],
    "/v1/resources/bulk": ["POST"],
    "/v1/resources/export": ["POST"],
    "/v1/jobs": ["GET"],
    "/v1/jobs/{id}": ["GET"],
}
