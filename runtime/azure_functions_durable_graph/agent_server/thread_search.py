"""Thread search and count: filter and sort on the thread records, read runs for the page.

The SDK's Durable client cannot list entities, so the thread ids come from the index
entity and each thread's record is one entity read (made a few at a time). Metadata,
ids and every sort but ``status`` are answered from the records; what a thread's runs
are doing (its status, its values) is read from their instances only for the threads on
the page, unless the search filters or sorts on status or values, which need it for
every thread the other filters keep.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import azure.functions as func

from .errors import invalid, json_response
from .thread_records import thread_body
from .thread_state import ThreadNow, load

if TYPE_CHECKING:
    from .server import Call

THREAD_STATUSES = ("idle", "busy", "interrupted", "error")
SORTS = ("thread_id", "status", "created_at", "updated_at", "state_updated_at")
#: Entity reads and instance reads in flight at once for one search.
READS_AT_ONCE = 16

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Query:
    metadata: dict[str, Any]
    status: str | None
    values: dict[str, Any]
    ids: list[str] | None

    @property
    def live(self) -> bool:
        """Whether the filters need what the threads' runs are doing now."""
        return self.status is not None or bool(self.values)

    def keeps_record(self, record: dict[str, Any]) -> bool:
        held = record.get("metadata") or {}
        return all(held.get(k) == v for k, v in self.metadata.items())

    def keeps_now(self, now: ThreadNow) -> bool:
        current = now.values() or {}
        return (self.status is None or now.status() == self.status) and all(
            current.get(k) == v for k, v in self.values.items()
        )


def query_of(body: dict[str, Any]) -> Query:
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise invalid("metadata must be an object")
    status = body.get("status")
    if status is not None and status not in THREAD_STATUSES:
        raise invalid(f"status must be one of {', '.join(THREAD_STATUSES)}")
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise invalid("values must be an object")
    ids = body.get("ids")
    if ids is not None and not isinstance(ids, list):
        raise invalid("ids must be a list of thread ids")
    return Query(metadata, status, values, [str(i) for i in ids] if ids else None)


async def _each(items: list[T], read: Callable[[T], Awaitable[R]]) -> list[R]:
    """`read` of every item, a few at a time, in the items' order."""
    gate = asyncio.Semaphore(READS_AT_ONCE)

    async def one(item: T) -> R:
        async with gate:
            return await read(item)

    return list(await asyncio.gather(*(one(i) for i in items)))


async def _records(call: Call, query: Query) -> list[tuple[str, dict[str, Any]]]:
    """(thread id, record) of the threads the record filters keep, in index order."""
    ids = await call.threads.thread_ids()
    if query.ids is not None:
        wanted = set(query.ids)
        ids = [i for i in ids if i in wanted]

    async def read(thread_id: str) -> tuple[str, dict[str, Any] | None]:
        return thread_id, (await call.threads.read(thread_id)).record

    pairs = await _each(ids, read)
    return [(t, r) for t, r in pairs if r is not None and query.keeps_record(r)]


async def _now(call: Call, pairs: list[tuple[str, dict[str, Any]]]) -> list[ThreadNow]:
    async def read(pair: tuple[str, dict[str, Any]]) -> ThreadNow:
        return await load(call.client, pair[0], pair[1], full=False)

    return await _each(pairs, read)


async def search(call: Call) -> func.HttpResponse:
    body = call.body()
    limit, offset = body.get("limit", 10), body.get("offset", 0)
    if not isinstance(limit, int) or not isinstance(offset, int) or limit < 0 or offset < 0:
        raise invalid("limit and offset must be non-negative integers")
    sort_by = body.get("sort_by") or "created_at"
    if sort_by not in SORTS:
        raise invalid(f"cannot sort by {sort_by!r}")
    descending = (body.get("sort_order") or "desc") == "desc"
    query = query_of(body)
    pairs = await _records(call, query)
    if query.live or sort_by == "status":
        found = [thread_body(n) for n in await _now(call, pairs) if query.keeps_now(n)]
        found.sort(key=lambda t: str(t.get(sort_by) or ""), reverse=descending)
        return json_response(found[offset : offset + limit])

    def key(pair: tuple[str, dict[str, Any]]) -> str:
        return pair[0] if sort_by == "thread_id" else str(pair[1].get(sort_by) or "")

    pairs.sort(key=key, reverse=descending)
    page = pairs[offset : offset + limit]
    return json_response([thread_body(n) for n in await _now(call, page)])


async def count(call: Call) -> func.HttpResponse:
    query = query_of(call.body())
    pairs = await _records(call, query)
    if not query.live:
        return json_response(len(pairs))
    return json_response(sum(1 for n in await _now(call, pairs) if query.keeps_now(n)))
