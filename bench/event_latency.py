"""Local event latency: POST a resource through `plinth dev`, then poll GET /v1/events
until its `resource.created` event is listed; prints the median and worst of N runs.

    uv run python bench/event_latency.py [N]      (add --sam for plinth dev --sam)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from plinth_tools.local.server import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the e2e tier's helpers
from tests.support import call_api, start_process


def measure(base: str, key: str) -> float:
    started = time.monotonic()
    rid = call_api(base, key, "POST", "/v1/resources", {"name": "latency"})["id"]
    while True:
        page = call_api(base, key, "GET", "/v1/events?type=resource.created&limit=5")
        if any(e["data"]["object"]["id"] == rid for e in page["data"]):
            return time.monotonic() - started
        time.sleep(0.02)


def main() -> None:
    runs = int(next((a for a in sys.argv[1:] if a.isdigit()), "20"))
    extra = ["--sam"] if "--sam" in sys.argv else []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    stack = start_process(free_port(), free_port(), "--rate-limit", "100000", *extra, env=env)
    try:
        samples = [measure(stack.base_url, stack.key) for _ in range(runs)]
    finally:
        stack.stop()
    print(
        f"create → listed, {runs} runs: median {statistics.median(samples) * 1000:.0f} ms,"
        f" max {max(samples) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
