"""A LangGraph store on Azure Table Storage: the storage account the Functions app already has.

Point reads and writes go to one entity (stores/table_entities.py has the
layout). Search and namespace listing read the PartitionKey range of the
namespace prefix and filter, order (newest update first, as SqliteStore) and
page in the worker, so their cost grows with the items under the prefix.
Expired items are never returned and are deleted when a read meets them.
There is no vector index: a `query` lists items as LangGraph's stores do
without one. Needs the `azure-tables` extra (azure-data-tables).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
    ServiceRequestError,
)
from azure.data.tables import TableClient, TableServiceClient, UpdateMode
from langgraph.store.base import (
    BaseStore,
    GetOp,
    Item,
    ListNamespacesOp,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    TTLConfig,
)

from . import table_entities as te
from .matching import check_filter, matches_filter, matches_namespace
from .selection import StoreUnavailableError

DEFAULT_TABLE = "LangGraphStore"
_META = ["PartitionKey", "RowKey", "namespace", "expires_at"]


class AzureTableStore(BaseStore):
    """LangGraph's BaseStore on one Azure table (created on first use)."""

    supports_ttl = True

    def __init__(
        self,
        connection_string: str,
        table: str = DEFAULT_TABLE,
        *,
        ttl: TTLConfig | None = None,
        **client_options: Any,
    ) -> None:
        """`client_options` go to the SDK's client (e.g. `retry_total`)."""
        self._service = TableServiceClient.from_connection_string(
            connection_string, **client_options
        )
        self._table_name = table
        self._table: TableClient | None = None
        self._lock = threading.Lock()
        self.ttl_config: TTLConfig = ttl if ttl is not None else {"refresh_on_read": True}

    def _client(self) -> TableClient:
        with self._lock:
            if self._table is None:
                with contextlib.suppress(ResourceExistsError):
                    self._service.create_table(self._table_name)
                self._table = self._service.get_table_client(self._table_name)
            return self._table

    # BaseStore ---------------------------------------------------------------

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run `ops` in order; the service's refusals as ValueError, its failures as 503s."""
        try:
            return self._run(ops)
        except ServiceRequestError as exc:
            raise StoreUnavailableError(f"Azure Table Storage cannot be reached: {exc}") from exc
        except HttpResponseError as exc:
            if exc.status_code == 400:
                raise ValueError(f"Azure Table Storage refused the request: {exc.message}") from exc
            raise StoreUnavailableError(f"Azure Table Storage failed: {exc.message}") from exc

    def _run(self, ops: Iterable[Op]) -> list[Result]:
        results: list[Result] = []
        for op in ops:
            if isinstance(op, GetOp):
                results.append(self._get(op))
            elif isinstance(op, PutOp):
                self._put(op)
                results.append(None)
            elif isinstance(op, SearchOp):
                results.append(self._search(op))
            elif isinstance(op, ListNamespacesOp):
                results.append(self._list_namespaces(op))
            else:
                raise ValueError(f"Unknown operation type: {type(op).__name__}")
        return results

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return await asyncio.to_thread(self.batch, list(ops))

    # Operations --------------------------------------------------------------

    def _get(self, op: GetOp) -> Item | None:
        table = self._client()
        try:
            entity = table.get_entity(te.partition_key(op.namespace), te.row_key(op.key))
        except ResourceNotFoundError:
            return None
        if self._expired(entity):
            self._forget(entity)
            return None
        if self._refreshing(op.refresh_ttl):
            self._refresh(entity)
        return _item(entity)

    def _put(self, op: PutOp) -> None:
        table = self._client()
        pk, rk = te.partition_key(op.namespace), te.row_key(op.key)
        if op.value is None:
            table.delete_entity(pk, rk)
            return
        moment = te.stamp(te.now())
        created = moment
        try:
            previous = table.get_entity(pk, rk, select=["created_at", "expires_at"])
            if not self._expired(previous):
                created = str(previous["created_at"])
        except ResourceNotFoundError:
            pass
        entity: dict[str, Any] = {
            "PartitionKey": pk,
            "RowKey": rk,
            "namespace": te.namespace_property(op.namespace),
            "key": op.key,
            "created_at": created,
            "updated_at": moment,
            **te.value_properties(dict(op.value)),
        }
        ttl = op.ttl
        if ttl is not None:
            entity["ttl_minutes"] = float(ttl)
            entity["expires_at"] = te.stamp(te.now() + timedelta(minutes=float(ttl)))
        table.upsert_entity(entity, mode=UpdateMode.REPLACE)

    def _search(self, op: SearchOp) -> list[SearchItem]:
        check_filter(op.filter)
        query, parameters = te.prefix_query(op.namespace_prefix)
        found = [
            entity
            for entity in self._live(self._query(query, parameters, select=None))
            if matches_filter(te.read_value(entity), op.filter)
        ]
        found.sort(key=lambda e: str(e["updated_at"]), reverse=True)
        page = found[op.offset : op.offset + op.limit]
        if self._refreshing(op.refresh_ttl):
            for entity in page:
                self._refresh(entity)
        return [_search_item(entity) for entity in page]

    def _list_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        prefixes = [c.path for c in op.match_conditions or () if c.match_type == "prefix"]
        fixed = _fixed_head(prefixes[0]) if prefixes else ()
        query, parameters = te.prefix_query(fixed)
        conditions = [(c.match_type, tuple(c.path)) for c in op.match_conditions or ()]
        namespaces: set[tuple[str, ...]] = set()
        for entity in self._live(self._query(query, parameters, select=_META)):
            namespace = te.read_namespace(entity)
            if not matches_namespace(namespace, conditions):
                continue
            if op.max_depth is not None:
                namespace = namespace[: op.max_depth]
            namespaces.add(namespace)
        return sorted(namespaces)[op.offset : op.offset + op.limit]

    # Helpers -----------------------------------------------------------------

    def _query(
        self, query: str | None, parameters: dict[str, str], select: list[str] | None
    ) -> list[dict[str, Any]]:
        table = self._client()
        if query is None:
            return [dict(e) for e in table.list_entities(select=select)]
        return [dict(e) for e in table.query_entities(query, parameters=parameters, select=select)]

    def _live(self, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The entities that have not expired; the expired ones are deleted on the way."""
        live = []
        for entity in entities:
            if self._expired(entity):
                self._forget(entity)
            else:
                live.append(entity)
        return live

    @staticmethod
    def _expired(entity: dict[str, Any]) -> bool:
        expires = entity.get("expires_at")
        return bool(expires) and str(expires) <= te.stamp(te.now())

    def _forget(self, entity: dict[str, Any]) -> None:
        self._client().delete_entity(entity["PartitionKey"], entity["RowKey"])

    def _refreshing(self, asked: bool | None) -> bool:
        if asked is not None:
            return asked
        return bool(self.ttl_config.get("refresh_on_read", True))

    def _refresh(self, entity: dict[str, Any]) -> None:
        minutes = entity.get("ttl_minutes")
        if minutes is None:
            return
        expires = te.stamp(te.now() + timedelta(minutes=float(minutes)))
        patch = {
            "PartitionKey": entity["PartitionKey"],
            "RowKey": entity["RowKey"],
            "expires_at": expires,
        }
        try:
            self._client().update_entity(patch, mode=UpdateMode.MERGE)
        except ResourceNotFoundError:
            return  # deleted meanwhile: nothing left to keep alive
        entity["expires_at"] = expires


def _fixed_head(path: tuple[str, ...]) -> tuple[str, ...]:
    """The labels of a prefix condition before its first wildcard: a range to read."""
    head: list[str] = []
    for label in path:
        if label == "*":
            break
        head.append(label)
    return tuple(head)


def _item(entity: dict[str, Any]) -> Item:
    return Item(
        value=te.read_value(entity),
        key=str(entity["key"]),
        namespace=te.read_namespace(entity),
        created_at=te.parse_stamp(str(entity["created_at"])),
        updated_at=te.parse_stamp(str(entity["updated_at"])),
    )


def _search_item(entity: dict[str, Any]) -> SearchItem:
    return SearchItem(
        namespace=te.read_namespace(entity),
        key=str(entity["key"]),
        value=te.read_value(entity),
        created_at=te.parse_stamp(str(entity["created_at"])),
        updated_at=te.parse_stamp(str(entity["updated_at"])),
    )
