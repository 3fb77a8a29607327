"""A run's stream events, rebuilt from its instance's step log, and their SSE encoding.

Superstep-level modes come from durable state: ``values`` (the state the run starts
from, then after each superstep), ``updates`` (each task's update per superstep, and
``__interrupt__`` when the run pauses); ``metadata`` opens the stream and ``error``
reports a failed run, as LangGraph's server does. What the nodes streamed (``custom``,
``messages``, ``messages-tuple``: stream_channel.py) comes before its superstep's
updates.
"""

from __future__ import annotations

import json
from typing import Any

from ..durable.steplog import apply_changes
from .checkpoints import node_result, shown
from .durable_view import InstanceView
from .message_events import MessageEvents
from .superstep_modes import SuperstepModes
from .thread_state import run_status, unanswered

Event = tuple[str, Any]
#: Stream modes whose events come from the step log, one superstep at a time.
STEP_LOG_MODES = frozenset({"values", "updates", "debug", "tasks", "checkpoints", "events"})


def interrupt_items(pauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """LangGraph's interrupts of the pending `pauses` (a breakpoint has none)."""
    return [
        {"value": p.get("value"), "id": p.get("id"), "response_schema": None}
        for p in pauses
        if not p.get("pause")
    ]


def run_events(
    entry: dict[str, Any],
    view: InstanceView | None,
    modes: list[str],
    reducers: set[str],
    streamed: dict[int, list[Event]] | None = None,
    superstep_modes: SuperstepModes | None = None,
    *,
    ended: bool = True,
) -> list[Event]:
    """Every event of the run, in LangGraph's order.

    `streamed`: the events the run's nodes published, by superstep; `superstep_modes`:
    the tasks/checkpoints/debug events woven in (superstep_modes.py). With `ended` False
    (a run followed live: live_stream.py), the events so far, each list a prefix of the
    next: no closing events, and, next to step-log modes, what a superstep published
    only once the log holds the steps before it (its records may lag the activity that
    publishes).
    """
    extra = superstep_modes or SuperstepModes(frozenset())
    from_step = int(entry.get("from_step") or 0)
    pending = {s: items for s, items in (streamed or {}).items() if s >= from_step}
    messages = MessageEvents()
    events: list[Event] = [("metadata", {"run_id": entry["run_id"], "attempt": 1})]
    status = run_status(entry, view)
    if view is None or view.status is None:
        if entry.get("error"):
            events.append(("error", entry["error"]))
        return events
    state: dict[str, Any] = {}
    started = False
    last = -1  # the last superstep the log holds
    for record in view.records:
        kind = record.get("kind")
        superstep = int(record.get("superstep") or 0)
        last = max(last, superstep)
        if kind == "start":
            state = dict(record.get("state") or {})
            if from_step == 0:
                started = True
                events.extend(extra.opening(_values(state, modes)))
            continue
        if not started and superstep >= from_step:
            started = True
            events.extend(extra.opening(_values(state, modes)))
        before = dict(state)
        apply_changes(state, record.get("set") or {}, record.get("unset") or [])
        event = record.get("event") or {}
        apply_changes(state, event.get("set") or {}, event.get("unset") or [])
        if not started:
            continue
        published: list[Event] = []
        updates: list[Event] = []
        if kind == "step":
            published = _published(pending.pop(superstep, []), modes, messages)
        if kind == "step" and "updates" in modes:
            tasks = record.get("tasks") or []
            for task in tasks:
                if "update" in task:
                    update = dict(task["update"] or {})
                    result = node_result(before, update, reducers, len(tasks) == 1)
                    updates.append(("updates", {task["node"]: result or None}))
        changed = "next" in record and _changed(before, state)
        values = _values(state, modes) if changed else []
        events.extend(extra.step(record, before, published, updates, values))
    if not ended:  # the superstep in flight: what it published so far
        alone = not STEP_LOG_MODES.intersection(modes)  # nothing to come before it
        for superstep in sorted(pending):
            if alone or (started and superstep <= last + 1):
                events.extend(_published(pending[superstep], modes, messages))
        return events
    if not started and "values" in modes:
        events.append(("values", shown(state)))
    tail = [e for step in sorted(pending) for e in _published(pending[step], modes, messages)]
    ending: list[Event] = []  # the step that failed or paused published `tail`
    if status == "error":
        ending.append(("error", entry.get("error") or view.error()))
    elif not view.finished and unanswered(entry, view):
        pauses = interrupt_items(unanswered(entry, view))
        if view.child_interrupts:  # what the subgraph that waits streamed, first
            ending.extend(extra.children.get(view.superstep, []))
        if "updates" in modes:
            ending.append(("updates", {"__interrupt__": pauses}))
        if "values" in modes and pauses:  # (LangGraph sends none at a breakpoint)
            ending.append(("values", {**shown(state), "__interrupt__": pauses}))
    events.extend(extra.closing(state, tail, ending, status))
    return events


def _values(state: dict[str, Any], modes: list[str]) -> list[Event]:
    return [("values", shown(state))] if "values" in modes else []


def _changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a superstep wrote a visible key: LangGraph sends no `values` after a step
    whose nodes wrote nothing."""
    return shown(before) != shown(after)


def _published(items: list[Event], modes: list[str], messages: MessageEvents) -> list[Event]:
    """Published events of the run's modes, as LangGraph names them on the wire."""
    out: list[Event] = []
    for mode, data in items:
        if mode == "custom" and "custom" in modes:
            out.append(("custom", data))
        elif mode == "messages" and "messages-tuple" in modes:
            out.append(("messages", data))
        elif mode == "messages" and "messages" in modes:
            out.extend(messages.events(data))
    return out


def encode(events: list[Event]) -> str:
    return "".join(
        f"event: {name}\ndata: {json.dumps(data, default=str, separators=(',', ':'))}\n\n"
        for name, data in events
    )
