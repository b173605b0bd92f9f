"""Body checks SPEC §3 orders before validation: size (413), then syntax (400)."""

from __future__ import annotations

import base64
import binascii
import json
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler.openapi.params import Body

from plinth.http.errors import JSON, InvalidJson, PayloadTooLarge

_JSON_MEDIA_TYPES = ("application/json",)
Model = TypeVar("Model")
# A route function's body parameter: `body: JsonBody[ResourceCreate]`.
JsonBody = Annotated[Model, Body()]


class BodyMode(StrEnum):
    NONE = "none"  # no body is read (GET, DELETE)
    REQUIRED = "required"  # a JSON object must be sent
    OPTIONAL = "optional"  # an empty body means `{}`


def header(event: dict[str, Any], name: str) -> str | None:
    """A request header's value, its name matched case-insensitively."""
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """object_pairs_hook: a key repeated in one object is refused (parsers disagree on
    which copy wins), at any depth."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def check_json_body(event: dict[str, Any], mode: BodyMode, max_bytes: int) -> None:
    """Size (413), then syntax (400): the body must be a UTF-8 JSON object."""
    raw = event.get("body") or ""
    try:
        data = (
            base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else raw.encode()
        )
    except (binascii.Error, ValueError) as exc:
        raise InvalidJson("The body is not valid base64.") from exc
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The body exceeds {max_bytes} bytes.")
    if not data.strip():
        if mode is BodyMode.REQUIRED:
            raise InvalidJson("A JSON object body is required.")
        # No body at all (`{}` for an optional one): its Content-Type says nothing.
        _declare_json(event)
        return
    content_type = (header(event, "content-type") or "").split(";")[0].strip().lower()
    if (
        content_type
        and content_type not in _JSON_MEDIA_TYPES
        and not content_type.endswith("+json")
    ):
        raise InvalidJson(
            "Send the body as JSON with 'Content-Type: application/json'.", param="Content-Type"
        )
    try:
        parsed = json.loads(
            data.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_unique_keys
        )
    except UnicodeDecodeError as exc:
        raise InvalidJson("The body is not valid UTF-8.") from exc
    except _DuplicateKey as exc:
        raise InvalidJson(f"The body repeats the key '{exc}' in one object.") from exc
    except ValueError as exc:
        raise InvalidJson("The body is not valid JSON.") from exc
    except RecursionError as exc:
        raise InvalidJson("The body is nested too deeply.") from exc
    if not isinstance(parsed, dict):
        raise InvalidJson("The body must be a JSON object.")
    _declare_json(event)


def _declare_json(event: dict[str, Any]) -> None:
    """The body is now known to be a JSON object (or absent): tell the resolver's
    validation, whose Content-Type matching is case-sensitive and knows no `+json` types,
    in its own terms."""
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    event["headers"] = headers | {"Content-Type": JSON}
