"""Cursor handling shared by every list endpoint (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass

from plinth.cursor import InvalidCursor, decode_cursor, encode_cursor
from plinth.errors import ValidationFailed

INVALID_CURSOR = (
    "The cursor is invalid, or was issued for another list or filter. "
    "Use the nextCursor of the previous page with the same query."
)


@dataclass(frozen=True, slots=True)
class CursorScope:
    """What a cursor is bound to: the list, the workspace and the filter."""

    kind: str
    prefix: str  # id prefix of the listed objects
    workspace_id: str
    filter_value: str | None


def position_after(signing_key: bytes, cursor: str | None, scope: CursorScope) -> str | None:
    """The id a page starts after, or None for the first page; 422 for a foreign cursor."""
    if cursor is None:
        return None
    try:
        return decode_cursor(
            signing_key,
            cursor,
            kind=scope.kind,
            workspace_id=scope.workspace_id,
            filter_value=scope.filter_value,
            prefix=scope.prefix,
        )
    except InvalidCursor as exc:
        raise ValidationFailed(INVALID_CURSOR, param="cursor") from exc


def next_cursor(
    signing_key: bytes, scope: CursorScope, last_id: str | None, has_more: bool
) -> str | None:
    """`nextCursor`: null exactly when there is no next page."""
    if not has_more or last_id is None:
        return None
    return encode_cursor(
        signing_key,
        kind=scope.kind,
        workspace_id=scope.workspace_id,
        filter_value=scope.filter_value,
        last_id=last_id,
    )
