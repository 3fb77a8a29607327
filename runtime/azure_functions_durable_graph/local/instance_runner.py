"""Drives instances through episodes: one task per instance, one episode at a time.

An instance's task takes its inbox messages (terminate first, then suspend and
resume, then events as one batch), replays the history plus the new events
through the SDK handle on the episode threads, and commits what the episode
decided in one transaction. The engine starts whatever the commit created.

Activity results that arrive while more of the instance's activities are still
running are held back briefly (`HOLD_SECONDS` after the last arrival, at most
`HOLD_CAP_SECONDS`), so a fan-out's results reach the orchestrator in one
episode instead of one per batch the backend happened to deliver: any other
message (an event, a timer, a terminate) ends the hold. Only the batching
changes, which Durable leaves to the backend; the SDK replays the same events.

A short episode (payload under `INLINE_EPISODE_BYTES`) runs on the loop's own
thread: replay is CPU work, which the GIL serialises anyway, and handing it to
a thread and back cost a fifth of a step's CPU (docs/benchmarks.md). Longer
ones, whose replay could hold the loop past the GIL's 5 ms switch interval, run
on the episode threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime
from functools import partial

from . import history as h
from .catalog import FunctionCatalog
from .clock import Clock
from .decisions import EpisodeDecisions
from .decisions_state import TERMINAL, Effects, select_batch
from .episode import episode_payload, run_episode
from .errors import OrchestratorProtocolError
from .history import Event, EventType
from .keyed_tasks import KeyedTasks
from .store.faults import Backoff, is_transient, retry_write
from .store.instances import StaleHistory
from .store.records import InstanceRecord, Message
from .store.store import Store

logger = logging.getLogger(__name__)

#: How long an activity result waits for the results of its instance's other running
#: activities: after the last one arrived, and at most in all.
HOLD_SECONDS = 0.025
HOLD_CAP_SECONDS = 1.0

#: Episodes whose payload (history and input, JSON text) is shorter run on the loop's thread.
INLINE_EPISODE_BYTES = 128 * 1024


class InstanceRunner:
    """Runs episodes for instances whose inbox has messages."""

    def __init__(
        self,
        store: Store,
        catalog: FunctionCatalog,
        clock: Clock,
        *,
        executor: Executor | None,
        apply_effects: Callable[[Effects], None],
        on_progress: Callable[[], None],
        running_activities: Callable[[str], bool] = lambda instance_id: False,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.executor = executor
        self.apply_effects = apply_effects
        self.on_progress = on_progress
        self.running_activities = running_activities
        self._tasks = KeyedTasks(self._drive, on_progress)
        self._arrivals: dict[str, asyncio.Event] = {}  # instances holding activity results
        self._held: set[str] = set()  # held once: their next episode runs

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def kick(self, instance_id: str) -> None:
        """Make sure a task drains this instance's inbox (one task per instance)."""
        arrival = self._arrivals.get(instance_id)
        if arrival is not None:
            arrival.set()
        self._tasks.kick(instance_id)

    def stop(self) -> list[asyncio.Task[None]]:
        """Cancel the running tasks and return them to await; unprocessed messages stay stored."""
        return self._tasks.stop()

    async def _drive(self, instance_id: str) -> None:
        backoff = Backoff(f"instance {instance_id}")
        while True:
            try:
                while await self._episode(instance_id):
                    backoff = Backoff(f"instance {instance_id}")
                return
            except Exception as exc:
                if is_transient(exc):  # the episode rolled back: run it again once it can commit
                    await backoff.pause(exc)
                    continue
                # A host bug must not leave the instance silently stuck.
                logger.exception("local host error while running instance %s", instance_id)
                fail = partial(self._fail_after_host_error, instance_id, exc)
                await retry_write(fail, f"instance {instance_id}")
                return

    def _fail_after_host_error(self, instance_id: str, exc: Exception) -> None:
        record = self.store.get_instance(instance_id)
        if record is None or record.status in TERMINAL:
            return
        message = f"local host error: {type(exc).__name__}: {exc}"
        effects = self._commit_failure(
            record, self.store.messages(instance_id), self.clock.now(), message, []
        )
        self.apply_effects(effects)

    async def _episode(self, instance_id: str) -> bool:
        """Run one episode for the instance; False when its inbox is empty."""
        messages = self.store.messages(instance_id)
        if not messages:
            return False
        record = self.store.get_instance(instance_id)
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
            self.apply_effects(effects)
            return True
        controls = [m for m in messages if m.body.get("kind") in ("suspend", "resume")]
        if controls:
            self._suspend_or_resume(record, controls)
            return True
        if record.status == "Suspended":
            return False  # its messages wait for resume
        stale = [m for m in messages if m.execution_id not in (None, record.execution_id)]
        batch = select_batch([m for m in messages if m not in stale], record.state)
        if not batch:
            self.store.delete_messages([m.id for m in stale])
            return True
        if instance_id not in self._held and self._may_hold(instance_id, messages):
            await self._hold(instance_id)
            return True  # read the inbox again, with what arrived meanwhile
        self._held.discard(instance_id)
        await self._run_batch(record, batch, stale)
        return True

    def _may_hold(self, instance_id: str, messages: list[Message]) -> bool:
        """Only activity results in the inbox, and more of the instance's activities running."""
        return all(_is_activity_result(m) for m in messages) and self.running_activities(
            instance_id
        )

    async def _hold(self, instance_id: str) -> None:
        """Wait while activity results keep arriving and more activities still run."""
        loop = asyncio.get_running_loop()
        arrival = self._arrivals[instance_id] = asyncio.Event()
        cap = loop.time() + HOLD_CAP_SECONDS
        try:
            while loop.time() < cap:
                arrival.clear()
                try:
                    await asyncio.wait_for(arrival.wait(), min(HOLD_SECONDS, cap - loop.time()))
                except asyncio.TimeoutError:
                    break
                if not self._may_hold(instance_id, self.store.messages(instance_id)):
                    break
        finally:
            self._arrivals.pop(instance_id, None)
            self._held.add(instance_id)

    def _suspend_or_resume(self, record: InstanceRecord, controls: list[Message]) -> None:
        """Apply suspend/resume requests in arrival order; each leaves a history event."""
        now = self.clock.now()
        events: list[Event] = []
        status = record.status
        for message in controls:
            reason = message.body.get("reason")
            if message.body["kind"] == "suspend" and status != "Suspended":
                events.append(h.execution_suspended(now, reason))
                status = "Suspended"
            elif message.body["kind"] == "resume" and status == "Suspended":
                events.append(h.execution_resumed(now, reason))
                status = "Running"
        with self.store.transaction():
            self.store.delete_messages([m.id for m in controls])
            if events:
                self.store.append_history(record.instance_id, record.execution_id, events)
                record.status = status
                record.updated_at = h.format_time(now)
                self.store.put_instance(record)

    async def _run_batch(
        self, record: InstanceRecord, batch: list[Message], stale: list[Message]
    ) -> None:
        now = self.clock.now()
        past = self.store.played_history(record.instance_id)
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
                played=past,
                history=[{**e, "IsPlayed": False} for e in new],
            )
            loop = asyncio.get_running_loop()
            try:
                episode = partial(run_episode, handle, payload, instance_id=record.instance_id)
                if len(payload) < INLINE_EPISODE_BYTES:
                    outcome = episode()
                    await asyncio.sleep(0)  # let the loop's other work in, as a thread would
                else:
                    outcome = await loop.run_in_executor(self.executor, episode)
            except OrchestratorProtocolError as exc:
                effects = self._commit_failure(record, batch + stale, now, str(exc), new)
            else:
                try:
                    with self.store.transaction():
                        current = self.store.get_instance(record.instance_id)
                        if (
                            current is None
                            or current.execution_id != record.execution_id
                            or current.status in TERMINAL
                        ):
                            return  # purged or replaced while the episode ran
                        self.store.check_history_length(record.instance_id, len(past))
                        self.store.delete_messages([m.id for m in batch + stale])
                        effects = EpisodeDecisions(self.store, self.catalog, record, now).apply(
                            new, outcome
                        )
                except StaleHistory as exc:
                    logger.warning("%s: episode discarded, it runs again on the stored one", exc)
                    return
        if effects is not None:
            self.apply_effects(effects)

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


def _is_activity_result(message: Message) -> bool:
    event = message.body.get("event") if message.body.get("kind") == "event" else None
    return isinstance(event, dict) and event.get("EventType") == EventType.TASK_COMPLETED
