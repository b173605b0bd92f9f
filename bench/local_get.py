"""GET /v1/resources/{id} latency and throughput through the local stack (`make bench`).

Starts `plinth dev` as its own process on free ports (as a developer would run it),
warms it up, then measures one client and eight concurrent clients, each on its own
keep-alive connection. Prints p50/p95 in ms and requests per second.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time

from plinth_tools.local.stack import free_port, start_process

REQUESTS_PER_CLIENT = 400


errors: list[int] = []


def _client(port: int, key: str, path: str, count: int, out: list[float]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        out.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            errors.append(response.status)
    connection.close()


def _run(port: int, key: str, path: str, clients: int) -> dict[str, float]:
    samples: list[list[float]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(port, key, path, REQUESTS_PER_CLIENT, samples[i]))
        for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} requests failed: {sorted(set(errors))}")
    latencies = sorted(v for s in samples for v in s)
    return {
        "clients": clients,
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "rps": round(len(latencies) / elapsed, 1),
    }


def main() -> None:
    port = free_port()
    # The bench measures the API, not the limiter's 429s: lift the default limit.
    stack = start_process(port, free_port(), "--rate-limit", "1000000")
    key = stack.key
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request(
            "POST",
            "/v1/resources",
            body=json.dumps({"name": "bench"}),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        path = f"/v1/resources/{json.loads(connection.getresponse().read())['id']}"
        _run(port, key, path, 8)  # warm: cold-start one container per concurrent client
        for clients in (1, 8):
            print(
                json.dumps(
                    {"bench": "local GET /v1/resources/{id}"} | _run(port, key, path, clients)
                )
            )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
