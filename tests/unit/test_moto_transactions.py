"""The local stack's TransactWriteItems (plinth_tools.local.moto_transactions): moto's
semantics, including the rollback of a cancelled transaction, without copying tables."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from plinth_tools.local import moto_transactions


@pytest.fixture
def table() -> Iterator[object]:
    moto_transactions.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def _items(client) -> dict[str, str]:
    return {i["sk"]["S"]: i["v"]["S"] for i in client.scan(TableName="t")["Items"]}


def _stream_length() -> int:
    from moto.dynamodb.models import dynamodb_backends

    return len(dynamodb_backends["123456789012"]["us-east-1"].tables["t"].stream_shard.items)


def _put(sk: str, v: str, condition: str | None = None) -> dict:
    put = {"TableName": "t", "Item": {"pk": {"S": "p"}, "sk": {"S": sk}, "v": {"S": v}}}
    if condition:
        put["ConditionExpression"] = condition
    return {"Put": put}


def test_a_cancelled_transaction_changes_nothing_and_streams_nothing(table):
    client = table
    client.transact_write_items(TransactItems=[_put("a", "1"), _put("b", "1")])
    before = _stream_length()
    update = {
        "Update": {
            "TableName": "t",
            "Key": {"pk": {"S": "p"}, "sk": {"S": "a"}},
            "UpdateExpression": "SET v = :v",
            "ExpressionAttributeValues": {":v": {"S": "2"}},
        }
    }
    delete = {"Delete": {"TableName": "t", "Key": {"pk": {"S": "p"}, "sk": {"S": "b"}}}}
    refused = _put("c", "1", "attribute_exists(sk)")  # fails last, after the others ran
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(TransactItems=[update, delete, _put("d", "1"), refused])
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _items(client) == {"a": "1", "b": "1"}
    assert _stream_length() == before
    client.transact_write_items(TransactItems=[update, delete])
    assert _items(client) == {"a": "2"}
    assert _stream_length() == before + 2


def test_no_table_is_copied(table, monkeypatch):
    import copy

    from moto.dynamodb import models

    copied: list[object] = []
    real = copy.deepcopy

    def recording(value, memo=None):
        copied.append(value)
        return real(value, memo)

    monkeypatch.setattr(copy, "deepcopy", recording)
    table.transact_write_items(TransactItems=[_put(str(n), "x") for n in range(5)])
    assert copied  # the items it names are saved...
    assert not [c for c in copied if isinstance(c, models.Table)]  # ...never a table


def test_an_update_is_never_seen_half_applied(table):
    """moto applies an UpdateItem's actions one by one; readers on other threads must see
    the item before or after, never between (a job `completed` with no `result`)."""
    import threading

    client = table
    client.put_item(TableName="t", Item={"pk": {"S": "p"}, "sk": {"S": "j"}, "v": {"S": "0"}})
    seen: list[tuple[str, bool]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            item = client.get_item(TableName="t", Key={"pk": {"S": "p"}, "sk": {"S": "j"}})["Item"]
            seen.append((item["v"]["S"], "w" in item))

    reader = threading.Thread(target=read)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads interleave as on a loaded machine
    reader.start()
    try:
        for n in range(1, 200):
            client.update_item(
                TableName="t",
                Key={"pk": {"S": "p"}, "sk": {"S": "j"}},
                UpdateExpression="SET v = :v, w = :w" if n % 2 else "SET v = :v REMOVE w",
                ExpressionAttributeValues={":v": {"S": str(n)}, ":w": {"S": "x"}}
                if n % 2
                else {":v": {"S": str(n)}},
            )
    finally:
        stop.set()
        reader.join()
        sys.setswitchinterval(switch)
    # Odd versions carry `w`, even ones do not: any other pairing is a half-applied update.
    assert all(has_w == (int(v) % 2 == 1) for v, has_w in seen)
