"""A run's stream events, rebuilt from its instance's step log, and their SSE encoding.

Superstep-level modes come from durable state: ``values`` (the state the run starts
from, then after each superstep), ``updates`` (each task's update per superstep, and
``__interrupt__`` when the run pauses); ``metadata`` opens the stream and ``error``
reports a failed run, as LangGraph's server does.
"""

from __future__ import annotations

import json
from typing import Any

from ..durable.steplog import apply_changes
from .checkpoints import node_result, shown
from .durable_view import InstanceView
from .thread_state import run_status, unanswered

Event = tuple[str, Any]


def interrupt_items(pauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"value": p.get("value"), "id": p.get("id"), "response_schema": None} for p in pauses]


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
                    result = node_result(before, update, reducers, len(tasks) == 1)
                    events.append(("updates", {task["node"]: result or None}))
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
