"""The run's step log: one record per superstep, kept in Durable entities, not in history.

A run's own history is cut at every continue-as-new (bounded history), so the
orchestrator signals its supersteps' records to an entity,
``durable_graph_steps@<instance id>|<log id>|<execution>``: one entity per execution, so
no entity grows past `steps_per_execution` records, and the log survives
continue-as-new. The records are written in batches ("add_batch"): one entity
operation when the run goes idle (waits for an event or for an interrupt's
resume), continues as new, ends or fails, and at least every `STEP_LOG_BATCH`
supersteps; so a step log costs at most one entity operation per 10 supersteps
instead of one per superstep, and a running run's log may lag it by up to that
many supersteps (never while it waits). Runs started before batching (no
``"step_log_batched"`` in their input) keep signalling each record ("add"), as
their recorded histories do. Records carry changes, not whole states; the first execution's
first record (``"kind": "start"``) carries the state the run started from, and
`fold` rebuilds the state after any step. The API reads these entities for
``GET /api/runs/{id}/steps``, the running state and forks.

The log id is a random token the API puts in the run's input when it starts the
run, so a run that reuses an instance id (after a purge, or replacing a finished
run) never reads, nor forks from, the steps of the run that had the id before.
Runs started before log ids existed keep ``<instance id>|<execution>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import uuid4

from .protocol import STEPS_ADD, STEPS_ADD_BATCH


def new_log_id() -> str:
    """A fresh step log id for a run the API starts (see the module docstring)."""
    return uuid4().hex


def apply_changes(
    state: dict[str, Any], changed: Mapping[str, Any], removed: Iterable[str]
) -> None:
    state.update(changed)
    for key in removed:
        state.pop(key, None)


def fold(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Step records in order, each with ``"state"``: the state after that step."""
    state: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    for record in records:
        kind = record.get("kind")
        if kind == "start":
            state = dict(record.get("state") or {})
        elif kind == "event" and steps:
            # What the step's wait took: belongs to the step that waited.
            event = record.get("event") or {}
            apply_changes(state, event.get("set") or {}, event.get("unset") or [])
            steps[-1].update(event=event, next=record.get("next"), state=dict(state))
            steps[-1]["deferred"] = record.get("deferred")
        elif kind == "step":
            apply_changes(state, record.get("set") or {}, record.get("unset") or [])
            steps.append({**record, "event": None, "state": dict(state)})
    return steps


def replay_changes(state: dict[str, Any], records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """`state` after the changes the records carry (the state at a start record replaces it)."""
    for record in records:
        if record.get("kind") == "start":
            state = dict(record.get("state") or {})
            continue
        event = record.get("event") or {}
        apply_changes(state, record.get("set") or {}, record.get("unset") or [])
        apply_changes(state, event.get("set") or {}, event.get("unset") or [])
    return state


def record_step(context: Any) -> None:
    """The entity: appends what the orchestrator signals: one record ("add", runs started
    before issue 18) or several ("add_batch"); nothing else."""
    records = context.get_state(lambda: [])
    if context.operation_name == STEPS_ADD:
        records.append(context.get_input())
    elif context.operation_name == STEPS_ADD_BATCH:
        records.extend(context.get_input())
    context.set_state(records)
