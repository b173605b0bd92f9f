"""The jobs queue (SQS).

Each message names its workspace as `MessageGroupId`: on a standard queue that makes it
an SQS fair queue, so one workspace's backlog of jobs cannot hold up another's (SQS
delivers quiet tenants' messages first while a tenant takes more than its share of the
consumers; docs/performance.md §3.3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from plinth.models.job import JobMessage
from plinth.repositories.aws import CLIENT_CONFIG, aws_errors

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


def sqs() -> SQSClient:
    return boto3.client("sqs", config=CLIENT_CONFIG)


class SqsJobQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self.queue_url = queue_url

    def send(self, message: JobMessage) -> None:
        with aws_errors("enqueue job"):
            self._client.send_message(
                QueueUrl=self.queue_url,
                MessageBody=message.model_dump_json(by_alias=True),
                MessageGroupId=message.workspace_id,
            )
