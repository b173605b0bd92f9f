"""What a route says about its success response in the OpenAPI document (`responses=`).

Every operation's error responses, the headers every response carries, the security
scheme and the links between operations are the same for all routes: the document
generator (`plinth_tools.openapi`) adds those once.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

RESOURCES, JOBS = "Resources", "Jobs"


def success(
    status: int, description: str, model: type[Any] | None = None, *, location: bool = False
) -> dict[int, OpenAPIResponse]:
    """The route's one success response: its body model, and `Location` for 201/202."""
    response: OpenAPIResponse = {"description": description}
    if model is not None:
        response["content"] = {"application/json": {"model": model}}
    if location:
        response["headers"] = {
            "Location": {
                "description": "The path of the new object (a job: where to poll it).",
                "required": True,  # type: ignore[typeddict-unknown-key]
                "schema": {"type": "string"},
            }
        }
    return {status: response}
