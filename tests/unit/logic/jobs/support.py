"""What the job tests share: a clock, request bodies, and one worker run."""

from __future__ import annotations

from plinth.logic.jobs.worker import Outcome, WorkerConfig, process_message
from plinth.models.job import BulkCreateRequest
from plinth.models.resource import Resource, ResourceCreate
from plinth.models.types import ResourceStatus

T0 = 1_800_000_000_000
CONFIG = WorkerConfig(margin_ms=1_000, lease_ms=60_000, max_receive_count=3, part_bytes=256)


class Clock:
    """Ticks one millisecond per reading, so every write gets its own time."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        self.now += 1
        return self.now


def bulk_request(count: int) -> BulkCreateRequest:
    return BulkCreateRequest.model_validate(
        {"resources": [{"name": f"r{i}"} for i in range(count)]}
    )


def work(
    svc,
    queue,
    clock,
    *,
    receive_count=1,
    owner="worker-1",
    remaining=lambda: 60_000,
    config=CONFIG,
) -> Outcome:
    """Deliver the queue's next message to the worker, as Lambda's SQS event source does."""
    return process_message(
        queue.receive(),
        receive_count=receive_count,
        owner=owner,
        remaining_ms=remaining,
        svc=svc,
        config=config,
        clock=clock,
    )


def seed_resources(resources, count: int, status=ResourceStatus.ACTIVE, first=0) -> list[str]:
    """`count` resources in workspace ws_a, ids numbered from `first` (oldest first)."""
    created = []
    for i in range(first, first + count):
        rid = f"res_{i:026d}"
        resource = Resource.new(rid, "ws_a", ResourceCreate(name=f"r{i}"), T0 + i)
        if status is not ResourceStatus.ACTIVE:
            resource = resource.model_copy(update={"status": status})
        resources.create(resource)
        created.append(rid)
    return created
