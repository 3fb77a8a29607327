"""Runs queued entity operations: one task per entity, one operation at a time.

An operation whose handle raises (a state or result that is not JSON) fails
with a clear message and leaves the state unchanged. Committing an
operation is one transaction: the operation leaves the queue,
the entity's new state is saved and, for a `call_entity`, the answer lands in
the caller's inbox as the EventRaised the SDK waits for.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor

from . import history as h
from .catalog import FunctionCatalog
from .clock import Clock
from .decisions_state import event_message
from .entities import EntityOutcome, response_input, run_operation, split_entity_id
from .keyed_tasks import KeyedTasks
from .store.faults import retry_write
from .store.records import EntityOperation
from .store.store import Store

logger = logging.getLogger(__name__)


class EntityWorker:
    """Drains the entity operation queues of the store."""

    def __init__(
        self,
        store: Store,
        catalog: FunctionCatalog,
        clock: Clock,
        *,
        on_reply: Callable[[str], None],
        on_progress: Callable[[], None],
        executor: Executor | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.on_reply = on_reply
        self.on_progress = on_progress
        self.executor = executor
        self._tasks = KeyedTasks(self._drain, on_progress)

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def kick(self, scheduler_id: str) -> None:
        """Make sure a task drains this entity's queue."""
        self._tasks.kick(scheduler_id)

    def stop(self) -> list[asyncio.Task[None]]:
        """Cancel the running tasks and return them to await; queued operations stay stored."""
        return self._tasks.stop()

    async def _drain(self, scheduler_id: str) -> None:
        try:
            while (operation := self.store.next_entity_operation(scheduler_id)) is not None:
                await self._run(operation)
        except Exception:
            logger.exception("local host error while running entity %s", scheduler_id)

    async def _run(self, op: EntityOperation) -> None:
        name, _ = split_entity_id(op.entity_id)
        handle = self.catalog.entity(name)
        exists, state = self.store.entity_state(op.entity_id)
        if handle is None:
            message = json.dumps(f"The entity function '{name}' is not registered in the app.")
            outcome = EntityOutcome(exists=exists, state=state, result=message, is_error=True)
        else:
            call = functools.partial(
                run_operation,
                handle,
                op.entity_id,
                exists=exists,
                state=state,
                operation=op.operation,
                input_json=op.input,
                is_signal=op.is_signal,
            )
            try:
                outcome = await asyncio.get_running_loop().run_in_executor(self.executor, call)
            except Exception as exc:
                # The handle itself failed (e.g. a state or result that is not JSON): the
                # operation fails and the state stays as it was, so the queue never sticks.
                logger.exception("entity %s failed on operation %r", op.entity_id, op.operation)
                message = (
                    f"Entity function '{name}' failed on operation '{op.operation}': "
                    f"{type(exc).__name__}: {exc}"
                )
                outcome = EntityOutcome(
                    exists=exists, state=state, result=json.dumps(message), is_error=True
                )

        def commit() -> bool:
            with self.store.transaction():
                if not self.store.delete_entity_operation(op.id):
                    return False
                self.store.put_entity_state(op.entity_id, outcome.exists, outcome.state)
                if op.caller_instance_id is not None and op.request_id is not None:
                    now = self.clock.now()
                    reply = h.event_raised(now, op.request_id, response_input(outcome))
                    self.store.add_message(
                        op.caller_instance_id, op.caller_execution_id, event_message(reply)
                    )
                return True

        if not await retry_write(commit, f"entity {op.entity_id}"):
            return
        if op.caller_instance_id is not None:
            self.on_reply(op.caller_instance_id)
