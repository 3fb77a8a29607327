"""The stream modes LangGraph's server derives from its checkpoints and tasks: ``tasks``,
``checkpoints`` and ``debug`` (which wraps the other two), rebuilt from durable state.

LangGraph sends, per superstep: each task's start (``{id, name, input, triggers,
metadata}``) before the nodes' writes, each task's result (``{id, name, error, result,
interrupts}``) after its ``updates``, and the checkpoint after the superstep (``{config,
parent_config, values, metadata, next, tasks}``) after its ``values``; a run opens with
its input checkpoint and the checkpoint after the input, a resumed run with the
checkpoint it resumes. Here the checkpoints are the thread's own (checkpoints.py: the
same ids, steps and parents as ``/history``), the tasks come from the step log's
records, and a task's id is the one its checkpoint lists. `run_events` weaves these
events into its stream at three places: the run's opening, each superstep, its end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..graph.manifest import GraphRegistration
from .checkpoints import Checkpoint, node_result, shown, state_body, task_id
from .durable_view import InstanceView
from .thread_state import ThreadNow, unanswered

Event = tuple[str, Any]

#: The modes this module answers.
SUPERSTEP_MODES = frozenset({"tasks", "checkpoints", "debug"})


@dataclass
class SuperstepModes:
    """The ``tasks``/``checkpoints``/``debug`` events of one streamed run (none when the
    run asked for none of them: each method then gives back what it was given)."""

    modes: frozenset[str]
    entry: dict[str, Any] = field(default_factory=dict)
    view: InstanceView | None = None
    points: list[Checkpoint] = field(default_factory=list)
    thread_metadata: dict[str, Any] = field(default_factory=dict)
    reducers: set[str] = field(default_factory=set)
    #: The nodes that are subgraphs (their tasks' checkpoints have a namespace).
    subgraph_nodes: frozenset[str] = frozenset()
    #: A subgraph run's namespace (``writer:<task id>``, nested ones joined with ``|``)
    #: and its enclosing graphs' checkpoints (``{"": <root checkpoint id>, ...}``).
    namespace: str = ""
    parents: dict[str, str] = field(default_factory=dict)
    #: By superstep: the namespaced events of its subgraph runs (subgraph_events.py).
    children: dict[int, list[Event]] = field(default_factory=dict)
    #: False for a stateless run: LangGraph's server runs it without a checkpointer, so
    #: it streams no checkpoints.
    checkpointed: bool = True

    # -- where run_events calls ----------------------------------------------------------

    def opening(self, values: list[Event]) -> list[Event]:
        """The run's first events: a new run's input checkpoint, its first `values`, then
        the checkpoint after the input (a resumed run: the checkpoint it resumes)."""
        if not self.modes:
            return values
        resumed = int(self.entry.get("from_step") or 0) > 0
        before: list[Event] = []
        if not resumed and self.points and self.points[0].source == "input":
            before = self._checkpoint(self.points[0])
        start = self._point(self._from_step() - 1 if resumed else 0)
        after = self._checkpoint(start, resumed=resumed) if start is not None else []
        return [*before, *values, *after]

    def step(
        self,
        record: dict[str, Any],
        before: dict[str, Any],
        published: list[Event],
        updates: list[Event],
        values: list[Event],
    ) -> list[Event]:
        """A step record's events in LangGraph's order: task starts, the events of the
        subgraphs they ran, what the nodes published, each task's update and result, the
        values, the checkpoint after it."""
        if not self.modes and not self.children:
            return [*published, *updates, *values]
        superstep = int(record.get("superstep") or 0)
        out: list[Event] = []
        results: list[list[Event]] = []  # each task's result events
        if record.get("kind") == "step":
            tasks = [t for t in record.get("tasks") or [] if "update" in t]
            out += self._starts(superstep, tasks, before, record.get("started_at"))
            out += self.children.get(superstep, [])
            for task in tasks:
                result = node_result(
                    before, dict(task.get("update") or {}), self.reducers, len(tasks) == 1
                )
                payload = self._result(superstep, task, result, None, [])
                results.append(self._task_event(superstep, payload, record.get("ended_at")))
        out += published
        if updates and len(updates) == len(results):  # each task's update, then its result
            for update, result_events in zip(updates, results, strict=True):
                out += [update, *result_events]
        else:
            out += [*updates, *(e for events in results for e in events)]
        out += values
        point = self._point(superstep) if "next" in record else None
        if point is not None:
            out += self._checkpoint(point)
        return out

    def closing(
        self, state: dict[str, Any], published: list[Event], ending: list[Event], status: str
    ) -> list[Event]:
        """The superstep the run stopped in: its tasks' starts, what they published, then
        for a failed run each task's error before the `error` event, for a paused one the
        interrupt events before the results carrying the interrupts."""
        view = self.view
        paused = view is not None and not view.finished and bool(unanswered(self.entry, view))
        if not self.modes or view is None or not (paused or status == "error"):
            return [*published, *ending]
        superstep = view.superstep
        nodes = view.active or [str(i.get("node")) for i in view.interrupts]
        tasks = [{"node": n} for n in nodes]
        out = self._starts(superstep, tasks, state, None)
        results: list[Event] = []
        for task in tasks:
            if status == "error":
                error = self.entry.get("error") or view.error()
                payload = self._result(superstep, task, {}, error, [])
            else:
                asked = [
                    {"value": i.get("value"), "id": i.get("id"), "response_schema": None}
                    for i in unanswered(self.entry, view)
                    if i.get("node") == task["node"]
                ]
                if not asked:
                    continue  # a sibling that finished: its result is not in the log
                payload = self._result(superstep, task, {}, None, asked)
            results += self._task_event(superstep, payload, None)
        if status == "error":
            return [*out, *published, *results, *ending]
        return [*out, *published, *ending, *results]

    # -- events --------------------------------------------------------------------------

    def _from_step(self) -> int:
        return int(self.entry.get("from_step") or 0)

    def _point(self, superstep: int) -> Checkpoint | None:
        return next((p for p in self.points if p.superstep == superstep), None)

    def _step_number(self, superstep: int) -> int:
        """LangGraph's step of the checkpoint after `superstep` (numbered across runs)."""
        first = self._point(0)
        return (first.step if first is not None else 0) + superstep

    def _starts(
        self,
        superstep: int,
        tasks: list[dict[str, Any]],
        state: dict[str, Any],
        at: str | None,
    ) -> list[Event]:
        out: list[Event] = []
        for task in tasks:
            node = str(task.get("node"))
            pushed = "arg" in task  # a Send's task: its argument is its input
            payload = {
                "id": self._task_id(superstep, node),
                "name": node,
                "input": task["arg"] if pushed else shown(state),
                "triggers": ["__pregel_push"] if pushed else [f"branch:to:{node}"],
                "metadata": self._task_metadata(),
            }
            out += self._task_event(superstep, payload, at)
        return out

    def _task_id(self, superstep: int, node: str) -> str:
        instance = self.view.instance_id if self.view is not None else ""
        return task_id(instance, superstep, node)

    def _result(
        self,
        superstep: int,
        task: dict[str, Any],
        result: dict[str, Any],
        error: Any,
        interrupts: list[dict[str, Any]],
    ) -> dict[str, Any]:
        node = str(task.get("node"))
        return {
            "id": self._task_id(superstep, node),
            "name": node,
            "error": error,
            "result": result,
            "interrupts": interrupts,
        }

    def _task_event(self, superstep: int, payload: dict[str, Any], at: Any) -> list[Event]:
        out: list[Event] = []
        if "tasks" in self.modes:
            out.append(("tasks", payload))
        if "debug" in self.modes:
            kind = "task_result" if "result" in payload else "task"
            out.append(("debug", self._debug(self._step_number(superstep), kind, payload, at)))
        return out

    def _task_metadata(self) -> dict[str, Any]:
        """The run's metadata as LangGraph's server gives a task (without its bookkeeping:
        versions, plan, host, URL)."""
        entry = self.entry
        return {
            **(entry.get("metadata") or {}),
            "created_by": "system",
            "graph_id": entry.get("graph_id"),
            "assistant_id": entry.get("assistant_id"),
            "run_attempt": 1,
            "run_id": entry.get("run_id"),
        }

    def _config(self, checkpoint: str | None) -> dict[str, Any] | None:
        if checkpoint is None:
            return None
        entry = self.entry
        config = (entry.get("kwargs") or {}).get("config") or {}
        configurable = dict(config.get("configurable") or {})
        configurable.update(
            checkpoint_ns=self.namespace,
            run_id=entry.get("run_id"),
            thread_id=entry.get("thread_id"),
            graph_id=entry.get("graph_id"),
            assistant_id=entry.get("assistant_id"),
            checkpoint_id=checkpoint,
        )
        if self.namespace:
            configurable["checkpoint_map"] = {**self.parents, self.namespace: checkpoint}
        return {"configurable": configurable}

    def task_namespace(self, superstep: int, node: str) -> str:
        """The namespace of the subgraph run task `node` of `superstep` started."""
        own = f"{node}:{self._task_id(superstep, node)}"
        return f"{self.namespace}|{own}" if self.namespace else own

    def _checkpoint(self, point: Checkpoint, *, resumed: bool = False) -> list[Event]:
        """A checkpoint as LangGraph streams it. A new checkpoint's tasks are about to run
        (no results yet), its metadata is the loop's; a resumed one is shown as stored,
        with the interrupts its tasks asked."""
        if not self.checkpointed:
            return []
        if resumed:
            thread_id = str(self.entry.get("thread_id"))
            metadata = state_body(point, thread_id, self.thread_metadata)["metadata"]
            parent = (
                None
                if point.parent_id is None
                else {
                    "configurable": {
                        "thread_id": thread_id,
                        "checkpoint_ns": "",
                        "checkpoint_id": point.parent_id,
                    }
                }
            )
        else:
            metadata = {"source": point.source, "step": point.step, "parents": self.parents}
            parent = self._config(point.parent_id)
        tasks = [
            {
                "id": t["id"],
                "name": t["name"],
                "interrupts": [
                    {"value": i.get("value"), "id": i.get("id"), "response_schema": None}
                    for i in (t.get("interrupts") or [] if resumed else [])
                ],
                "state": self._task_state(point, t["name"]),
            }
            for t in point.tasks
        ]
        payload = {
            "config": self._config(point.checkpoint_id),
            "parent_config": parent,
            "values": point.values,
            "metadata": metadata,
            "next": point.next,
            "tasks": tasks,
        }
        out: list[Event] = []
        if "checkpoints" in self.modes:
            out.append(("checkpoints", payload))
        if "debug" in self.modes:  # LangGraph's server adds the refs, names a task's state
            refs = {
                "checkpoint": self._ref(point.checkpoint_id),
                "parent_checkpoint": self._ref(point.parent_id),
                "tasks": [_state_as_checkpoint(t) for t in tasks],
            }
            debug = self._debug(point.step, "checkpoint", {**payload, **refs}, point.created_at)
            out.append(("debug", debug))
        return out

    def _task_state(self, point: Checkpoint, node: str) -> dict[str, Any] | None:
        """A subgraph task's state: where its run's checkpoints are (LangGraph's config)."""
        if node not in self.subgraph_nodes or point.superstep is None:
            return None
        namespace = self.task_namespace(point.superstep + 1, node)
        thread_id = self.entry.get("thread_id")
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": namespace}}

    def _ref(self, checkpoint_id: str | None) -> dict[str, Any] | None:
        config = self._config(checkpoint_id)
        if config is None:
            return None
        keys = ("checkpoint_id", "thread_id", "checkpoint_ns", "checkpoint_map")
        return {k: config["configurable"][k] for k in keys if k in config["configurable"]}

    def _debug(self, step: int, kind: str, payload: dict[str, Any], at: Any) -> dict[str, Any]:
        """LangGraph's debug wrapper; the time is the durable step's (when known)."""
        timestamp = at or self.entry.get("updated_at") or self.entry.get("created_at")
        return {"step": step, "timestamp": timestamp, "type": kind, "payload": payload}


def _state_as_checkpoint(task: dict[str, Any]) -> dict[str, Any]:
    state = task.get("state")
    if not state:
        return task
    rest = {k: v for k, v in task.items() if k != "state"}
    return {**rest, "checkpoint": state["configurable"]}


def superstep_modes_of(
    now: ThreadNow,
    entry: dict[str, Any],
    view: InstanceView,
    modes: list[str],
    registration: GraphRegistration,
) -> SuperstepModes:
    """The run's superstep modes, with its thread's checkpoints read from `view` (the
    instance's step log): the checkpoints `/history` lists for the same run."""
    subgraphs = bool((entry.get("kwargs") or {}).get("subgraphs"))
    wanted = frozenset(modes) & SUPERSTEP_MODES
    if not wanted and not subgraphs:
        return SuperstepModes(frozenset())
    now.views[view.instance_id] = view
    return SuperstepModes(
        wanted,
        entry,
        view,
        now.checkpoints_of(entry),
        dict(now.record.get("metadata") or {}),
        set(registration.manifest.reducers),
        frozenset(registration.subgraphs),
        checkpointed=not (entry.get("kwargs") or {}).get("temporary"),
    )
