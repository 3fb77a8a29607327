"""``stream_subgraphs``: the events of a run's subgraph nodes, namespaced as LangGraph's
server sends them (``values|writer:<task id>``, ``updates|...``, nested namespaces
joined with ``|``).

A subgraph node runs as a sub-orchestration whose instance id the parent's superstep
derives (``<parent>:<node>:<execution>.<superstep>.<index>.<attempt>``) and which keeps
a step log of its own (the parent passes its log id on), so its events are rebuilt
like the parent's, by `run_events`, from durable state; what its nodes published is
kept under its instance id (stream_channel.py). The namespace's task id is the parent
task's id, as in the parent's checkpoints; the subgraph's checkpoints (``checkpoints``
and ``debug`` in its namespace) are numbered from its own input, as LangGraph numbers a
subgraph's, with the parent's checkpoint in ``parents`` and ``checkpoint_map``.
Subgraph runs started before their step log existed have none: they show no events.
"""

from __future__ import annotations

from typing import Any

from ..graph.manifest import GraphRegistration
from .checkpoints import instance_checkpoints
from .durable_view import read_instance
from .run_events import run_events
from .stream_channel import Publications
from .superstep_modes import SuperstepModes

Event = tuple[str, Any]


async def subgraph_events(
    client: Any,
    registration: GraphRegistration,
    parent: SuperstepModes,
    modes: list[str],
    published: Publications,
) -> dict[int, list[Event]]:
    """By the parent's superstep: the namespaced events of the subgraphs its tasks ran
    (`published`: what a subgraph run's nodes published, by its instance id)."""
    out: dict[int, list[Event]] = {}
    view = parent.view
    if not registration.subgraphs or view is None:
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
            child = _child_modes(parent, child_graph, superstep, node, child_id)
            events = await _child_events(client, child_graph, child_id, child, modes, published)
            out.setdefault(superstep, []).extend(events)
    if view.status == "Running" and view.child_interrupts:  # paused inside a subgraph
        for running in view.custom.get("children") or []:
            node, child_id = str(running.get("node")), str(running.get("instance_id"))
            child_graph = registration.subgraphs.get(node)
            if child_graph is None:
                continue
            child = _child_modes(parent, child_graph, view.superstep, node, child_id)
            events = await _child_events(client, child_graph, child_id, child, modes, published)
            out.setdefault(view.superstep, []).extend(events)
    return out


def _child_modes(
    parent: SuperstepModes,
    child_graph: GraphRegistration,
    superstep: int,
    node: str,
    child_id: str,
) -> SuperstepModes:
    """The subgraph run's events' bookkeeping; a resumed run's subgraph that had paused
    streams from the step it paused in, as its parent does (run_start.py)."""
    before = next((p for p in parent.points if p.superstep == superstep - 1), None)
    entry = {k: v for k, v in parent.entry.items() if k not in _RUN_ONLY}
    resumed_at = (parent.entry.get("child_steps") or {}).get(child_id)
    if resumed_at is not None:
        entry["from_step"] = resumed_at
    return SuperstepModes(
        parent.modes,
        entry,
        namespace=parent.task_namespace(superstep, node),
        parents={**parent.parents, parent.namespace: before.checkpoint_id}
        if before is not None
        else dict(parent.parents),
        reducers=set(child_graph.manifest.reducers),
        subgraph_nodes=frozenset(child_graph.subgraphs),
        checkpointed=parent.checkpointed,
    )


#: What a run's entry says of the run only (a resume's step, its error), not of its
#: subgraph runs.
_RUN_ONLY = ("from_step", "error", "status", "kwargs", "input_checkpoint")


async def _child_events(
    client: Any,
    registration: GraphRegistration,
    instance_id: str,
    child: SuperstepModes,
    modes: list[str],
    published: Publications,
) -> list[Event]:
    view = await read_instance(client, instance_id, with_log=True)
    if not view.records:
        return []
    child.view = view
    thread_id = str(child.entry.get("thread_id"))
    entry = {**child.entry, "kwargs": {}, "reducers": sorted(child.reducers)}
    child.points = instance_checkpoints(thread_id, entry, view, {}, -2)
    child.children = await subgraph_events(client, registration, child, modes, published)
    streamed = await published(instance_id)
    events = run_events(child.entry, view, modes, child.reducers, streamed, child)
    return _namespaced([e for e in events if e[0] not in ("metadata", "error")], child.namespace)


def _namespaced(events: list[Event], namespace: str) -> list[Event]:
    """`mode|<namespace>`, as LangGraph names a subgraph's events (the `messages` mode's
    `messages/partial`... keep their names, as LangGraph's do)."""
    out: list[Event] = []
    for name, data in events:
        if name.startswith("messages/") or "|" in name:  # or already a grandchild's
            out.append((name, data))
            continue
        out.append((f"{name}|{namespace}", data))
    return out
