"""AWS client factories and translation of AWS errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from plinth.errors import ConditionFailed, DependencyUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Fail fast inside an API request: a few quick attempts, then a 503 the client can retry.
# Every client uses it, Powertools' own included (idempotency store, cursor secret): retries
# are botocore's (bounded, standard mode), never a loop of ours.
CLIENT_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "total_max_attempts": 3},
)

# What botocore's standard retry mode counts as throttling (botocore.retries.standard):
# once its bounded retries are spent, the same codes are a 503 here.
_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
    }
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def dynamodb() -> DynamoDBClient:
    """A new client; the container (`plinth.container`) makes one per Lambda container."""
    return boto3.client("dynamodb", config=CLIENT_CONFIG)


def to_attributes(item: dict[str, Any]) -> dict[str, Any]:
    """Plain dict → DynamoDB attribute values; `None` values are left out."""
    return {k: _serializer.serialize(v) for k, v in item.items() if v is not None}


def from_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """DynamoDB attribute values → plain dict (numbers become int where integral)."""
    plain: dict[str, Any] = {}
    for key, value in attributes.items():
        decoded = _deserializer.deserialize(value)
        plain[key] = _normalize_numbers(decoded)
    return plain


def _normalize_numbers(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _normalize_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalize_numbers(v) for v in value]
    return value


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def aws_errors(operation: str) -> Iterator[None]:
    """Translate boto errors raised inside the block.

    A failed condition becomes `ConditionFailed` (the caller decides its meaning);
    throttling, timeouts, connection failures and 5xx become `DependencyUnavailable`.
    Anything else is a bug and propagates as is (500).
    """
    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
            raise ConditionFailed(operation) from exc
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        if code in _THROTTLING_CODES or status >= 500:
            raise DependencyUnavailable(
                "A dependency is unavailable; retry shortly.", retry_after=1
            ) from exc
        raise
    except (BotoConnectionError, HTTPClientError) as exc:
        raise DependencyUnavailable(
            "A dependency is unavailable; retry shortly.", retry_after=1
        ) from exc


def old_item(failure: ConditionFailed) -> dict[str, Any] | None:
    """The item as it was when a condition failed (ReturnValuesOnConditionCheckFailure)."""
    response: dict[str, Any] = getattr(failure.__cause__, "response", {}) or {}
    item = response.get("Item")
    return from_attributes(item) if item else None
