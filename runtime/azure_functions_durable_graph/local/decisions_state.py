"""Bookkeeping of an execution for the episode decisions (decisions.py).

An instance's `state` column holds it: the next sequence id, the actions
scheduled so far, and the retry groups of `*_with_retry` calls. Here too: which
inbox messages make up the next episode, and what continue-as-new carries over.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .actions import Action, ActionType
from .history import Event, EventType
from .store.records import InstanceRecord, Message, WorkItem

#: Extra history field on the retry timers and re-attempts the host schedules by itself.
RETRY_OF = "RetryOf"

TERMINAL = frozenset({"Completed", "Failed", "Terminated"})


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

    work_items: list[WorkItem] = field(default_factory=list)  # created, to launch
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


def mark_retry(event: Event, retry_of: int | None) -> Event:
    """Tag events the host added for a retry (not the orchestrator) with the first attempt's id."""
    if retry_of is not None:
        event[RETRY_OF] = retry_of
    return event


def unconsumed_events(events: list[Event], actions: list[Action]) -> list[Event]:
    """External events no wait_for_external_event took, in arrival order (carried over).
    The answers to this execution's `call_entity` requests are not external events."""
    waits: dict[str, int] = defaultdict(int)
    for action in actions:
        if action.type == ActionType.WAIT_FOR_EXTERNAL_EVENT and action.name is not None:
            waits[action.name] += 1
    answers = {_request_id(e) for e in events if e["EventType"] == EventType.EVENT_SENT}
    carried: list[Event] = []
    seen: dict[str, int] = defaultdict(int)
    for event in events:
        if event["EventType"] != EventType.EVENT_RAISED or event.get("Name") in answers:
            continue
        name = event.get("Name") or ""
        seen[name] += 1
        if seen[name] > waits[name]:
            carried.append({**event, "IsPlayed": False})
    return carried


def _request_id(event: Event) -> str | None:
    """The id an entity request was sent with (its answer is an EventRaised of that name)."""
    try:
        request = json.loads(event.get("Input") or "null")
    except ValueError:
        return None
    return str(request["id"]) if isinstance(request, dict) and "id" in request else None


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
