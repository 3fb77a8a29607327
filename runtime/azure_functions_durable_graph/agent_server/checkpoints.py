"""A thread's checkpoints, rebuilt from its timeline: runs (durable instances) and state updates.

LangGraph checkpoints a thread before each run (``source: "input"``), after the input
(step 0 of the run) and after every superstep (``source: "loop"``); `update_state`
adds one (``source: "update"``). Here the same checkpoints come from the step log of
each run's instance: the start record, then one record per superstep. A checkpoint id
is a UUID derived from the thread, the instance and the position, so it is stable
across reads and can be run from.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..durable.steplog import apply_changes
from .durable_view import InstanceView

NAMESPACE_CHECKPOINT = uuid.UUID("0f5c7a3e-5d1b-4c55-9a43-6a0b8f3c1d20")
HIDDEN_PREFIXES = ("__join__:", "__ran__:")


def shown(values: dict[str, Any] | None) -> dict[str, Any]:
    """The state as LangGraph shows it: without the adapter's hidden join keys."""
    return {k: v for k, v in (values or {}).items() if not k.startswith(HIDDEN_PREFIXES)}


def node_result(
    before: dict[str, Any], update: dict[str, Any], reducers: set[str], alone: bool
) -> dict[str, Any]:
    """A task's update as the node returned it.

    The step log of a node that ran alone in its superstep holds the keys it changed
    after the reducers; for an appending reducer (``add_messages``, ``operator.add``)
    that is the whole list, of which the node returned the new tail.
    """
    if not alone:
        return shown(update)
    result = {}
    for key, value in update.items():
        old = before.get(key)
        if key in reducers and isinstance(old, list) and isinstance(value, list):
            value = value[len(old) :] if value[: len(old)] == old else value
        result[key] = value
    return shown(result)


def _task(task_key: str, node: str, result: Any) -> dict[str, Any]:
    return {
        "id": task_key,
        "name": node,
        "path": ["__pregel_pull", node],
        "error": None,
        "interrupts": [],
        "checkpoint": None,
        "state": None,
        "result": result,
    }


def task_id(instance_id: str, superstep: int, node: str) -> str:
    return str(uuid.uuid5(NAMESPACE_CHECKPOINT, f"task:{instance_id}:{superstep}:{node}"))


@dataclass
class Checkpoint:
    checkpoint_id: str
    step: int
    source: str
    values: dict[str, Any]
    next: list[str]
    run_id: str | None
    created_at: str | None
    instance_id: str | None = None
    superstep: int | None = None  # the instance's superstep this checkpoint follows
    tasks: list[dict[str, Any]] = field(default_factory=list)
    parent_id: str | None = None


def checkpoint_id(thread_id: str, key: str, position: int) -> str:
    return str(uuid.uuid5(NAMESPACE_CHECKPOINT, f"{thread_id}:{key}:{position}"))


def instance_checkpoints(
    thread_id: str,
    entry: dict[str, Any],
    view: InstanceView,
    values_before: dict[str, Any],
    step_base: int,
    answered: dict[int, list[dict[str, Any]]] | None = None,
) -> list[Checkpoint]:
    """The checkpoints of one instance: input, start, then one per settled superstep."""
    key = view.instance_id
    run_id = str(entry.get("run_id"))
    created = entry.get("created_at")
    records = view.records
    steps = [r for r in records if r.get("kind") in ("step", "event")]
    ran = [r.get("nodes") for r in records if r.get("kind") == "step"]
    points: list[Checkpoint] = []
    reducers = set(entry.get("reducers") or [])
    if entry.get("input_checkpoint", True):
        start_input = (entry.get("kwargs") or {}).get("input")
        points.append(
            Checkpoint(
                checkpoint_id(thread_id, key, -1),
                step_base + 1,
                "input",
                shown(values_before),
                ["__start__"],
                run_id,
                created,
                tasks=[_task(task_id(key, -1, "__start__"), "__start__", start_input)],
            )
        )
    start = next((r for r in records if r.get("kind") == "start"), None)
    if start is None:
        return points
    state = dict(start.get("state") or {})
    next_nodes = [str(n) for n in ran[0] or []] if ran else view.active
    # A run without input continues from a checkpoint (its base) and writes none before
    # its first superstep, as in LangGraph: its start is that checkpoint, whose tasks
    # this instance runs (ThreadNow.history keeps it once).
    base = entry.get("base")
    first_step = int(base["step"]) if base else step_base + 2
    points.append(
        Checkpoint(
            base["checkpoint_id"] if base else checkpoint_id(thread_id, key, 0),
            first_step,
            base["source"] if base else "loop",
            shown(state),
            next_nodes if not view.finished or ran or view.status != "Completed" else [],
            base.get("run_id") if base else run_id,
            base.get("created_at") if base else created,
            key,
            0,
        )
    )
    for record in steps:
        superstep = int(record.get("superstep") or 0)
        if record.get("kind") == "step" and points[-1].superstep == superstep - 1:
            tasks = record.get("tasks") or []
            points[-1].tasks = [
                _task(
                    task_id(key, superstep, str(t.get("node"))),
                    str(t.get("node")),
                    node_result(state, dict(t.get("update") or {}), reducers, len(tasks) == 1),
                )
                for t in tasks
                if "update" in t
            ]
            for task in points[-1].tasks:  # the questions this step's interrupts asked
                task["interrupts"] = [
                    {"value": a.get("value"), "id": a.get("id")}
                    for a in (answered or {}).get(superstep, [])
                    if a.get("node") == task["name"]
                ]
        apply_changes(state, record.get("set") or {}, record.get("unset") or [])
        event = record.get("event") or {}
        apply_changes(state, event.get("set") or {}, event.get("unset") or [])
        if "next" not in record:
            continue  # a step that waits for an event: checkpointed when the event is taken
        points.append(
            Checkpoint(
                checkpoint_id(thread_id, key, superstep),
                first_step + superstep,
                "loop",
                shown(state),
                [str(t.get("node")) for t in record.get("next") or []],
                run_id,
                record.get("ended_at") or created,
                key,
                superstep,
            )
        )
    last = points[-1]
    if not view.finished:
        last.next = view.active or last.next
        last.tasks = _pending_tasks(view, last.next)
    elif entry.get("status") == "success" and view.status != "Completed":
        last.tasks = _pending_tasks(view, last.next)  # it paused, then gave way: none failed
    elif view.status != "Completed":
        error = view.error()  # as LangGraph keeps it: the exception's repr
        failed = f"{error['error']}({error['message']!r})"
        last.tasks = [{**t, "error": failed} for t in _pending_tasks(view, last.next)]
    for parent, child in itertools.pairwise(points):
        child.parent_id = parent.checkpoint_id
    return points


def _pending_tasks(view: InstanceView, nodes: list[str]) -> list[dict[str, Any]]:
    by_node: dict[str, list[dict[str, Any]]] = {}
    for pause in view.interrupts:
        if pause.get("pause"):  # a breakpoint: LangGraph's tasks show no interrupt
            continue
        by_node.setdefault(str(pause.get("node")), []).append(
            {"id": pause.get("id"), "value": pause.get("value")}
        )
    tasks = [_task(task_id(view.instance_id, view.superstep, n), n, None) for n in nodes]
    for task in tasks:
        task["interrupts"] = by_node.get(task["name"], [])
    return tasks


def update_checkpoint(
    thread_id: str, entry: dict[str, Any], step: int, parent: str | None
) -> Checkpoint:
    key = str(entry["update_id"])
    following = [str(n) for n in entry.get("next") or []]
    return Checkpoint(
        checkpoint_id(thread_id, key, 0),
        step,
        "update",
        shown(entry.get("values")),
        following,
        None,
        entry.get("created_at"),
        parent_id=parent,
        tasks=[_task(task_id(key, step, n), n, None) for n in following],  # what runs next
    )


def state_body(
    point: Checkpoint | None, thread_id: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    """LangGraph's ThreadState of a checkpoint (the empty state when there is none)."""
    if point is None:
        return {
            "values": {},
            "next": [],
            "tasks": [],
            "metadata": None,
            "created_at": None,
            "checkpoint": None,
            "parent_checkpoint": None,
            "interrupts": [],
            "checkpoint_id": None,
            "parent_checkpoint_id": None,
        }
    interrupts = [i for t in point.tasks for i in t.get("interrupts") or []]

    def ref(cid: str | None) -> dict[str, Any] | None:
        return (
            None
            if cid is None
            else {"checkpoint_id": cid, "thread_id": thread_id, "checkpoint_ns": ""}
        )

    if point.source == "update":  # no run wrote it: the graph's ids, not the run's metadata
        metadata = {k: metadata[k] for k in ("graph_id", "assistant_id") if k in metadata}
    return {
        "values": point.values,
        "next": point.next,
        "tasks": point.tasks,
        "metadata": {
            **metadata,
            "source": point.source,
            "step": point.step,
            "run_id": point.run_id,
            "thread_id": thread_id,
            "parents": {},
        },
        "created_at": point.created_at,
        "checkpoint": ref(point.checkpoint_id),
        "parent_checkpoint": ref(point.parent_id),
        "interrupts": interrupts,
        "checkpoint_id": point.checkpoint_id,
        "parent_checkpoint_id": point.parent_id,
    }
