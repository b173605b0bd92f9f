"""Request parameter types and the `NOT_GIVEN` sentinel."""

import enum
from typing import Literal, NotRequired, TypedDict


class _NotGivenType(enum.Enum):
    NOT_GIVEN = "NOT_GIVEN"


# "Leave this field unchanged", as distinct from None ("clear it"): PATCH sends only the
# fields that were given.
NOT_GIVEN = _NotGivenType.NOT_GIVEN
type NotGiven = Literal[_NotGivenType.NOT_GIVEN]


class ResourceCreateParams(TypedDict):
    """One item of `resources.bulk_create`: the body of a single create."""

    name: str
    description: NotRequired[str | None]
    metadata: NotRequired[dict[str, str]]
