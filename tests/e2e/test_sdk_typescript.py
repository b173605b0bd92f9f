"""The TypeScript SDK against the same local stack: `node --test` and the examples, run from
their build (`make ts` builds it; `make test` runs that first)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PACKAGE = Path(__file__).resolve().parents[2] / "clients" / "typescript"
BUILD = PACKAGE / "build"


def _node(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "Node >= 18 is needed for the TypeScript SDK"
    if not (BUILD / "test" / "e2e" / "stack.test.js").exists():
        pytest.fail("the TypeScript SDK is not built: run `make ts` first")
    return subprocess.run(
        [node, *args],
        cwd=PACKAGE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


SCOPES = "resources:read,resources:write,webhooks:read,webhooks:write"


def _workspace(local_stack, name, *args):
    local_stack.cli("workspaces", "create", name, *args)
    return local_stack.cli("keys", "create", "--workspace", name, "--scopes", SCOPES)["key"]


def _env(local_stack, key, **extra):
    return os.environ | {
        "PLINTH_BASE_URL": local_stack.base_url + "/v1",
        "PLINTH_API_KEY": key,
        **extra,
    }


def test_typescript_sdk_against_the_local_stack(local_stack):
    env = _env(
        local_stack,
        _workspace(local_stack, "ws_sdk_ts"),
        PLINTH_SLOW_API_KEY=_workspace(local_stack, "ws_sdk_ts_slow", "--rate-limit", "3"),
        # sam local's webhook sender reaches this machine through the Docker bridge.
        PLINTH_RECEIVER_HOST="0.0.0.0" if local_stack.sam else "127.0.0.1",
    )
    done = _node("--test", "--test-reporter=tap", "build/test/e2e/stack.test.js", env=env)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert re.search(r"^# pass 6$", done.stdout, re.MULTILINE), report
    assert re.search(r"^# fail 0$", done.stdout, re.MULTILINE), report


@pytest.fixture(scope="module")
def examples_key(local_stack):
    return _workspace(local_stack, "ws_sdk_ts_examples")


@pytest.mark.parametrize("example", ["quickstart", "paging", "bulk-import", "export"])
def test_typescript_examples_run_against_the_local_stack(local_stack, examples_key, example):
    done = _node(f"build/examples/{example}.js", env=_env(local_stack, examples_key))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip(), "an example prints what it did"
