"""Schemathesis against the running local stack, with a real key: every check, every phase
(stateful included), at least 2,000 generated requests, and not one failure of any kind.

Schemathesis runs in its own environment (`uvx`, pinned), never in the dev venv. Its
configuration and the two narrow exclusions, with their reasons, are in schemathesis/.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from plinth_tools.local.server import free_port
from tests.e2e.conftest import LocalApi
from tests.support import start_process, uvx

pytestmark = pytest.mark.e2e
SCHEMATHESIS = "schemathesis==4.32.5"
HERE = Path(__file__).parent / "schemathesis"
MIN_REQUESTS = 2000
# Every operation of the document is tested.
OPERATIONS = [
    (path, method)
    for path, item in json.loads((Path(__file__).parents[2] / "docs" / "openapi.json").read_text())[
        "paths"
    ].items()
    for method in item
]


@pytest.fixture
def own_stack():
    """A stack of its own: the thousands of jobs schemathesis submits queue up behind one
    worker, and must not delay the jobs of other tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    stack = start_process(free_port(), free_port(), "--rate-limit", "100000", env=env)
    yield LocalApi(stack.base_url, stack.key, stack.aws_endpoint, stack)
    assert stack.stop() == 0


def test_schemathesis_finds_no_failure(own_stack, tmp_path):
    own_stack.cli("workspaces", "create", "ws_schemathesis")
    key = own_stack.cli("keys", "create", "--workspace", "ws_schemathesis")["key"]
    report = tmp_path / "schemathesis.json"
    base = own_stack.base_url
    command = [
        uvx(),
        "--from",
        SCHEMATHESIS,
        "schemathesis",
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{base}/v1/openapi.json",
        "--url",
        base,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--workers",
        "2",
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "1"),
        "--header",
        f"Authorization: Bearer {key}",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--no-color",
    ]
    dropped = tmp_path / "dropped.json"
    env = os.environ | {
        "SCHEMATHESIS_HOOKS": "hooks",
        "PYTHONPATH": str(HERE),
        "PLINTH_HOOKS_REPORT": str(dropped),
    }
    started = time.monotonic()
    done = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=1200, check=False
    )
    elapsed = time.monotonic() - started
    output = done.stdout[-20000:] + done.stderr[-5000:]
    assert report.exists(), output
    summary = json.loads(report.read_text())
    cases = summary["test_cases"]
    print(  # the figures, for `pytest -s` and for the record
        f"schemathesis: {cases['generated']} requests in {elapsed:.0f} s, "
        f"{len(summary['failures'])} failures, {len(summary['errors'])} errors, "
        f"{summary['filtered']} dropped by hooks.py "
        f"({json.loads(dropped.read_text()) if dropped.exists() else {}}), "
        f"phases {summary['phases']}"
    )
    assert summary["failures"] == [], output
    assert summary["errors"] == [], output
    assert cases["errored"] == 0, output
    assert done.returncode == 0, output
    assert cases["generated"] >= MIN_REQUESTS, cases
    assert summary["operations"]["tested"] == summary["operations"]["total"] == len(OPERATIONS)
    for phase in ("coverage", "fuzzing", "stateful"):
        assert summary["phases"][phase]["status"] == "success", summary["phases"]
