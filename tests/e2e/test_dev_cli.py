"""`plinth dev` as a command: clear failures, no tracebacks."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("flag", ["--port", "--aws-port"])
def test_port_in_use_is_a_clear_message_not_a_traceback(flag):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "plinth_tools.cli", "dev", flag, str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert (
        f"port {port} on 127.0.0.1 is already in use; choose another with {flag} N" in done.stderr
    )
    assert "Traceback" not in done.stderr + done.stdout


def test_unreachable_aws_endpoint_is_a_clear_message():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "plinth_tools.cli",
            "dev",
            "--port",
            "0",
            "--aws-endpoint-url",
            f"http://127.0.0.1:{dead}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PLINTH_ENDPOINT_WAIT": "1"},
    )
    assert done.returncode == 2
    assert "no AWS endpoint answering" in done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_stops_the_api_and_moto():
    import signal
    import urllib.request

    from plinth_tools.local.server import free_port
    from tests.support import start_process

    port, aws_port = free_port(), free_port()
    stack = start_process(port, aws_port)
    with urllib.request.urlopen(f"{stack.aws_endpoint}/", timeout=5):
        pass
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=20) == 0
    assert stack.stop() == 0
    for busy in (port, aws_port):  # both ports are free again: nothing left running
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", busy))


def test_aws_endpoint_url_uses_an_endpoint_that_is_already_running():
    """`--aws-endpoint-url`: no moto of its own; tables and data land on that endpoint."""
    import json
    import os
    import urllib.request

    import boto3

    from plinth_tools.local.server import free_port
    from tests.support import moto_server, start_process

    with moto_server(free_port()) as endpoint:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        stack = start_process(port, None, "--aws-endpoint-url", endpoint, env=env)
        try:
            request = urllib.request.Request(
                f"{stack.base_url}/v1/resources",
                data=json.dumps({"name": "on the shared endpoint"}).encode(),
                headers={
                    "Authorization": f"Bearer {stack.key}",
                    "Content-Type": "application/json",
                },
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                created = json.loads(response.read())
        finally:
            assert stack.stop() == 0
        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        item = dynamodb.get_item(
            TableName="plinth-ResourcesTable",
            Key={"workspaceId": {"S": "ws_demo"}, "id": {"S": created["id"]}},
        )["Item"]
        assert item["name"]["S"] == "on the shared endpoint"
