"""Threads as Durable entities: ``durable_graph_thread@<thread id>`` holds one thread.

A thread's record (metadata, its runs and what each run maps to, the values it was
left with) is the entity's state, so threads live wherever the task hub lives (Azure
Storage on Azure, SQLite on the local host) and survive any restart. The entity is a
versioned register: ``put`` replaces the record only when the writer read the current
version (optimistic concurrency), and remembers the last writers' operation ids, so a
writer can tell that its signal was applied. Beside the record the entity holds the
thread's run lock (``lock``, thread_lock.py), changed only by the lock's operations,
which the runs' orchestrations call. ``durable_graph_thread_index@all`` lists the
thread ids (the SDK's client cannot list entities), for search and count.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from azure.durable_functions import EntityId

from ..durable.names import THREAD_ENTITY
from ..durable.wire import decode_json_text
from .errors import AgentServerError
from .functions import THREAD_INDEX_ENTITY
from .thread_lock import LOCK_OPERATIONS, Lock, lock_of

__all__ = ["THREAD_ENTITY", "ThreadEntities", "thread_entity", "thread_index_entity"]
INDEX_KEY = "all"
#: Operation ids an entity remembers (a writer polls for its own right after signalling).
OPS_KEPT = 50
#: How long a writer waits for the entity to apply its signal.
WRITE_TIMEOUT_SECONDS = 30.0


def thread_entity(context: Any) -> None:
    """``put`` {"op", "expect", "record"}: replace the record if the version is `expect`;
    ``admit`` / ``release`` / ``hold``: the run lock (thread_lock.py); ``ttl``: when the
    thread expires (None: never, or no thread)."""
    state = context.get_state(lambda: {"version": 0, "record": None, "ops": []})
    request = context.get_input() or {}
    operation = context.operation_name
    if operation == "put":
        if request.get("expect") == state["version"]:
            state["record"] = request.get("record")
            state["version"] += 1
            state["ops"] = [*state["ops"], request.get("op")][-OPS_KEPT:]
            if state["record"] is None:
                state.pop("lock", None)  # a deleted thread frees its lock and queue
    elif operation in LOCK_OPERATIONS:
        lock, answer = LOCK_OPERATIONS[operation](state.get("lock"), request)
        state["lock"] = lock
        context.set_result(answer)
    elif operation == "ttl":
        record = state.get("record")
        ttl = record.get("ttl") if isinstance(record, dict) else None
        context.set_result(ttl.get("expires_at") if isinstance(ttl, dict) else None)
    context.set_state(state)


def thread_index_entity(context: Any) -> None:
    """``add`` / ``remove`` {"thread_id", "op"}: the set of thread ids, in creation order."""
    state = context.get_state(lambda: {"ids": [], "ops": []})
    request = context.get_input() or {}
    thread_id = request.get("thread_id")
    if context.operation_name == "add" and thread_id not in state["ids"]:
        state["ids"].append(thread_id)
    elif context.operation_name == "remove" and thread_id in state["ids"]:
        state["ids"].remove(thread_id)
    state["ops"] = [*state["ops"], request.get("op")][-OPS_KEPT:]
    context.set_state(state)


@dataclass(frozen=True)
class Stored:
    """A thread record as read, with the version a write must expect, and its run lock."""

    version: int
    record: dict[str, Any] | None
    lock: Lock = field(default_factory=Lock)


class ThreadEntities:
    """Reads and writes thread entities through the Durable client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def read(self, thread_id: str) -> Stored:
        state = await self._state(EntityId(THREAD_ENTITY, thread_id))
        if not isinstance(state, dict):
            return Stored(0, None)
        record = state.get("record")
        return Stored(
            int(state.get("version", 0)),
            record if isinstance(record, dict) else None,
            lock_of(state.get("lock")),
        )

    async def signal(self, thread_id: str, operation: str, request: dict[str, Any]) -> None:
        """A lock operation, fire and forget (``release`` of a run the API terminated)."""
        await self.client.signal_entity(EntityId(THREAD_ENTITY, thread_id), operation, request)

    async def decision(self, thread_id: str, run_id: str, timeout: float) -> str | None:
        """What the lock decided for `run_id` (admit), waiting up to `timeout` seconds."""
        entity = EntityId(THREAD_ENTITY, thread_id)
        try:
            state = await self._until(
                entity, lambda s: run_id in lock_of(s.get("lock")).decisions, timeout
            )
        except AgentServerError:
            return None
        return lock_of(state.get("lock")).decisions[run_id]

    async def write(self, thread_id: str, expect: int, record: dict[str, Any] | None) -> bool:
        """Signal a conditional replace and wait until it was applied; False if another
        writer won (re-read and try again)."""
        op = uuid.uuid4().hex
        entity = EntityId(THREAD_ENTITY, thread_id)
        await self.client.signal_entity(
            entity, "put", {"op": op, "expect": expect, "record": record}
        )
        state = await self._until(entity, lambda s: int(s.get("version", 0)) > expect)
        return op in (state.get("ops") or [])

    async def index(self, operation: str, thread_id: str) -> None:
        op = uuid.uuid4().hex
        entity = EntityId(THREAD_INDEX_ENTITY, INDEX_KEY)
        await self.client.signal_entity(entity, operation, {"thread_id": thread_id, "op": op})
        await self._until(entity, lambda s: op in (s.get("ops") or []))

    async def thread_ids(self) -> list[str]:
        state = await self._state(EntityId(THREAD_INDEX_ENTITY, INDEX_KEY))
        ids = state.get("ids") if isinstance(state, dict) else None
        return [str(i) for i in ids] if isinstance(ids, list) else []

    async def _state(self, entity: EntityId) -> Any:
        response = await self.client.read_entity_state(entity)
        if not response.entity_exists:
            return None
        return decode_json_text(response.entity_state)

    async def _until(
        self, entity: EntityId, done: Any, timeout: float = WRITE_TIMEOUT_SECONDS
    ) -> dict[str, Any]:
        delay = 0.01
        waited = 0.0
        while waited < timeout:
            state = await self._state(entity)
            if isinstance(state, dict) and done(state):
                return state
            await asyncio.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.25)
        raise AgentServerError(
            503, f"the thread store did not apply a write within {WRITE_TIMEOUT_SECONDS:.0f}s"
        )
