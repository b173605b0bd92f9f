"""The local stack (`plinth dev`), dev-only, never shipped in the layer. Each module
emulates one part of AWS, all of it driven by template.yaml:

- `gateway`: API Gateway (REST): routes, the Lambda authorizer and its cache, Gateway
  Responses, proxy events and results; `server` puts it on HTTP (werkzeug), `docs` adds
  the OpenAPI document and Swagger UI.
- `runtime`: Lambda: each function's warm containers, in this process.
- `workers`: Lambda's event sources: SQS queues and `rate()` schedules.
- `aws`: the AWS services themselves: moto, and everything the template declares in it.
- `stack`: starts and stops them together; `sam` does the same with sam local running
  the functions in Lambda containers (`plinth dev --sam`).
"""

from __future__ import annotations

import logging

# Not "plinth…": Powertools filters its service prefix off the root handler.
log = logging.getLogger("devstack")


class StackError(Exception):
    """A problem the user can fix (a port in use, an endpoint that does not answer)."""
