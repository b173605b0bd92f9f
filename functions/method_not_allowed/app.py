"""A method a known path does not serve: 405 with `Allow` (SPEC §3).

template.yaml routes each such (path, method) here explicitly, after the authorizer
(401 comes first, as SPEC §3 orders). No resolver: nothing in the query string or body
is looked at, so the method is refused whatever they hold.
"""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.http.methods import refuse_method
from plinth.observability import logger, metrics


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return refuse_method(event, context)
