"""What the key endpoints that change keys receive (Powertools `Depends`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request

from plinth.container import container
from plinth.http.dependencies import verdict_cache
from plinth.logic.key_api import KeyServices


def key_services(request: Request) -> KeyServices:
    deps = container()
    return KeyServices(deps.api_keys, deps.workspaces, verdict_cache(request))


KeyDesk = Annotated[KeyServices, Depends(key_services)]
