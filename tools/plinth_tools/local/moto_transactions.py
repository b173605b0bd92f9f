"""moto's DynamoDB, made to behave as DynamoDB does where the local stack needs it: each
item operation atomic, and TransactWriteItems in time that does not grow with the tables.

Atomic: moto applies an UpdateItem's actions one by one to the stored item, and the local
stack calls it from many threads (the API's requests, the workers, the pollers), so a
GetItem could read a job already `completed` whose `result` was not yet set (a CI run saw
exactly that). `install` serializes moto's item operations (put, get, update, delete,
query, scan, transactions) on one lock: each is atomic, as in DynamoDB; they take well
under a millisecond each, so the lock costs the local stack nothing measurable.

To roll back a cancelled transaction, moto 5 deep-copies every table the transaction
names before it starts, so each call costs O(table): in a local stack that has served a
few thousand resources, a bulk job's chunk (one transaction each) went from milliseconds
to seconds, and a 250-item job from 4 s to over 60 s (`plinth dev`, measured). Real
DynamoDB has no such cost.

`install` keeps moto's implementation and its semantics, and changes only the backup:
moto's table copies become no-ops, and the items the transaction names (and the length
of each table's stream) are saved instead; when moto cancels the transaction, those
items are put back and the stream records it appended are dropped, which is what
restoring the whole table achieved.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

_installed = threading.Lock()
_done = False
# One lock for every item operation (re-entrant: a transaction's writes take it again).
_ITEMS = threading.RLock()
_ATOMIC = ("put_item", "get_item", "update_item", "delete_item", "query", "scan")


def install() -> None:
    """Patch moto's DynamoDB backend (idempotent)."""
    global _done  # noqa: PLW0603 - one patch per process
    with _installed:
        if _done:
            return
        from moto.dynamodb import models
        from moto.dynamodb.models.table import Table

        original = models.DynamoDBBackend.transact_write_items

        class _TablesNotCopied:
            """Stands for the `copy` module inside moto.dynamodb.models."""

            @staticmethod
            def deepcopy(value: Any, memo: Any = None) -> Any:
                return value if isinstance(value, Table) else copy.deepcopy(value, memo)

        models.copy = _TablesNotCopied()  # type: ignore[attr-defined,assignment]

        def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
            with _ITEMS:
                saved = _save(self.tables, transact_items)
                try:
                    original(self, transact_items)
                except Exception:
                    _restore(self.tables, saved)
                    raise

        models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
        for name in _ATOMIC:
            setattr(models.DynamoDBBackend, name, _atomic(getattr(models.DynamoDBBackend, name)))
        _done = True


def _atomic(operation: Any) -> Any:
    @functools.wraps(operation)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _ITEMS:
            return operation(*args, **kwargs)

    return locked


def _key(table: Any, op: dict[str, Any]) -> tuple[Any, Any] | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    attributes = op.get("Key") or op.get("Item") or {}
    try:
        hash_value = DynamoType(attributes[table.hash_key_attr])
        range_value = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
    except (KeyError, TypeError):
        return None  # moto refuses the request before writing anything
    return hash_value, range_value


def _save(tables: dict[str, Any], transact_items: list[dict[str, Any]]) -> list[Any]:
    saved: list[Any] = []
    streams: dict[str, int] = {}
    for entry in transact_items:
        op: dict[str, Any] = next(iter(entry.values()), {})
        table = tables.get(op.get("TableName", ""))
        key = _key(table, op) if table is not None else None
        if table is None or key is None:
            continue
        item = table.get_item(*key) if key[1] is not None or not table.range_key_attr else None
        saved.append((table, key, copy.deepcopy(item)))
        if table.stream_shard is not None:
            streams.setdefault(table.name, len(table.stream_shard.items))
    saved.append(streams)
    return saved


def _restore(tables: dict[str, Any], saved: list[Any]) -> None:
    *items, streams = saved
    for table, (hash_value, range_value), item in reversed(items):
        if range_value is not None:
            if item is None:
                table.items[hash_value].pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item
        elif item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item
    for name, length in streams.items():
        shard = tables[name].stream_shard
        if shard is not None:
            del shard.items[length:]
