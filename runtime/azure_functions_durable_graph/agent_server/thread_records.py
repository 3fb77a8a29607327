"""Thread records: their shape, LangGraph's thread body, and read-modify-write with retries."""

from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol

from ..api import durable_calls as calls
from ..api.status import FINISHED, runtime_status_name
from .errors import AgentServerError, invalid, not_found
from .thread_state import ThreadNow, load

if TYPE_CHECKING:
    from .server import Call
    from .thread_entity import ThreadEntities


class HasThreads(Protocol):
    """A request (`Call`) or an activity: anything that reaches the thread entities."""

    @property
    def client(self) -> Any: ...

    @property
    def threads(self) -> ThreadEntities: ...


WRITE_ATTEMPTS = 8
logger = logging.getLogger("azure_functions_durable_graph")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def check_uuid(value: Any, what: str = "thread") -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise invalid(f"Invalid {what} ID: must be a UUID") from None


def new_record(thread_id: str, metadata: dict[str, Any]) -> dict[str, Any]:
    at = now_iso()
    return {
        "thread_id": thread_id,
        "created_at": at,
        "updated_at": at,
        "state_updated_at": at,
        "metadata": dict(metadata),
        "config": {},
        "timeline": [],
    }


def thread_missing(thread_id: str) -> AgentServerError:
    return not_found(f"Thread with ID {thread_id} not found")


async def read_thread(call: Call, thread_id: str, *, full: bool = False) -> ThreadNow:
    thread_id = check_uuid(thread_id)
    stored = await call.threads.read(thread_id)
    if stored.record is None:
        raise thread_missing(thread_id)
    return await load(call.client, thread_id, stored.record, full=full)


Change = Callable[[dict[str, Any] | None], Awaitable[dict[str, Any] | None]]


async def mutate(call: HasThreads, thread_id: str, change: Change) -> dict[str, Any] | None:
    """Apply `change` to the current record and write it; re-read and retry when another
    writer got there first. `change` raises to refuse."""
    for _ in range(WRITE_ATTEMPTS):
        stored = await call.threads.read(thread_id)
        record = await change(copy.deepcopy(stored.record))
        if await call.threads.write(thread_id, stored.version, record):
            return record
    raise AgentServerError(409, f"Thread {thread_id} is being changed concurrently; try again")


async def remove_thread(call: HasThreads, now: ThreadNow) -> None:
    """Delete a thread: stop its runs (queued ones too), forget its record and lock, and
    drop it from the index. The API's delete and the TTL's do the same."""
    for entry in now.record.get("timeline") or []:
        view = now.view_of(entry)
        if entry.get("queued") or (view is not None and not view.finished and view.status):
            instance = str(entry.get("instance_id"))
            try:
                await call.client.terminate(instance, "thread deleted")
            except Exception as exc:  # it ended meanwhile: nothing left to stop
                logger.info("run %s of a deleted thread was not terminated: %s", instance, exc)

    async def change(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None:
            raise thread_missing(now.thread_id)
        return None

    await mutate(call, now.thread_id, change)
    await call.threads.index("remove", now.thread_id)


async def heal_lock(call: HasThreads, thread_id: str, active: str) -> bool:
    """Free the thread's lock if the run that owns it has ended without releasing it
    (stopped from outside the Agent Server API, or failed before its first step)."""
    status = await calls.current_status(call.client, active)
    if status is not None and runtime_status_name(status) not in FINISHED:
        return False
    logger.info("thread %s: run %s ended without releasing the thread", thread_id, active)
    await call.threads.signal(thread_id, "release", {"run_id": active})
    return True


def thread_body(now: ThreadNow) -> dict[str, Any]:
    record = now.record
    body: dict[str, Any] = {
        "thread_id": now.thread_id,
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
        "state_updated_at": record.get("state_updated_at"),
        "metadata": record.get("metadata") or {},
        "status": now.status(),
        "config": record.get("config") or {},
        "values": now.values(),
    }
    if record.get("timeline"):
        body["error"] = now.error()
        body["interrupts"] = now.interrupts()
    return body
