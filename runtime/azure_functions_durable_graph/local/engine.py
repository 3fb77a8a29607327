"""The orchestration engine: what the Durable extension does for a Python app, in one process.

Instances advance through episodes: the engine takes an instance's inbox
messages, replays its history plus the new events through the SDK handle,
and commits the outcome in one transaction (decisions.py). Activities run
as work items with bounded concurrency, timers fire from a scheduler that
sleeps on the clock, and sub-orchestrations are instances whose completion
becomes a message to their parent. At most one episode per instance runs at a
time. Everything runs on the one event loop that calls these coroutines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import datetime
from typing import Any

from . import history as h
from .activities import activity_outcome
from .catalog import FunctionCatalog
from .clock import Clock
from .decisions import (
    TERMINAL,
    Effects,
    EpisodeDecisions,
    event_message,
    is_retry_event,
    new_execution_state,
)
from .episode import episode_payload, run_episode
from .errors import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    OrchestratorNotFound,
    OrchestratorProtocolError,
)
from .history import Event, EventType
from .status import status_body
from .store import InstanceRecord, Message, Store, WorkItem
from .timers import TimerScheduler

logger = logging.getLogger(__name__)


class Engine:
    """Runs orchestrations of one app against one store and clock."""

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
        self._instance_tasks: dict[str, asyncio.Task[None]] = {}
        self._activity_tasks: dict[int, asyncio.Task[None]] = {}
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
        self._semaphore = asyncio.Semaphore(self.max_activity_concurrency)
        self._progress = asyncio.Event()
        self._timers = TimerScheduler(self.store, self.clock, self._timer_fired)
        self._timers.start()
        for instance_id in self.store.instances_with_messages():
            self._kick(instance_id)
        for item in self.store.work_items():
            self._launch(item)

    async def stop(self) -> None:
        """Stop working; anything in flight stays in the store and runs again at the next start."""
        if not self._running:
            return
        self._running = False
        tasks: list[asyncio.Task[None]] = [
            *self._instance_tasks.values(),
            *self._activity_tasks.values(),
        ]
        if self._timers is not None:
            tasks.extend(self._timers.stop())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._instance_tasks.clear()
        self._activity_tasks.clear()

    # Client operations ---------------------------------------------------------------------------

    async def start_orchestration(
        self, name: str, input_json: str | None, instance_id: str | None = None
    ) -> str:
        """Create (or replace a finished) instance, schedule its first episode, return its id."""
        if self.catalog.orchestrator(name) is None:
            raise OrchestratorNotFound(name, list(getattr(self.catalog, "orchestrator_names", [])))
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
            execution_id = uuid.uuid4().hex
            record = InstanceRecord(
                instance_id=instance_id,
                name=name,
                execution_id=execution_id,
                status="Pending",
                input=input_json,
                created_at=stamp,
                updated_at=stamp,
                state=new_execution_state(),
            )
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
        """Delete an instance's state and history; returns the number deleted (0 or 1)."""
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

    async def wait_until_idle(self) -> None:
        """Return once no episode, activity, message or due timer is left (future timers wait)."""
        if not self._running or self._progress is None:
            raise RuntimeError(
                "wait_until_idle needs a started engine: call `await engine.start()` first"
            )
        while not self._idle():
            self._progress.clear()
            if self._idle():
                return
            await self._progress.wait()

    # Internals: scheduling -----------------------------------------------------------------------

    def _idle(self) -> bool:
        if self._instance_tasks or self._activity_tasks:
            return False
        if self.store.count_messages() or self.store.count_work_items():
            return False
        return not self.store.due_timers(h.format_time(self.clock.now()))

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
        """Make sure an episode task drains this instance's inbox (one task per instance)."""
        self._signal()
        if not self._running or instance_id in self._instance_tasks:
            return
        self._instance_tasks[instance_id] = asyncio.get_running_loop().create_task(
            self._drive(instance_id)
        )

    async def _drive(self, instance_id: str) -> None:
        try:
            while await self._episode(instance_id):
                pass
        except Exception as exc:  # a host bug must not leave the instance silently stuck
            logger.exception("local host error while running instance %s", instance_id)
            self._fail_after_host_error(instance_id, exc)
        finally:
            self._instance_tasks.pop(instance_id, None)
            self._signal()

    def _fail_after_host_error(self, instance_id: str, exc: Exception) -> None:
        record = self.store.get_instance(instance_id)
        if record is None or record.status in TERMINAL:
            return
        message = f"local host error: {type(exc).__name__}: {exc}"
        effects = self._commit_failure(
            record, self.store.messages(instance_id), self.clock.now(), message, []
        )
        self._apply_effects(effects)

    def _apply_effects(self, effects: Effects) -> None:
        for item_id in effects.work_items:
            item = self.store.get_work_item(item_id)
            if item is not None:
                self._launch(item)
        for instance_id in effects.kick:
            self._kick(instance_id)
        if effects.timers_changed and self._timers is not None:
            self._timers.wake()

    async def _timer_fired(
        self, instance_id: str, execution_id: str, timer_id: int, fire_at: str
    ) -> None:
        self._kick(instance_id)

    # Internals: episodes -------------------------------------------------------------------------

    async def _episode(self, instance_id: str) -> bool:
        """Run one episode for the instance; False when its inbox is empty."""
        record = self.store.get_instance(instance_id)
        messages = self.store.messages(instance_id)
        if not messages:
            return False
        if record is None or record.status in TERMINAL:
            self.store.delete_messages([m.id for m in messages])
            return True
        terminate = next((m for m in messages if m.body.get("kind") == "terminate"), None)
        if terminate is not None:
            now = self.clock.now()
            with self.store.transaction():
                self.store.delete_messages([m.id for m in messages])
                effects = EpisodeDecisions(self.store, self.catalog, record, now).terminate(
                    terminate.body["reason"]
                )
            self._apply_effects(effects)
            return True
        stale = [m for m in messages if m.execution_id not in (None, record.execution_id)]
        batch = _select_batch([m for m in messages if m not in stale], record.state)
        if not batch:
            self.store.delete_messages([m.id for m in stale])
            return True
        await self._run_batch(record, batch, stale)
        return True

    async def _run_batch(
        self, record: InstanceRecord, batch: list[Message], stale: list[Message]
    ) -> None:
        now = self.clock.now()
        past = self.store.history(record.instance_id)
        new: list[Event] = [h.orchestrator_started(now)] + [m.body["event"] for m in batch]
        handle = self.catalog.orchestrator(record.name)
        effects: Effects | None = None
        if handle is None:
            message = f"The orchestrator function '{record.name}' is not registered in the app."
            effects = self._commit_failure(record, batch + stale, now, message, new)
        elif not past and new[1]["EventType"] != EventType.EXECUTION_STARTED:
            message = (
                f"internal error: first episode of {record.instance_id!r} has no ExecutionStarted"
            )
            effects = self._commit_failure(record, batch + stale, now, message, [])
        else:
            payload = episode_payload(
                instance_id=record.instance_id,
                input_json=record.input,
                parent_instance_id=record.parent_instance_id,
                history=h.for_episode(past, new),
            )
            loop = asyncio.get_running_loop()
            try:
                outcome = await loop.run_in_executor(None, run_episode, handle, payload)
            except OrchestratorProtocolError as exc:
                effects = self._commit_failure(record, batch + stale, now, str(exc), new)
            else:
                current = self.store.get_instance(record.instance_id)
                if (
                    current is None
                    or current.execution_id != record.execution_id
                    or current.status in TERMINAL
                ):
                    return  # purged or replaced while the episode ran
                with self.store.transaction():
                    self.store.delete_messages([m.id for m in batch + stale])
                    effects = EpisodeDecisions(self.store, self.catalog, record, now).apply(
                        past, new, outcome
                    )
        if effects is not None:
            self._apply_effects(effects)

    def _commit_failure(
        self,
        record: InstanceRecord,
        consumed: list[Message],
        now: datetime,
        message: str,
        new: list[Event],
    ) -> Effects:
        with self.store.transaction():
            self.store.delete_messages([m.id for m in consumed])
            return EpisodeDecisions(self.store, self.catalog, record, now).fail(message, new)

    # Internals: activities -----------------------------------------------------------------------

    def _launch(self, item: WorkItem) -> None:
        if not self._running or item.id in self._activity_tasks:
            return
        self._activity_tasks[item.id] = asyncio.get_running_loop().create_task(
            self._run_activity(item)
        )

    async def _run_activity(self, item: WorkItem) -> None:
        assert self._semaphore is not None
        try:
            async with self._semaphore:
                event = await activity_outcome(self.catalog, self.clock, item)
            with self.store.transaction():
                if self.store.delete_work_item(item.id):
                    self.store.add_message(
                        item.instance_id, item.execution_id, event_message(event)
                    )
            self._kick(item.instance_id)
        finally:
            self._activity_tasks.pop(item.id, None)
            self._signal()


def _select_batch(messages: list[Message], state: dict[str, Any]) -> list[Message]:
    """The messages of the next episode: ExecutionStarted first, and a retry event always alone."""
    ordered = sorted(
        messages, key=lambda m: (m.body["event"]["EventType"] != EventType.EXECUTION_STARTED, m.id)
    )
    batch: list[Message] = []
    for message in ordered:
        if is_retry_event(message.body["event"], state):
            return batch or [message]
        batch.append(message)
    return batch


def _require_json(text: str | None, what: str) -> None:
    if text is None:
        return
    try:
        json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{what} must be JSON text (or None), got {text!r:.200}") from exc


def _bound(moment: datetime | None) -> str | None:
    return None if moment is None else h.format_time(moment)
