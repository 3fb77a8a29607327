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
from datetime import datetime
from typing import Any

from . import history as h
from .actions import Action, ActionType
from .catalog import FunctionCatalog
from .decisions_scheduling import ActionScheduler
from .decisions_state import (
    Effects,
    event_message,
    new_execution_state,
    unconsumed_events,
)
from .episode import EpisodeOutcome, check_determinism
from .errors import NonDeterminismError
from .history import Event
from .store.records import InstanceRecord
from .store.replay_cache import copy_state
from .store.store import Store

_UNSUPPORTED = {ActionType.CALL_HTTP: "call_http"}


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
        self._scheduler = ActionScheduler(
            store, catalog, record, now, state=self.state, events=self.events, effects=self.effects
        )

    # Entry points --------------------------------------------------------------------------------

    def apply(self, new: list[Event], outcome: EpisodeOutcome) -> Effects:
        """Record the episode (`new` starts with its OrchestratorStarted) and act on the outcome."""
        self.events[:] = new
        for event in new:
            self._scheduler.allocate_retry_ids(event)
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
            self._scheduler.schedule(action)
        self._scheduler.cancel_timers(actions)
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
        self.events[:] = new or []
        return self._finish("Failed", json.dumps(message), failure=message)

    def terminate(self, reason: str) -> Effects:
        self.events[:] = [h.execution_terminated(self.now, reason)]
        self.store.delete_pending_work(self.record.instance_id)
        return self._finish(
            "Terminated", json.dumps(reason), failure=f"Instance terminated: {reason}"
        )

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
        carried = unconsumed_events(all_events, actions)
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
