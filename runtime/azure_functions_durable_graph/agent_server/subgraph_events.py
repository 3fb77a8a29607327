"""``stream_subgraphs``: the events of a run's subgraph nodes, namespaced as LangGraph's
server sends them (``values|writer:<task id>``, ``updates|...``, nested namespaces
joined with ``|``).

A subgraph node runs as a sub-orchestration whose instance id the parent's superstep
derives (``<parent>:<node>:<execution>.<superstep>.<index>.<attempt>``) and which keeps
a step log of its own (the parent passes its log id on), so its events are rebuilt
like the parent's, by `run_events`, from durable state. The namespace's task id is the
parent task's id, as in the parent's checkpoints. Subgraph runs started before their
step log existed have none: they show no events.
"""

from __future__ import annotations

from typing import Any

from ..graph.manifest import GraphRegistration
from .checkpoints import task_id
from .durable_view import InstanceView, read_instance
from .run_events import run_events
from .superstep_modes import SuperstepModes

Event = tuple[str, Any]

#: The modes a subgraph's events are sent in (what its nodes publish is not separated
#: from the parent's, and its checkpoints are not the thread's).
CHILD_MODES = ("values", "updates")
CHILD_TASK_MODES = frozenset({"tasks", "debug"})


async def subgraph_events(
    client: Any,
    registration: GraphRegistration,
    view: InstanceView,
    entry: dict[str, Any],
    modes: list[str],
) -> dict[int, list[Event]]:
    """By the parent's superstep: the namespaced events of the subgraphs its tasks ran."""
    out: dict[int, list[Event]] = {}
    if not registration.subgraphs:
        return out
    for record in view.records:
        if record.get("kind") != "step":
            continue
        superstep = int(record.get("superstep") or 0)
        tasks = record.get("tasks") or []
        for index, task in enumerate(tasks):
            node = str(task.get("node"))
            child_graph = registration.subgraphs.get(node)
            if child_graph is None:
                continue
            child_id = (
                f"{view.instance_id}:{node}:{record.get('execution', 1)}."
                f"{superstep}.{index if len(tasks) > 1 else 0}.{task.get('attempts', 1)}"
            )
            namespace = f"{node}:{task_id(view.instance_id, superstep, node)}"
            events = await _child_events(client, child_graph, child_id, entry, modes)
            out.setdefault(superstep, []).extend(_namespaced(events, namespace))
    return out


async def _child_events(
    client: Any,
    registration: GraphRegistration,
    instance_id: str,
    entry: dict[str, Any],
    modes: list[str],
) -> list[Event]:
    child = await read_instance(client, instance_id, with_log=True)
    if not child.records:
        return []
    reducers = set(registration.manifest.reducers)
    child_entry = {k: v for k, v in entry.items() if k not in ("from_step", "error", "status")}
    task_modes = frozenset(modes) & CHILD_TASK_MODES
    extra = SuperstepModes(task_modes, child_entry, child, [], {}, reducers)
    extra.children = await subgraph_events(client, registration, child, child_entry, modes)
    wanted = [m for m in modes if m in CHILD_MODES]
    events = run_events(child_entry, child, wanted, reducers, None, extra)
    return [e for e in events if e[0] not in ("metadata", "error")]


def _namespaced(events: list[Event], namespace: str) -> list[Event]:
    """`mode|<namespace>[|<the child's namespace>]`, as LangGraph names nested events."""
    out: list[Event] = []
    for name, data in events:
        mode, _, inner = name.partition("|")
        out.append((f"{mode}|{namespace}" + (f"|{inner}" if inner else ""), data))
    return out
