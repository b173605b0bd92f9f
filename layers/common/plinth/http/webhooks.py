"""What the webhook endpoints receive (Powertools `Depends`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from plinth.container import container
from plinth.logic.webhooks import WebhookServices


def webhook_services() -> WebhookServices:
    deps = container()
    return WebhookServices(
        endpoints=deps.webhook_endpoints,
        events=deps.events,
        queue=deps.deliveries,
        allow_private=deps.settings.webhooks_allow_private,
    )


WebhookDesk = Annotated[WebhookServices, Depends(webhook_services)]
