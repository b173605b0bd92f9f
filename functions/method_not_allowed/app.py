"""A method a known path does not serve: 405 with `Allow` (SPEC §3).

template.yaml routes each such (path, method) here explicitly, after the authorizer
(401 comes first, as SPEC §3 orders).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.api import create_app, handle
from plinth.errors import MethodNotAllowed
from plinth.observability import logger, metrics
from plinth.routes import ALLOWED_METHODS

app = create_app()
_ALL = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _refuse() -> Any:
    allowed = ALLOWED_METHODS[app.current_event.resource]
    raise MethodNotAllowed(app.current_event.http_method, allowed)


def _refuse_item(object_id: str) -> Any:
    del object_id
    return _refuse()


# One resolver route per API path, all answering 405 with that path's `Allow`.
for _path in ALLOWED_METHODS:
    if "{id}" in _path:
        app.route(_path.replace("{id}", "<object_id>"), method=_ALL)(_refuse_item)
    else:
        app.route(_path, method=_ALL)(_refuse)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(app, event, context, scope=None)
