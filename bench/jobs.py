"""Jobs benchmark (`make bench`): bulk create of 1,000 and exports of 1k and 100k
resources, run by the real worker handler against a moto server in its own process.

Each measurement runs in a fresh child process so its peak RSS is its own: the moto
server (which holds the data) is a separate process and does not count.
Prints one JSON line per measurement: wall seconds, AWS calls, peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE_1K, WORKSPACE_LARGE = "ws_bench_1k", "ws_bench_large"


def _env(endpoint: str) -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }


def _configure() -> Any:
    from plinth_tools import template as tpl
    from plinth_tools.provision import function_environment, provision

    resolved = provision("bench-")
    os.environ.update(function_environment("JobsWorkerFunction", resolved))
    return resolved, tpl


# ---------------------------------------------------------------- child: run one job
def child(kind: str, workspace: str) -> None:
    resolved, tpl = _configure()
    from plinth.container import container
    from plinth.logic.jobs.submit import submit_bulk, submit_export
    from plinth.models.job import BulkCreateRequest, ExportRequest
    from plinth_tools.budgets import counting_aws_calls
    from plinth_tools.local.runtime import FunctionPool
    from plinth_tools.local.workers import QueuePoller

    svc = container().jobs
    if kind == "bulk":
        body = BulkCreateRequest.model_validate(
            {"resources": [{"name": f"r{i}", "metadata": {"i": str(i)}} for i in range(1000)]}
        )
        job = submit_bulk(workspace, body, svc)
    else:
        job = submit_export(workspace, ExportRequest(), svc)
    pool = FunctionPool(tpl.functions()["JobsWorkerFunction"])
    poller = QueuePoller(
        pool,
        resolved["JobsQueue"],
        resolved.attribute("JobsQueue", "Arn"),
        batch_size=1,
        report_failures=True,
        wait_seconds=0,
    )
    started = time.perf_counter()
    invocations = 0
    with counting_aws_calls() as calls:
        while poller.poll_once():  # continuations are new messages: run until none is left
            invocations += 1
    wall = time.perf_counter() - started
    done = svc.jobs.get(workspace, job.id)
    dynamodb = sum(v for k, v in calls.items() if k.startswith("dynamodb:"))
    print(
        json.dumps(
            {
                "bench": f"job {kind}",
                "workspace": workspace,
                "status": done.status.value,
                "items": done.checkpoint.processed,
                "wallSeconds": round(wall, 2),
                "invocations": invocations,
                "dynamodbCalls": dynamodb,
                "awsCalls": dict(sorted(calls.items())),
                "peakRssMiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


# ---------------------------------------------------------------- parent
def _seed(workspace: str, count: int) -> float:
    _configure()
    from plinth import ids
    from plinth.container import container
    from plinth.models.resource import Resource
    from plinth.models.types import ResourceStatus

    repo = container().resources
    started = time.perf_counter()
    batch: list[Resource] = []
    for i in range(count):
        now = 1_800_000_000_000 + i
        batch.append(
            Resource(
                id=ids.new_resource_id(),
                workspace_id=workspace,
                name=f"resource {i}",
                description="benchmark row " * 5,
                status=ResourceStatus.ACTIVE,
                metadata={"index": str(i), "team": "bench"},
                created_at=now,
                updated_at=now,
            )
        )
        if len(batch) == 25:
            repo.put_batch(batch)
            batch = []
    if batch:
        repo.put_batch(batch)
    return time.perf_counter() - started


def main() -> None:
    from plinth_tools.local.server import free_port

    sys.path.insert(0, str(ROOT))  # the e2e tier's helpers
    from tests.support import moto_server

    with moto_server(free_port()) as endpoint:
        os.environ.update(_env(endpoint))
        big = int(os.environ.get("BENCH_EXPORT_LARGE", "100000"))
        for workspace, count in ((WORKSPACE_1K, 1000), (WORKSPACE_LARGE, big)):
            print(
                json.dumps(
                    {
                        "bench": "seed",
                        "workspace": workspace,
                        "resources": count,
                        "seconds": round(_seed(workspace, count), 1),
                    }
                )
            )
        runs = [("bulk", "ws_bench_bulk"), ("export", WORKSPACE_1K), ("export", WORKSPACE_LARGE)]
        for kind, workspace in runs:
            subprocess.run(
                [sys.executable, __file__, "child", kind, workspace],
                check=True,
                env=_env(endpoint),
                cwd=ROOT,
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
