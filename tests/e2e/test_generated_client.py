"""A third-party generator (openapi-python-client) builds a client from docs/openapi.json,
and that client works against the local stack: create, get, list, patch, 404, 422, jobs.

The generator runs in its own environment (`uvx`, pinned), never in the dev venv; the
generated client runs there too (it needs httpx and attrs, which the generator has).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from plinth_tools import openapi
from tests.support import uvx

pytestmark = pytest.mark.e2e
GENERATOR = "openapi-python-client==0.29.1"
DRIVER = Path(__file__).parent / "generated_client" / "drive.py"


def _tool(*args: str, cwd: Path) -> str:
    done = subprocess.run(  # our own command line
        [uvx(), "--from", GENERATOR, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_generated_client_works_against_the_local_stack(local_stack, tmp_path):
    generated = _tool(
        "openapi-python-client",
        "generate",
        "--path",
        str(openapi.DOCUMENT),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / "plinth_api"),
        cwd=tmp_path,
    )
    assert "Warning" not in generated, generated  # every part of the document understood
    local_stack.cli("workspaces", "create", "ws_generated")
    key = local_stack.cli("keys", "create", "--workspace", "ws_generated")["key"]
    out = _tool("python", str(DRIVER), str(tmp_path), local_stack.base_url, key, cwd=tmp_path)
    checked = json.loads(out.strip().splitlines()[-1])
    assert set(checked) == {"create", "get", "list", "patch", "404", "422", "job"}
    assert checked["patch"] == "paused"
