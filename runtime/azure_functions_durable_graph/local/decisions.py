"""Turn an episode's outcome into store changes, the way the Durable extension decides.

Runs inside the engine's one transaction per episode. Event ids follow the
SDK's sequence numbering: every numbered action gets the next id in the order
the SDK yielded it, and each retry of a `*_with_retry` call takes ids too (a
timer after every failed attempt, then the next attempt), allocated when the
SDK sees the failure or the timer. The engine delivers those retry events
alone in their episode, so their ids always come before the episode's new
actions, exactly as the SDK counts them.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import history as h
from .actions import Action, ActionType
from .catalog import FunctionCatalog
from .episode import EpisodeOutcome, check_determinism
from .errors import NonDeterminismError
from .history import Event, EventType
from .replay_cache import copy_state
from .store import InstanceRecord, Message, Store

#: Extra history field on the retry timers and re-attempts the host schedules by itself.
RETRY_OF = "RetryOf"

TERMINAL = frozenset({"Completed", "Failed", "Terminated"})

_UNSUPPORTED = {ActionType.CALL_HTTP: "call_http"}
_ENTITY_ACTIONS = (ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY)


def new_execution_state() -> dict[str, Any]:
    """Bookkeeping of one execution: the next sequence id, what was scheduled, retry groups."""
    return {"next_seq": 0, "actions": [], "retries": {}, "attempt_of": {}, "timer_of": {}}


def pending_instance(
    instance_id: str,
    name: str,
    input_json: str | None,
    stamp: str,
    *,
    parent: InstanceRecord | None = None,
    parent_task_id: int | None = None,
) -> InstanceRecord:
    """A new instance (top-level or a child of `parent`): Pending, fresh execution, no state."""
    return InstanceRecord(
        instance_id=instance_id,
        name=name,
        execution_id=uuid.uuid4().hex,
        status="Pending",
        input=input_json,
        created_at=stamp,
        updated_at=stamp,
        parent_instance_id=parent.instance_id if parent else None,
        parent_execution_id=parent.execution_id if parent else None,
        parent_task_id=parent_task_id,
        state=new_execution_state(),
    )


def event_message(event: Event) -> dict[str, Any]:
    return {"kind": "event", "event": event}


@dataclass
class Effects:
    """What the engine starts once the transaction has committed."""

    work_items: list[int] = field(default_factory=list)
    kick: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    timers_changed: bool = False


def is_retry_event(event: Event, state: dict[str, Any]) -> bool:
    """Whether delivering `event` makes the SDK allocate a retry id (so it must travel alone)."""
    kind = event["EventType"]
    if kind in (EventType.TASK_FAILED, EventType.SUB_ORCHESTRATION_INSTANCE_FAILED):
        return str(event["TaskScheduledId"]) in state["attempt_of"]
    if kind == EventType.TIMER_FIRED:
        return str(event["TimerId"]) in state["timer_of"]
    return False


class EpisodeDecisions:
    """Applies one episode to the store; call `apply` inside `store.transaction()`."""

    def __init__(
        self, store: Store, catalog: FunctionCatalog, record: InstanceRecord, now: datetime
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.record = record
        self.now = now
        self.state = copy_state(record.state)  # actions are append-only: no deep copy needed
        self.events: list[Event] = []
        self.effects = Effects()

    # Entry points --------------------------------------------------------------------------------

    def apply(self, new: list[Event], outcome: EpisodeOutcome) -> Effects:
        """Record the episode (`new` starts with its OrchestratorStarted) and act on the outcome."""
        self.events = list(new)
        for event in new:
            self._allocate_retry_ids(event)
        actions = outcome.state.actions
        recorded: list[dict[str, Any]] = self.state["actions"]
        try:
            check_determinism(
                self.record.instance_id, recorded, actions, complete=outcome.error is None
            )
        except NonDeterminismError as exc:
            return self._finish("Failed", json.dumps(str(exc)), failure=str(exc))
        fresh = actions[len(recorded) :]
        unsupported = [a for a in fresh if a.type in _UNSUPPORTED]
        if unsupported:
            message = (
                f"Orchestrator function '{self.record.name}' failed: "
                f"{_UNSUPPORTED[unsupported[0].type]} "
                "is not supported by the local host yet"
            )
            return self._finish("Failed", json.dumps(message), failure=message)
        for action in fresh:
            self._schedule(action)
        self._cancel_timers(actions)
        self.record.custom_status = (
            None if outcome.state.custom_status is None else json.dumps(outcome.state.custom_status)
        )
        if outcome.error is not None:
            message = f"Orchestrator function '{self.record.name}' failed: {outcome.error}"
            return self._finish("Failed", json.dumps(message), failure=message)
        if not outcome.state.is_done:
            return self._save("Running")
        restart = next((a for a in actions if a.type == ActionType.CONTINUE_AS_NEW), None)
        if restart is not None:
            past = self.store.history(self.record.instance_id)
            return self._continue_as_new(past + self.events, actions, restart)
        return self._finish("Completed", outcome.state.output_json)

    def fail(self, message: str, new: list[Event] | None = None) -> Effects:
        """Fail the instance without running it (bad state, unknown orchestrator, host error)."""
        self.events = list(new or [])
        return self._finish("Failed", json.dumps(message), failure=message)

    def terminate(self, reason: str) -> Effects:
        self.events = [h.execution_terminated(self.now, reason)]
        self.store.delete_pending_work(self.record.instance_id)
        return self._finish(
            "Terminated", json.dumps(reason), failure=f"Instance terminated: {reason}"
        )

    # Scheduling ----------------------------------------------------------------------------------

    def _next_id(self) -> int:
        seq = int(self.state["next_seq"])
        self.state["next_seq"] = seq + 1
        return seq

    def _schedule(self, action: Action) -> None:
        task_id = self._next_id() if action.numbered else None
        self.state["actions"].append({**action.signature(), "id": task_id})
        if task_id is None or action.type == ActionType.CONTINUE_AS_NEW:
            return
        if action.type == ActionType.CREATE_TIMER:
            assert action.fire_at is not None
            self.events.append(h.timer_created(self.now, task_id, action.fire_at))
            if not action.canceled:
                self._add_timer(task_id, action.fire_at)
            return
        if action.type in _ENTITY_ACTIONS:
            self._send_to_entity(action, task_id)
            return
        if action.retry is not None:
            key = str(task_id)
            self.state["retries"][key] = {
                "type": int(action.type),
                "name": action.name,
                "input": action.input_json,
                "instance_id": action.instance_id,
                "interval_ms": action.retry.first_retry_interval_ms,
                "max_attempts": action.retry.max_attempts,
                "attempts": 1,
            }
            self.state["attempt_of"][key] = key
        self._start_attempt(
            action.type, task_id, action.name or "", action.input_json, action.instance_id
        )

    def _send_to_entity(self, action: Action, task_id: int) -> None:
        target = action.instance_id or ""
        operation = str(action.raw.get("operation"))
        request_id = str(uuid.uuid4())
        is_call = action.type == ActionType.CALL_ENTITY
        message = {
            "id": request_id,
            "op": operation,
            "signal": not is_call,
            "input": action.input_json,
        }
        self.events.append(
            h.event_sent(
                self.now,
                task_id,
                instance_id=target,
                name=operation,
                input_json=json.dumps(message),
            )
        )
        record = self.record
        caller = (record.instance_id, record.execution_id, request_id) if is_call else None
        self.store.add_entity_operation(target, operation, action.input_json, caller=caller)
        self.effects.entities.add(target)

    def _start_attempt(
        self,
        kind: ActionType | int,
        task_id: int,
        name: str,
        input_json: str | None,
        instance_id: str | None,
        retry_of: int | None = None,
    ) -> None:
        if kind in (ActionType.CALL_ACTIVITY, ActionType.CALL_ACTIVITY_WITH_RETRY):
            self.events.append(
                _mark(
                    h.task_scheduled(self.now, task_id, name=name, input_json=input_json), retry_of
                )
            )
            item = self.store.add_work_item(
                self.record.instance_id, self.record.execution_id, task_id, name, input_json
            )
            self.effects.work_items.append(item)
        else:
            child_id = instance_id or f"{self.record.execution_id}:{task_id}"
            created = h.sub_orchestration_created(
                self.now, task_id, name=name, instance_id=child_id, input_json=input_json
            )
            self.events.append(_mark(created, retry_of))
            self._start_child(task_id, name, child_id, input_json)

    def _start_child(self, task_id: int, name: str, child_id: str, input_json: str | None) -> None:
        reason = None
        existing = self.store.get_instance(child_id)
        if self.catalog.orchestrator(name) is None:
            reason = f"The orchestrator function '{name}' doesn't exist or is not an orchestrator."
        elif existing is not None and existing.status not in TERMINAL:
            reason = (
                f"An orchestration with instance ID '{child_id}' already exists "
                f"and is {existing.status}."
            )
        if reason is not None:
            failed = h.sub_orchestration_failed(self.now, task_id, reason, "")
            self.store.add_message(
                self.record.instance_id, self.record.execution_id, event_message(failed)
            )
            return
        if existing is not None:
            self.store.delete_instance(child_id)
        child = pending_instance(
            child_id,
            name,
            input_json,
            h.format_time(self.now),
            parent=self.record,
            parent_task_id=task_id,
        )
        execution_id = child.execution_id
        self.store.put_instance(child)
        parent = {
            "Name": self.record.name,
            "TaskScheduleId": task_id,
            "OrchestrationInstance": {
                "InstanceId": self.record.instance_id,
                "ExecutionId": self.record.execution_id,
            },
        }
        started = h.execution_started(
            self.now,
            name=name,
            input_json=input_json,
            instance_id=child_id,
            execution_id=execution_id,
            parent=parent,
        )
        self.store.add_message(child_id, execution_id, event_message(started))
        self.effects.kick.add(child_id)

    def _add_timer(self, timer_id: int, fire_at: datetime) -> None:
        self.store.add_timer(
            self.record.instance_id, self.record.execution_id, timer_id, h.format_time(fire_at)
        )
        self.effects.timers_changed = True

    def _cancel_timers(self, actions: list[Action]) -> None:
        recorded = self.state["actions"]
        canceled = [
            recorded[i]["id"]
            for i, a in enumerate(actions)
            if a.type == ActionType.CREATE_TIMER and a.canceled and i < len(recorded)
        ]
        if canceled:
            self.store.delete_timers(self.record.instance_id, self.record.execution_id, canceled)

    def _allocate_retry_ids(self, event: Event) -> None:
        """A failed attempt gets a retry timer; a fired retry timer gets the next attempt."""
        if not is_retry_event(event, self.state):
            return
        if event["EventType"] == EventType.TIMER_FIRED:
            key = self.state["timer_of"][str(event["TimerId"])]
            group = self.state["retries"][key]
            if group["attempts"] >= group["max_attempts"]:
                return  # the SDK now fails the task with the last attempt's error
            attempt_id = self._next_id()
            group["attempts"] += 1
            self.state["attempt_of"][str(attempt_id)] = key
            self._start_attempt(
                group["type"],
                attempt_id,
                group["name"],
                group["input"],
                group["instance_id"],
                retry_of=int(key),
            )
            return
        key = self.state["attempt_of"][str(event["TaskScheduledId"])]
        group = self.state["retries"][key]
        timer_id = self._next_id()
        fire_at = self.now + timedelta(milliseconds=group["interval_ms"])
        self.state["timer_of"][str(timer_id)] = key
        self.events.append(_mark(h.timer_created(self.now, timer_id, fire_at), int(key)))
        self._add_timer(timer_id, fire_at)

    # Endings -------------------------------------------------------------------------------------

    def _save(self, status: str) -> Effects:
        record = self.record
        record.status = status
        record.state = self.state
        record.updated_at = h.format_time(self.now)
        if self.events:
            self.store.append_history(
                record.instance_id,
                record.execution_id,
                [*self.events, h.orchestrator_completed(self.now)],
            )
        self.store.put_instance(record)
        return self.effects

    def _finish(
        self, status: str, output_json: str | None, *, failure: str | None = None
    ) -> Effects:
        record = self.record
        record.output = output_json
        if status != "Terminated":
            self.events.append(h.orchestrator_completed(self.now))
            self.events.append(h.execution_completed(self.now, status, output_json))
        self.store.delete_timers_of(record.instance_id)
        record.status = status
        record.state = self.state
        record.updated_at = h.format_time(self.now)
        self.store.append_history(record.instance_id, record.execution_id, self.events)
        self.store.put_instance(record)
        self._notify_parent(status, output_json, failure)
        return self.effects

    def _notify_parent(self, status: str, output_json: str | None, failure: str | None) -> None:
        record = self.record
        if record.parent_instance_id is None or record.parent_task_id is None:
            return
        if status == "Completed":
            event = h.sub_orchestration_completed(self.now, record.parent_task_id, output_json)
        else:
            event = h.sub_orchestration_failed(
                self.now, record.parent_task_id, failure or status, ""
            )
        self.store.add_message(
            record.parent_instance_id, record.parent_execution_id, event_message(event)
        )
        self.effects.kick.add(record.parent_instance_id)

    def _continue_as_new(
        self, all_events: list[Event], actions: list[Action], restart: Action
    ) -> Effects:
        record = self.record
        self.store.delete_timers_of(record.instance_id)
        carried = _unconsumed_events(all_events, actions)
        execution_id = uuid.uuid4().hex
        record.execution_id = execution_id
        record.input = restart.input_json
        record.output = None
        record.status = "ContinuedAsNew"
        record.state = new_execution_state()
        record.updated_at = h.format_time(self.now)
        self.store.clear_history(record.instance_id)
        self.store.put_instance(record)
        started = h.execution_started(
            self.now,
            name=record.name,
            input_json=restart.input_json,
            instance_id=record.instance_id,
            execution_id=execution_id,
        )
        self.store.add_message(record.instance_id, execution_id, event_message(started))
        for event in carried:
            self.store.add_message(record.instance_id, execution_id, event_message(event))
        self.effects.kick.add(record.instance_id)
        return self.effects


def _mark(event: Event, retry_of: int | None) -> Event:
    """Tag events the host added for a retry (not the orchestrator) with the first attempt's id."""
    if retry_of is not None:
        event[RETRY_OF] = retry_of
    return event


def _unconsumed_events(events: list[Event], actions: list[Action]) -> list[Event]:
    """External events no wait_for_external_event took, in arrival order (carried over)."""
    waits: dict[str, int] = defaultdict(int)
    for action in actions:
        if action.type == ActionType.WAIT_FOR_EXTERNAL_EVENT and action.name is not None:
            waits[action.name] += 1
    carried: list[Event] = []
    seen: dict[str, int] = defaultdict(int)
    for event in events:
        if event["EventType"] != EventType.EVENT_RAISED:
            continue
        name = event.get("Name") or ""
        seen[name] += 1
        if seen[name] > waits[name]:
            carried.append({**event, "IsPlayed": False})
    return carried


def select_batch(messages: list[Message], state: dict[str, Any]) -> list[Message]:
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
