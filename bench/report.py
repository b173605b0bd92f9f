"""`make bench`: run every benchmark (each still runnable alone) and print one table.

Each bench prints JSON lines; this collects them and prints one Markdown table per
section: cold start per function (ms and ratio to `import boto3` in the same run), AWS
calls per operation, local latency and throughput, jobs. `--raw` also echoes the lines;
`--from FILE` renders saved JSON lines instead of running anything (to compare a "before").
Set BENCH_EXPORT_LARGE to size the large export (bench/jobs.py; default 100,000).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCHES = ("cold_start.py", "aws_calls.py", "local_get.py", "jobs.py")


def run(bench: str, raw: bool) -> list[dict[str, Any]]:
    print(f"running bench/{bench} ...", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / bench)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        return [{"bench": bench, "error": f"exit {done.returncode}"}]
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if raw:
        print(done.stdout, file=sys.stderr)
    return rows


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _stack_name(bench: str) -> str:
    # bench/local_get.py once printed "local GET ..." for plinth dev, its only mode then.
    return "plinth dev" if bench.startswith("local GET") else bench.split(":", maxsplit=1)[0]


def report(results: dict[str, list[dict[str, Any]]]) -> str:
    out = []
    cold = results["cold_start.py"]
    out.append(
        table(
            "Cold start (each function as built: fresh isolated interpreter, .pyc; best "
            "of 7 interleaved rounds; floor = boto3 + pydantic + Powertools event handler)",
            ["module", "ms", "ratio to import boto3", "ratio to floor"],
            [
                [r.get("module"), r.get("ms"), r.get("ratioToBoto3"), r.get("ratioToFloor", "")]
                for r in cold
                if "ms" in r
            ]
            or [[r] for r in cold],
        )
    )
    calls = results["aws_calls.py"]
    out.append(
        table(
            "AWS calls per operation (gateway emulation + moto; asserted by "
            "tests/integration/test_call_budgets.py)",
            ["operation", "status", "calls", "by operation"],
            [
                [
                    r.get("operation") or r.get("request"),
                    r.get("status"),
                    r.get("awsCalls"),
                    ", ".join(f"{k} {v}" for k, v in r.get("byOperation", {}).items()),
                ]
                for r in calls
                if "awsCalls" in r
            ]
            or [[r] for r in calls],
        )
    )
    local = results["local_get.py"]
    out.append(
        table(
            "Local stack: GET /v1/resources/{id} (keep-alive clients)",
            ["stack", "clients", "requests", "p50 ms", "p95 ms", "req/s", "stack CPU ms/req"],
            [
                [
                    _stack_name(str(r.get("bench", ""))),
                    r.get("clients"),
                    r.get("requests"),
                    r.get("p50_ms"),
                    r.get("p95_ms"),
                    r["rps"],
                    r.get("server_cpu_ms", "—"),
                ]
                for r in local
                if "rps" in r
            ]
            or [[r] for r in local],
        )
        + "".join(
            f"\n{r['bench']}: " + ", ".join(f"{k} {v}" for k, v in r.items() if k != "bench") + "\n"
            for r in local
            if "rps" not in r
        )
    )
    jobs = results["jobs.py"]
    out.append(
        table(
            "Jobs (worker handler against a moto server; seeding not counted)",
            ["job", "items", "status", "wall s", "invocations", "DynamoDB calls", "peak RSS MiB"],
            [
                [
                    f"{r['bench']} ({r['workspace']})",
                    r.get("items"),
                    r.get("status"),
                    r.get("wallSeconds"),
                    r.get("invocations"),
                    r.get("dynamodbCalls"),
                    r.get("peakRssMiB"),
                ]
                for r in jobs
                if str(r.get("bench", "")).startswith("job ")
            ]
            or [[r] for r in jobs],
        )
    )
    return "\n".join(out)


def sort_saved(lines: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Saved JSON lines of any of the benches, by the bench that printed them."""
    results: dict[str, list[dict[str, Any]]] = {bench: [] for bench in BENCHES}
    for line in lines:
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        kind = str(row.get("bench", ""))
        if kind == "cold import":
            results["cold_start.py"].append(row)
        elif kind == "aws calls" or ("awsCalls" in row and "request" in row):
            results["aws_calls.py"].append(row)
        elif kind.startswith(("local GET", "plinth dev")):
            results["local_get.py"].append(row)
        elif kind.startswith(("job ", "seed")):
            results["jobs.py"].append(row)
    return results


def main() -> None:
    if "--from" in sys.argv:
        saved = Path(sys.argv[sys.argv.index("--from") + 1]).read_text().splitlines()
        print(report(sort_saved(saved)))
        return
    raw = "--raw" in sys.argv
    results = {bench: run(bench, raw) for bench in BENCHES}
    print(report(results))


if __name__ == "__main__":
    main()
