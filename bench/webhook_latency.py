"""Local webhook delivery latency: an endpoint pointing at a receiver on this machine,
then N resources POSTed through `plinth dev`; for each, the time from the create's answer
to its signed delivery. Prints the median and worst (the first pays the functions' warm-up).

    uv run python bench/webhook_latency.py [N]      (add --sam for plinth dev --sam)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from plinth_tools.local.server import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the e2e tier's helpers
from plinth_client import webhooks
from tests.support import WebhookReceiver, call_api, start_process


def main() -> None:
    runs = int(next((a for a in sys.argv[1:] if a.isdigit()), "20"))
    sam = "--sam" in sys.argv
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    stack = start_process(
        free_port(), free_port(), "--rate-limit", "100000", *(["--sam"] if sam else []), env=env
    )
    receiver = WebhookReceiver(host="0.0.0.0" if sam else "127.0.0.1")
    samples = []
    try:
        body = {"url": receiver.url(), "enabledEvents": ["resource.created"]}
        secret = call_api(stack.base_url, stack.key, "POST", "/v1/webhook_endpoints", body)[
            "secret"
        ]
        for n in range(runs):
            started = time.monotonic()
            call_api(stack.base_url, stack.key, "POST", "/v1/resources", {"name": "latency"})
            (*_, delivered) = receiver.wait_for(n + 1, timeout=120)
            webhooks.verify(delivered.body, delivered.headers, secret)
            samples.append(delivered.at - started)
    finally:
        receiver.close()
        stack.stop()
    print(
        f"create → signed delivery, {runs} runs: median {statistics.median(samples) * 1000:.0f}"
        f" ms, max {max(samples) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
