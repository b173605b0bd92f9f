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
