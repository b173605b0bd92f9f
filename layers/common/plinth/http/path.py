"""Path ids, documented with the shape the server accepts (`plinth.ids`).

Documentation, not validation: an id of another shape is looked up like any unknown id
(the logic checks `ids.is_id` first) and answers 404 `not_found`, never 422 (SPEC §4).
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from plinth import ids


def _documented_id(prefix: str) -> Path:
    shape = {"pattern": ids.id_pattern(prefix), "maxLength": ids.id_length(prefix)}
    return Path(json_schema_extra=shape)


ResourceId = Annotated[str, _documented_id(ids.RESOURCE_PREFIX)]
JobId = Annotated[str, _documented_id(ids.JOB_PREFIX)]
KeyId = Annotated[str, _documented_id(ids.KEY_PREFIX)]
EventId = Annotated[str, _documented_id(ids.EVENT_PREFIX)]
WebhookEndpointId = Annotated[str, _documented_id(ids.WEBHOOK_ENDPOINT_PREFIX)]
