"""GET /v1/resources/{id} latency and throughput through the local stack (`make bench`).

Starts `plinth dev` as its own process on free ports (as a developer would run it),
warms it up, then measures one client and eight concurrent clients, each on its own
keep-alive connection. Prints p50/p95 in ms, requests per second, and the CPU time the
stack's own process spent per request (user + system: unlike wall time, barely moved by
whatever else the machine runs; for `--sam` it leaves out the containers).

With Docker up (`make sam-local-deps`), the same runs against `plinth dev --sam` in the same
run, side by side, and its memory (containers plus sam's own processes) is printed too.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from plinth_tools.local.sam import container_endpoint, docker_bridge_address, sam_containers
from plinth_tools.local.server import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the e2e tier's helpers
from tests.support import start_process

REQUESTS_PER_CLIENT = {"dev": 400, "sam": 100}  # sam local: ~30 ms a request


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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, all its threads (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(port: int, key: str, path: str, clients: int, count: int, *, pid: int) -> dict[str, float]:
    samples: list[list[float]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(port, key, path, count, samples[i]))
        for i in range(clients)
    ]
    cpu = _cpu_seconds(pid)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds(pid) - cpu
    if errors:
        raise SystemExit(f"{len(errors)} requests failed: {sorted(set(errors))}")
    latencies = sorted(v for s in samples for v in s)
    return {
        "clients": clients,
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "rps": round(len(latencies) / elapsed, 1),
        "server_cpu_ms": round(cpu * 1000 / len(latencies), 2),
    }


def _docker_usable() -> bool:
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


def _memory_mib(stack_pid: int, aws_endpoint: str) -> dict[str, float]:
    """RSS of `plinth dev` and its children (sam's processes), and the containers' usage."""
    pids = subprocess.run(
        ["ps", "-o", "pid=,ppid=,rss=", "-A"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    table = [tuple(int(x) for x in line.split()) for line in pids if line.strip()]
    family = {stack_pid}
    for _ in range(4):  # children of children (sam's python under its launcher)
        family |= {pid for pid, ppid, _ in table if ppid in family}
    rss = sum(kb for pid, _, kb in table if pid in family)
    ids = sorted(sam_containers(container_endpoint(aws_endpoint, docker_bridge_address())))
    used = 0.0
    if ids:
        stats = subprocess.run(
            ["docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", *ids],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        units = {"KiB": 1 / 1024, "MiB": 1.0, "GiB": 1024.0, "B": 1 / 1024 / 1024}
        for line in filter(None, stats):
            amount = line.split("/")[0].strip()
            for unit, factor in units.items():
                if amount.endswith(unit):
                    used += float(amount[: -len(unit)]) * factor
                    break
    return {
        "containers": len(ids),
        "containers_mib": round(used, 1),
        "processes_mib": round(rss / 1024, 1),
    }


def bench(mode: str) -> None:
    port = free_port()
    extra = ["--sam"] if mode == "sam" else []
    # The bench measures the API, not the limiter's 429s: lift the default limit.
    stack = start_process(port, free_port(), "--rate-limit", "1000000", *extra)
    key = stack.key
    count = REQUESTS_PER_CLIENT[mode]
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request(
            "POST",
            "/v1/resources",
            body=json.dumps({"name": "bench"}),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        path = f"/v1/resources/{json.loads(connection.getresponse().read())['id']}"
        pid = stack.process.pid
        _run(port, key, path, 8, count // 4, pid=pid)  # warm: one container per concurrent client
        for clients in (1, 8):
            result = _run(port, key, path, clients, count, pid=pid)
            name = "plinth dev --sam" if mode == "sam" else "plinth dev"
            print(json.dumps({"bench": f"{name}: GET /v1/resources/{{id}}"} | result))
        if mode == "sam":
            print(
                json.dumps(
                    {"bench": "plinth dev --sam: memory"}
                    | _memory_mib(stack.process.pid, stack.aws_endpoint)
                )
            )
    finally:
        stack.stop()


def main() -> None:
    modes = sys.argv[1:] or ["dev", "sam"]
    if "dev" in modes:
        bench("dev")
    if "sam" not in modes:
        return
    if _docker_usable():
        bench("sam")
    else:
        print(json.dumps({"bench": "plinth dev --sam", "skipped": "Docker is not running"}))


if __name__ == "__main__":
    main()
