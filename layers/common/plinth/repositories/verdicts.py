"""API Gateway's cache of authorizer verdicts, flushed when a key stops being valid."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from plinth.repositories.aws import CLIENT_CONFIG, aws_errors

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient


def apigateway() -> APIGatewayClient:
    return boto3.client("apigateway", config=CLIENT_CONFIG)


class StageVerdictCache:
    """One stage's verdicts (FlushStageAuthorizersCache): every key is re-authorized on its
    next request, so a revoked one is refused from then on."""

    def __init__(self, client: APIGatewayClient, rest_api_id: str, stage: str) -> None:
        self._client = client
        self._rest_api_id = rest_api_id
        self._stage = stage

    def flush(self) -> None:
        with aws_errors("flush authorizer cache"):
            self._client.flush_stage_authorizers_cache(
                restApiId=self._rest_api_id, stageName=self._stage
            )


class NoVerdictCache:
    """`AuthorizerTtlSeconds` 0: the gateway caches nothing, so nothing to flush."""

    def flush(self) -> None:
        return None
