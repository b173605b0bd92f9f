"""Does a bulk job slow down as the local tables grow? Rounds of "bulk-create 250, wait
for the job, then 300 single creates (4 at a time)" through `plinth dev`; prints each
round's job time and the creates' p50/p90. Flat job times are the expectation (moto's
TransactWriteItems once copied whole tables: plinth_tools.local.moto_transactions).

    uv run python bench/bulk_growth.py [ROUNDS]
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import sys
import time
from pathlib import Path

from plinth_tools.local.server import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the e2e tier's helpers
from tests.support import call_api, start_process


def _bulk(base: str, key: str) -> float:
    started = time.monotonic()
    items = {"resources": [{"name": f"b{i}"} for i in range(250)]}
    job = call_api(base, key, "POST", "/v1/resources/bulk", items)
    while call_api(base, key, "GET", f"/v1/jobs/{job['id']}")["status"] not in (
        "completed",
        "failed",
    ):
        time.sleep(0.2)
    return time.monotonic() - started


def _create(base: str, key: str) -> float:
    started = time.monotonic()
    call_api(base, key, "POST", "/v1/resources", {"name": "x"})
    return time.monotonic() - started


def main() -> None:
    rounds = int(next((a for a in sys.argv[1:] if a.isdigit()), "6"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    stack = start_process(free_port(), free_port(), "--rate-limit", "100000", env=env)
    base, key = stack.base_url, stack.key
    try:
        for n in range(rounds):
            job_s = _bulk(base, key)
            with cf.ThreadPoolExecutor(4) as pool:
                latencies = sorted(pool.map(lambda _: _create(base, key), range(300)))
            print(
                f"round {n}: bulk 250 in {job_s:.1f} s; 300 creates p50 "
                f"{latencies[150] * 1000:.0f} ms, p90 {latencies[270] * 1000:.0f} ms",
                flush=True,
            )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
