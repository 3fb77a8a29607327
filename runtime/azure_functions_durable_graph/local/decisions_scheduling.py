"""How the episode decisions schedule an orchestrator's new actions (decisions.py).

Activities become work items, sub-orchestrations child instances, timers rows
of the timer table, entity calls and signals entity operations; a failed
attempt of a `*_with_retry` call gets a retry timer, and its firing the next
attempt, with ids numbered as the SDK numbers them.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from . import history as h
from .actions import Action, ActionType
from .catalog import FunctionCatalog
from .decisions_state import (
    TERMINAL,
    Effects,
    event_message,
    is_retry_event,
    mark_retry,
    pending_instance,
)
from .history import Event, EventType
from .store.records import InstanceRecord, WorkItem
from .store.store import Store

_ENTITY_ACTIONS = (ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY)


class ActionScheduler:
    """The scheduling half of `EpisodeDecisions`: store rows for each new action.

    It works on its decisions' episode: the same instance state, new history events and
    effects objects, changed in place.
    """

    def __init__(
        self,
        store: Store,
        catalog: FunctionCatalog,
        record: InstanceRecord,
        now: datetime,
        *,
        state: dict[str, Any],
        events: list[Event],
        effects: Effects,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.record = record
        self.now = now
        self.state = state
        self.events = events
        self.effects = effects

    def _next_id(self) -> int:
        seq = int(self.state["next_seq"])
        self.state["next_seq"] = seq + 1
        return seq

    def schedule(self, action: Action) -> None:
        """Record a new action and create what it asks for (work item, timer, child, operation)."""
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
                mark_retry(
                    h.task_scheduled(self.now, task_id, name=name, input_json=input_json), retry_of
                )
            )
            record = self.record
            item_id = self.store.add_work_item(
                record.instance_id, record.execution_id, task_id, name, input_json
            )
            self.effects.work_items.append(
                WorkItem(
                    item_id, record.instance_id, record.execution_id, task_id, name, input_json
                )
            )
        else:
            child_id = instance_id or f"{self.record.execution_id}:{task_id}"
            created = h.sub_orchestration_created(
                self.now, task_id, name=name, instance_id=child_id, input_json=input_json
            )
            self.events.append(mark_retry(created, retry_of))
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

    def cancel_timers(self, actions: list[Action]) -> None:
        """Delete the timers of the episode's canceled timer actions."""
        recorded = self.state["actions"]
        canceled = [
            recorded[i]["id"]
            for i, a in enumerate(actions)
            if a.type == ActionType.CREATE_TIMER and a.canceled and i < len(recorded)
        ]
        if canceled:
            self.store.delete_timers(self.record.instance_id, self.record.execution_id, canceled)

    def allocate_retry_ids(self, event: Event) -> None:
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
        self.events.append(mark_retry(h.timer_created(self.now, timer_id, fire_at), int(key)))
        self._add_timer(timer_id, fire_at)
