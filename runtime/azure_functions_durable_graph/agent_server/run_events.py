"""A run's stream events, rebuilt from its instance's step log, and their SSE encoding.

Superstep-level modes come from durable state: ``values`` (the state the run starts
from, then after each superstep), ``updates`` (each task's update per superstep, and
``__interrupt__`` when the run pauses); ``metadata`` opens the stream and ``error``
reports a failed run, as LangGraph's server does.
"""

from __future__ import annotations

import json
from typing import Any

from ..graph.steplog import apply_changes
from .checkpoints import shown
from .durable_view import InstanceView
from .thread_state import run_status, unanswered

Event = tuple[str, Any]


def interrupt_items(pauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"value": p.get("value"), "id": p.get("id"), "response_schema": None} for p in pauses]


def _update_shown(
    before: dict[str, Any], update: dict[str, Any], reducers: set[str]
) -> dict[str, Any]:
    """A task's update as the node returned it: a list reducer's key shows what was added.

    The step log of a node that ran alone holds the keys it changed after the reducers;
    for an appending reducer (``add_messages``, ``operator.add``) that is the whole
    list, of which the node returned the new tail.
    """
    shown_update = {}
    for key, value in update.items():
        old = before.get(key)
        if key in reducers and isinstance(old, list) and isinstance(value, list):
            value = value[len(old) :] if value[: len(old)] == old else value
        shown_update[key] = value
    return shown_update


def run_events(
    entry: dict[str, Any], view: InstanceView | None, modes: list[str], reducers: set[str]
) -> list[Event]:
    """Every event of the run, in LangGraph's order (the run must have ended)."""
    events: list[Event] = [("metadata", {"run_id": entry["run_id"], "attempt": 1})]
    status = run_status(entry, view)
    if view is None or view.status is None:
        if entry.get("error"):
            events.append(("error", entry["error"]))
        return events
    from_step = int(entry.get("from_step") or 0)
    state: dict[str, Any] = {}
    started = False
    for record in view.records:
        kind = record.get("kind")
        superstep = int(record.get("superstep") or 0)
        if kind == "start":
            state = dict(record.get("state") or {})
            if from_step == 0:
                started = True
                if "values" in modes:
                    events.append(("values", shown(state)))
            continue
        if not started and superstep >= from_step:
            started = True
            if "values" in modes:
                events.append(("values", shown(state)))
        before = dict(state)
        apply_changes(state, record.get("set") or {}, record.get("unset") or [])
        event = record.get("event") or {}
        apply_changes(state, event.get("set") or {}, event.get("unset") or [])
        if not started:
            continue
        if kind == "step" and "updates" in modes:
            tasks = record.get("tasks") or []
            for task in tasks:
                if "update" in task:
                    update = dict(task["update"] or {})
                    if len(tasks) == 1:  # alone: the log holds the keys after the reducers
                        update = _update_shown(before, update, reducers)
                    events.append(("updates", {task["node"]: shown(update) or None}))
        if "next" in record and "values" in modes:
            events.append(("values", shown(state)))
    if not started and "values" in modes:
        events.append(("values", shown(state)))
    if status == "error":
        events.append(("error", entry.get("error") or view.error()))
    elif not view.finished and unanswered(entry, view):
        pauses = interrupt_items(unanswered(entry, view))
        if "updates" in modes:
            events.append(("updates", {"__interrupt__": pauses}))
        if "values" in modes:
            events.append(("values", {**shown(state), "__interrupt__": pauses}))
    return events


def encode(events: list[Event]) -> str:
    return "".join(
        f"event: {name}\ndata: {json.dumps(data, default=str, separators=(',', ':'))}\n\n"
        for name, data in events
    )
