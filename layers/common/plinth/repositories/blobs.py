"""Job payloads and export files in S3."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

import boto3
from botocore.config import Config

from plinth.repositories.aws import CLIENT_CONFIG, aws_errors

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def s3() -> S3Client:
    # SigV4: presigned URLs carry X-Amz-Signature and expire when they say.
    return boto3.client("s3", config=CLIENT_CONFIG.merge(Config(signature_version="s3v4")))


class S3JobStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self.bucket = bucket

    # ------------------------------------------------------------------ bulk payloads
    @staticmethod
    def payload_key(workspace_id: str, job_id: str) -> str:
        return f"bulk/{workspace_id}/{job_id}.json"

    def put_payload(self, key: str, payload: dict[str, Any]) -> None:
        with aws_errors("store payload"):
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=json.dumps(payload, separators=(",", ":")).encode(),
                ContentType="application/json",
            )

    def get_payload(self, key: str) -> dict[str, Any]:
        with aws_errors("read payload"):
            body = self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        loaded: dict[str, Any] = json.loads(body)
        return loaded

    # ------------------------------------------------------------------ exports
    @staticmethod
    def export_key(workspace_id: str, job_id: str) -> str:
        return f"exports/{workspace_id}/{job_id}.jsonl"

    def start_upload(self, key: str) -> str:
        with aws_errors("start export"):
            return self._client.create_multipart_upload(
                Bucket=self.bucket, Key=key, ContentType="application/x-ndjson"
            )["UploadId"]

    def upload_part(
        self, key: str, upload_id: str, number: int, data: bytes | bytearray
    ) -> dict[str, Any]:
        """`data` may be the caller's bytearray: it is sent as is, without a copy."""
        with aws_errors("upload export part"):
            etag = self._client.upload_part(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                Body=cast(bytes, data),
            )["ETag"]
        return {"PartNumber": number, "ETag": etag}

    def complete_upload(self, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None:
        with aws_errors("complete export"):
            self._client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},  # type: ignore[typeddict-item]
            )

    def presigned_url(self, key: str, expires_in: int) -> str:
        """Signed locally: no AWS call."""
        url: str = self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
        return url
