"""Scheduled sweeper: re-enqueue jobs stuck in pending, fail jobs whose worker vanished."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.logic.jobs.sweeper import sweep
from plinth.observability import logger, metrics


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    settings = container().settings
    report = sweep(
        container().jobs,
        pending_grace_ms=settings.pending_grace_ms,
        stale_after_ms=settings.job_stale_after_ms,
        max_enqueue_attempts=settings.max_enqueue_attempts,
    )
    metrics.add_metric(name="JobsReenqueued", unit=MetricUnit.Count, value=report.reenqueued)
    metrics.add_metric(name="JobsFailedBySweeper", unit=MetricUnit.Count, value=report.failed)
    logger.info("sweep done", extra={"reenqueued": report.reenqueued, "failed": report.failed})
    return {"reenqueued": report.reenqueued, "failed": report.failed}
