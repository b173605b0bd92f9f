"""Logger and metrics shared by every function (Powertools; service name from env).

No Powertools Tracer: the X-Ray SDK adds about a third to every cold start (measured in
docs/decisions.md). `Tracing: Active` records each invocation, not the AWS calls in it.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
