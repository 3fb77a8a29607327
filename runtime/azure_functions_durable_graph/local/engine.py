"""The local host's engine: what the Durable extension does for a Python app, in one process.

Not the graph engine (the orchestrator that runs a graph on Durable Functions,
which this engine runs like any other orchestrator function).

Client operations become inbox messages; instances advance through episodes
(instance_runner.py) whose outcome is committed in one transaction
(decisions.py). Activities run as work items with bounded concurrency, timers
fire from a scheduler that sleeps on the clock (timers.py), entity operations
run one at a time per entity (entity_worker.py), and sub-orchestrations are
instances whose completion becomes a message to their parent. Everything runs
on the one event loop that calls these coroutines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from .. import _sdk_speedups
from . import history as h
from .activities import activity_outcome
from .catalog import FunctionCatalog
from .clock import Clock
from .decisions_state import (
    TERMINAL,
    Effects,
    event_message,
    pending_instance,
)
from .entities import entity_id
from .entity_worker import EntityWorker
from .errors import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    OrchestratorNotFound,
)
from .instance_runner import InstanceRunner
from .status import status_body
from .store.faults import retry_write
from .store.records import InstanceRecord, WorkItem
from .store.store import Store
from .timers import TimerScheduler

logger = logging.getLogger(__name__)

#: Threads that run orchestrator episodes and entity operations (the SDK code is sync).
EPISODE_THREADS = 4


class Engine:
    """The local host's engine: runs the orchestrations of one app against one store and clock."""

    def __init__(
        self,
        catalog: FunctionCatalog,
        store: Store,
        clock: Clock,
        *,
        max_activity_concurrency: int = 8,
    ) -> None:
        if max_activity_concurrency < 1:
            raise ValueError(
                f"max_activity_concurrency must be at least 1, got {max_activity_concurrency}"
            )
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.max_activity_concurrency = max_activity_concurrency
        self._instances: InstanceRunner | None = None
        self._activity_tasks: dict[int, asyncio.Task[None]] = {}
        self._activity_instances: dict[int, str] = {}  # work item id -> its instance
        self._entities: EntityWorker | None = None
        self._episode_pool: ThreadPoolExecutor | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self._progress: asyncio.Event | None = None
        self._timers: TimerScheduler | None = None
        self._running = False

    # Lifecycle -----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Resume everything unfinished in the store: inbox messages, work items, timers."""
        if self._running:
            return
        self._running = True
        # The SDK's history timestamps are parsed without dateutil when that is proven identical
        # (see _sdk_speedups): applied to the SDK this process loaded, as DurableGraphApp does.
        _sdk_speedups.install()
        self._semaphore = asyncio.Semaphore(self.max_activity_concurrency)
        self._progress = asyncio.Event()
        self._timers = TimerScheduler(self.store, self.clock, self._timer_fired)
        self._timers.start()
        # Episodes and entity operations get their own threads, so sync activities filling the
        # loop's default pool cannot stall the orchestrations that wait for them.
        self._episode_pool = ThreadPoolExecutor(
            max_workers=EPISODE_THREADS, thread_name_prefix="durable-episode"
        )
        self._instances = InstanceRunner(
            self.store,
            self.catalog,
            self.clock,
            executor=self._episode_pool,
            apply_effects=self._apply_effects,
            on_progress=self._signal,
            running_activities=self._runs_activities,
        )
        self._entities = EntityWorker(
            self.store,
            self.catalog,
            self.clock,
            on_reply=self._kick,
            on_progress=self._signal,
            executor=self._episode_pool,
        )
        for instance_id in self.store.instances_with_messages():
            self._kick(instance_id)
        for item in self.store.work_items():
            self._launch(item)
        for scheduler_id in self.store.entities_with_operations():
            self._entities.kick(scheduler_id)

    async def stop(self) -> None:
        """Stop working; anything in flight stays in the store and runs again at the next start."""
        if not self._running:
            return
        self._running = False
        tasks: list[asyncio.Task[None]] = list(self._activity_tasks.values())
        if self._instances is not None:
            tasks.extend(self._instances.stop())
        if self._timers is not None:
            tasks.extend(self._timers.stop())
        if self._entities is not None:
            tasks.extend(self._entities.stop())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._activity_tasks.clear()
        self._activity_instances.clear()
        if self._episode_pool is not None:
            self._episode_pool.shutdown(wait=False, cancel_futures=True)
            self._episode_pool = None

    # Client operations ---------------------------------------------------------------------------

    async def start_orchestration(
        self, name: str, input_json: str | None, instance_id: str | None = None
    ) -> str:
        """Create (or replace a finished) instance, schedule its first episode, return its id."""
        if self.catalog.orchestrator(name) is None:
            raise OrchestratorNotFound(name, list(self.catalog.orchestrator_names))
        _require_json(input_json, "orchestration input")
        if instance_id is not None and not instance_id.strip():
            raise ValueError("instance_id must be a non-empty string or None")
        instance_id = instance_id or uuid.uuid4().hex
        now = self.clock.now()
        stamp = h.format_time(now)
        with self.store.transaction():
            existing = self.store.get_instance(instance_id)
            if existing is not None and existing.status not in TERMINAL:
                raise InstanceAlreadyExists(instance_id, existing.status)
            if existing is not None:
                self.store.delete_instance(instance_id)
            record = pending_instance(instance_id, name, input_json, stamp)
            execution_id = record.execution_id
            self.store.put_instance(record)
            started = h.execution_started(
                now,
                name=name,
                input_json=input_json,
                instance_id=instance_id,
                execution_id=execution_id,
            )
            self.store.add_message(instance_id, execution_id, event_message(started))
        self._kick(instance_id)
        return instance_id

    async def restart(self, instance_id: str, *, new_instance_id: bool = True) -> str:
        """Start the instance's orchestrator again with its original input; returns the new id."""
        record = self.store.get_instance(instance_id)
        if record is None:
            raise InstanceNotFound(instance_id)
        reuse = None if new_instance_id else instance_id
        return await self.start_orchestration(record.name, record.input, reuse)

    async def raise_event(self, instance_id: str, event_name: str, input_json: str | None) -> None:
        """Deliver an external event; it waits in the history until the orchestrator asks."""
        _require_json(input_json, f"input of event {event_name!r}")
        record = self._require_live(instance_id)
        event = h.event_raised(self.clock.now(), event_name, input_json)
        self.store.add_message(record.instance_id, None, event_message(event))
        self._kick(instance_id)

    async def terminate(self, instance_id: str, reason: str) -> None:
        """Ask for termination; it takes effect before the instance's next episode."""
        record = self._require_live(instance_id)
        self.store.add_message(record.instance_id, None, {"kind": "terminate", "reason": reason})
        self._kick(instance_id)

    async def suspend(self, instance_id: str, reason: str) -> None:
        """Hold the instance: events, results and timers wait in its inbox until `resume`."""
        record = self._require_live(instance_id)
        self.store.add_message(record.instance_id, None, {"kind": "suspend", "reason": reason})
        self._kick(instance_id)

    async def resume(self, instance_id: str, reason: str) -> None:
        """Let a suspended instance process what arrived meanwhile."""
        record = self._require_live(instance_id)
        self.store.add_message(record.instance_id, None, {"kind": "resume", "reason": reason})
        self._kick(instance_id)

    async def get_status(
        self,
        instance_id: str,
        *,
        show_input: bool = True,
        show_history: bool = False,
        show_history_output: bool = False,
    ) -> dict[str, Any] | None:
        """The status body the SDK's DurableOrchestrationStatus reads, or None for an unknown id."""
        record = self.store.get_instance(instance_id)
        if record is None:
            return None
        body = status_body(record, show_input=show_input)
        if show_history:
            body["historyEvents"] = h.summarize(
                self.store.history(instance_id),
                show_input=show_input,
                show_output=show_history_output,
            )
        return body

    async def list_statuses(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        runtime_status: list[str] | None = None,
        instance_id_prefix: str | None = None,
    ) -> list[dict[str, Any]]:
        records = self.store.list_instances(
            created_from=_bound(created_from),
            created_to=_bound(created_to),
            statuses=runtime_status,
            instance_id_prefix=instance_id_prefix,
        )
        return [status_body(r, show_input=True) for r in records]

    async def purge(self, instance_id: str) -> int:
        """Delete an instance's state and history; returns the number deleted (0 or 1).

        An entity's id (``@name@key``) purges the entity's state, as on Azure, where
        entities are stored as instances under that id.
        """
        if instance_id.startswith("@") and self.store.entity_state(instance_id)[0]:
            return self.store.delete_entity(instance_id)
        return self.store.delete_instance(instance_id)

    async def purge_many(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        runtime_status: list[str] | None = None,
    ) -> int:
        records = self.store.list_instances(
            created_from=_bound(created_from),
            created_to=_bound(created_to),
            statuses=runtime_status,
        )
        with self.store.transaction():
            return sum(self.store.delete_instance(r.instance_id) for r in records)

    async def history(self, instance_id: str) -> list[dict[str, Any]]:
        """The DTFx history of the instance's current execution, as the SDK receives it."""
        if self.store.get_instance(instance_id) is None:
            raise InstanceNotFound(instance_id)
        return self.store.history(instance_id)

    async def signal_entity(
        self, name: str, key: str, operation: str, input_json: str | None
    ) -> None:
        """Queue a one-way operation for entity `name`/`key` (the client's signal_entity)."""
        _require_json(input_json, f"input of entity operation {operation!r}")
        scheduler_id = entity_id(name, key)
        self.store.add_entity_operation(scheduler_id, operation, input_json)
        if self._entities is not None:
            self._entities.kick(scheduler_id)

    async def read_entity_state(self, name: str, key: str) -> str | None:
        """The entity's state as JSON text, or None when the entity does not exist."""
        exists, state = self.store.entity_state(entity_id(name, key))
        return state if exists else None

    async def wait_until_idle(self) -> None:
        """Return once no episode, activity, message or due timer is left (future timers wait)."""
        if not self._running or self._progress is None:
            raise RuntimeError(
                "wait_until_idle needs a started engine: call `await engine.start()` first"
            )
        while not self.is_idle():
            self._progress.clear()
            if self.is_idle():
                return
            await self._progress.wait()

    def is_idle(self) -> bool:
        """No episode or activity running, no inbox message, no due timer."""
        if self._activity_tasks or (self._instances is not None and self._instances.busy):
            return False
        if self._entities is not None and self._entities.busy:
            return False
        if self.store.count_runnable_messages() or self.store.count_work_items():
            return False
        if self.store.count_entity_operations():
            return False
        return not self.store.due_timers(h.format_time(self.clock.now()))

    # Internals: scheduling -----------------------------------------------------------------------

    def _signal(self) -> None:
        if self._progress is not None:
            self._progress.set()

    def _require_live(self, instance_id: str) -> InstanceRecord:
        record = self.store.get_instance(instance_id)
        if record is None:
            raise InstanceNotFound(instance_id)
        if record.status in TERMINAL:
            raise InstanceNotRunning(instance_id, record.status)
        return record

    def _kick(self, instance_id: str) -> None:
        if self._instances is not None:
            self._instances.kick(instance_id)
        else:
            self._signal()

    def _apply_effects(self, effects: Effects) -> None:
        for item in effects.work_items:  # committed just now, so still stored
            self._launch(item)
        for instance_id in effects.kick:
            self._kick(instance_id)
        for scheduler_id in effects.entities:
            if self._entities is not None:
                self._entities.kick(scheduler_id)
        if effects.timers_changed and self._timers is not None:
            self._timers.wake()

    async def _timer_fired(
        self, instance_id: str, execution_id: str, timer_id: int, fire_at: str
    ) -> None:
        self._kick(instance_id)

    # Internals: activities -----------------------------------------------------------------------

    def _launch(self, item: WorkItem) -> None:
        if not self._running or item.id in self._activity_tasks:
            return
        self._activity_instances[item.id] = item.instance_id
        self._activity_tasks[item.id] = asyncio.get_running_loop().create_task(
            self._run_activity(item)
        )

    def _runs_activities(self, instance_id: str) -> bool:
        """Whether any activity of the instance is running or waiting for a slot."""
        return instance_id in self._activity_instances.values()

    async def _run_activity(self, item: WorkItem) -> None:
        assert self._semaphore is not None
        try:
            async with self._semaphore:
                event = await activity_outcome(self.catalog, self.clock, item)

            def commit() -> None:
                with self.store.transaction():
                    if self.store.delete_work_item(item.id):
                        self.store.add_message(
                            item.instance_id, item.execution_id, event_message(event)
                        )

            # The result is kept in memory until the store takes it; the activity never re-runs.
            await retry_write(commit, f"activity {item.name} of {item.instance_id}")
        finally:
            self._activity_tasks.pop(item.id, None)
            self._activity_instances.pop(item.id, None)
            self._signal()
        self._kick(item.instance_id)  # after it no longer counts as running (instance_runner)


def _require_json(text: str | None, what: str) -> None:
    if text is None:
        return
    try:
        json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{what} must be JSON text (or None), got {text!r:.200}") from exc


def _bound(moment: datetime | None) -> str | None:
    return None if moment is None else h.format_time(moment)
