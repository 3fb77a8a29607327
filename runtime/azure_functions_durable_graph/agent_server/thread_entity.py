"""Threads as Durable entities: ``durable_graph_thread@<thread id>`` holds one thread.

A thread's record (metadata, its runs and what each run maps to, the values it was
left with) is the entity's state, so threads live wherever the task hub lives (Azure
Storage on Azure, SQLite on the local host) and survive any restart. The entity is a
versioned register: ``put`` replaces the record only when the writer read the current
version (optimistic concurrency), and remembers the last writers' operation ids, so a
writer can tell that its signal was applied. ``durable_graph_thread_index@all`` lists
the thread ids (the SDK's client cannot list entities), for search and count.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from azure.durable_functions import EntityId

from ..durable.wire import decode_json_text
from .errors import AgentServerError
from .functions import THREAD_ENTITY, THREAD_INDEX_ENTITY

INDEX_KEY = "all"
#: Operation ids an entity remembers (a writer polls for its own right after signalling).
OPS_KEPT = 50
#: How long a writer waits for the entity to apply its signal.
WRITE_TIMEOUT_SECONDS = 30.0


def thread_entity(context: Any) -> None:
    """``put`` {"op", "expect", "record"}: replace the record if the version is `expect`."""
    state = context.get_state(lambda: {"version": 0, "record": None, "ops": []})
    if context.operation_name == "put":
        request = context.get_input() or {}
        if request.get("expect") == state["version"]:
            state["record"] = request.get("record")
            state["version"] += 1
            state["ops"] = [*state["ops"], request.get("op")][-OPS_KEPT:]
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
    """A thread record as read, with the version a write must expect."""

    version: int
    record: dict[str, Any] | None


class ThreadEntities:
    """Reads and writes thread entities through the Durable client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def read(self, thread_id: str) -> Stored:
        state = await self._state(EntityId(THREAD_ENTITY, thread_id))
        if not isinstance(state, dict):
            return Stored(0, None)
        record = state.get("record")
        return Stored(int(state.get("version", 0)), record if isinstance(record, dict) else None)

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

    async def _until(self, entity: EntityId, done: Any) -> dict[str, Any]:
        delay = 0.01
        waited = 0.0
        while waited < WRITE_TIMEOUT_SECONDS:
            state = await self._state(entity)
            if isinstance(state, dict) and done(state):
                return state
            await asyncio.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.25)
        raise AgentServerError(
            503, f"the thread store did not apply a write within {WRITE_TIMEOUT_SECONDS:.0f}s"
        )
