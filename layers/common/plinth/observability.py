"""Logger and metrics shared by every function (Powertools; service name from env).

No Powertools Tracer: importing the X-Ray SDK costs ~0.9 s of cold start, and the
template's `Tracing: Active` already records each invocation (docs/decisions.md).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
