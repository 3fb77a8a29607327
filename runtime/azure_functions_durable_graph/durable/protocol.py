"""Every name and shape that crosses a Durable boundary, in one place.

The orchestrator, the activities, the step-log entity, the HTTP API, the CLI
and the inspector all meet here: function, activity, entity and event names,
the run's input (`RunInput`), the engine numbers that tell the two engines
apart, the activity requests and results (`parse_result` is the one reader of
a result), the custom status (`CustomStatus`, the shape the CLI and the
inspector read) and the step-log record (the SDK's own surface, as the engine
uses it, is typed in `sdk_surface.py`). The names of the registered functions are
defined in `names.py` (registering them imports nothing else) and re-exported here.
A renamed constant here is a changed history: runs in flight replay against these
names, so they never change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from typing_extensions import NotRequired

from ..errors import GraphRunFailed
from .breakpoints import normalised

# The registered functions' names (names.py), re-exported: importers find every name here.
from .names import APPLY_ACTIVITY as APPLY_ACTIVITY
from .names import EVENT_HANDLER_ACTIVITY as EVENT_HANDLER_ACTIVITY
from .names import ORCHESTRATOR_NAME as ORCHESTRATOR_NAME
from .names import STEP_ACTIVITY as STEP_ACTIVITY
from .names import STEPS_ENTITY as STEPS_ENTITY
from .names import TASK_ACTIVITY as TASK_ACTIVITY
from .names import V1_EVENT_ACTIVITY as V1_EVENT_ACTIVITY
from .names import V1_NODE_ACTIVITY as V1_NODE_ACTIVITY
from .wire import decode_json_text

#: Engine 1: the 0.1.0 loop (compat/engine_v1); its runs' input has no "engine" key.
ENGINE_V1 = 1
#: Engine 2: LangGraph's supersteps (this package).
ENGINE_V2 = 2

#: The step-log entity's operations: one record ("add", runs before issue 18), or a list.
STEPS_ADD, STEPS_ADD_BATCH = "add", "add_batch"
#: A batched step log is written at least every this many supersteps (see steplog.py).
STEP_LOG_BATCH = 10

#: The one Durable event name engine-2 runs listen to (see inbox.py).
INBOX_EVENT = "durable_graph_inbox"


def durable_event_name(engine: int, event_name: str) -> str:
    """The Durable event a graph event travels under for a run of `engine`.

    Engine 1 waits on the graph event's own name; engine 2 on its inbox.
    """
    return INBOX_EVENT if engine >= ENGINE_V2 else event_name


def entity_key(instance_id: str, execution: int, log_id: str | None = None) -> str:
    """The step-log entity key of one execution of a run; without a log id (runs started
    before log ids), the key those runs were recorded under."""
    if log_id:
        return f"{instance_id}|{log_id}|{execution}"
    return f"{instance_id}|{execution}"


@dataclass(frozen=True)
class RunInput:
    """What a run pins: graph name and hash, and how it starts or continues."""

    graph_name: str
    graph_hash: str
    state: dict[str, Any]
    engine: int = ENGINE_V2
    #: The step log is written in batches; False in runs started before issue 18, which
    #: signal once per superstep and must keep doing so on replay.
    step_log_batched: bool = True
    #: Write each step record as it is made (a run a client follows live by superstep:
    #: agent_server/live_stream.py); False, the default, keeps the batches (and the
    #: inputs recorded before it existed).
    step_log_live: bool = False
    steps_per_execution: int | None = None
    progress: dict[str, Any] | None = None
    record_steps: bool = False
    log_id: str | None = None  # the step log's id (steplog.py); absent in older runs
    #: LangGraph's run config (recursion_limit, configurable, ...); None: not given (older runs).
    config: dict[str, Any] | None = None
    #: LangGraph's run context (any JSON), pinned with the config.
    context: Any = None
    #: Started by a parent graph's superstep (it may hand a command back: graph/handoff.py).
    subgraph: bool = False
    #: LangGraph's run-time breakpoints (durable/breakpoints.py): "*" or node names; None:
    #: the graph's own (older runs have none).
    interrupt_before: list[str] | str | None = None
    interrupt_after: list[str] | str | None = None
    #: The Agent Server thread whose run lock the run holds (admission.py); None: no thread.
    thread_id: str | None = None
    #: Ask the thread's lock first: {"strategy", "generation", "poll_seconds"} (first
    #: execution only).
    admission: dict[str, Any] | None = None

    @property
    def options(self) -> RunOptions | None:
        """What every activity of the run gets as ``"run"`` (None for older runs)."""
        if self.config is None:
            return None
        return RunOptions(config=self.config, context=self.context)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "graph_name": self.graph_name,
            "graph_hash": self.graph_hash,
            "state": self.state,
        }
        if self.engine >= ENGINE_V2:
            data["engine"] = self.engine
            data["step_log_batched"] = self.step_log_batched
            if self.step_log_live:
                data["step_log_live"] = True
            data["steps_per_execution"] = self.steps_per_execution
            data["record_steps"] = self.record_steps
            if self.log_id is not None:
                data["log_id"] = self.log_id
        if self.progress is not None:
            data["progress"] = self.progress
        if self.config is not None:
            data["config"] = self.config
            data["context"] = self.context
        if self.subgraph:
            data["subgraph"] = True
        if self.interrupt_before:
            data["interrupt_before"] = self.interrupt_before
        if self.interrupt_after:
            data["interrupt_after"] = self.interrupt_after
        if self.thread_id is not None:
            data["thread_id"] = self.thread_id
        if self.admission is not None:
            data["admission"] = self.admission
        return data

    def continued(self, progress: Mapping[str, Any]) -> dict[str, Any]:
        """The input of the next execution after a continue-as-new (`progress` as a dict)."""
        data = {**self.to_dict(), "state": {}, "progress": dict(progress)}
        data.pop("admission", None)
        return data

    @classmethod
    def parse(cls, value: Any) -> RunInput:
        value = decode_json_text(value)
        if (
            not isinstance(value, Mapping)
            or not isinstance(value.get("graph_name"), str)
            or not isinstance(value.get("graph_hash"), str)
            or not isinstance(value.get("state"), Mapping)
        ):
            raise GraphRunFailed(
                "InvalidRunInput",
                'a graph run\'s input must be {"graph_name": str, "graph_hash": str, '
                f'"state": object}}; got {value!r}',
            )
        engine = value.get("engine", ENGINE_V1)
        per_execution = value.get("steps_per_execution")
        progress = value.get("progress")
        return cls(
            value["graph_name"],
            value["graph_hash"],
            dict(value["state"]),
            engine=engine if isinstance(engine, int) else ENGINE_V1,
            step_log_batched=value.get("step_log_batched") is True,
            step_log_live=value.get("step_log_live") is True,
            steps_per_execution=per_execution if isinstance(per_execution, int) else None,
            progress=dict(progress) if isinstance(progress, Mapping) else None,
            record_steps=value.get("record_steps") is True,
            log_id=value["log_id"] if isinstance(value.get("log_id"), str) else None,
            config=dict(value["config"]) if isinstance(value.get("config"), Mapping) else None,
            context=value.get("context"),
            subgraph=value.get("subgraph") is True,
            interrupt_before=normalised(value.get("interrupt_before")) or None,
            interrupt_after=normalised(value.get("interrupt_after")) or None,
            thread_id=value["thread_id"] if isinstance(value.get("thread_id"), str) else None,
            admission=dict(admission)
            if isinstance(admission := value.get("admission"), Mapping)
            else None,
        )


# -- what the run shows: custom status and step-log records ---------------------------------


class Waiting(TypedDict):
    event_name: str
    resume_node: str
    timeout_node: NotRequired[str]
    deadline: NotRequired[str]  # ISO 8601, UTC


class CustomStatus(TypedDict):
    """An engine-2 run's custom status: THE shape the API, the CLI and the inspector read.

    api/status.py, cli/ and inspector/static/app.js follow this definition. Engine-1
    runs publish only ``graph, version, hash, node, step, waiting`` (no ``engine``).
    ``interrupts`` items are ``{"id", "node", "value"}`` (a value over the size limit
    becomes ``{"elided": true, "bytes": n}``); a run paused at a breakpoint
    (breakpoints.py) shows one item with ``value`` null, ``"pause": "before"|"after"``
    and ``"nodes"``; ``retry`` is null or ``{"node",
    "attempt", "next_attempt_at", "last_error"}``; ``children`` items ``{"node",
    "instance_id"}``; ``pending_events`` items ``{"name", "count"}``; ``rejected``
    items ``{"kind", "name"|"answers", "reason"}`` (the last five). Every list shows at
    most its first 50 items (status_size.py): then ``truncated`` is true and ``counts``
    says how many there are.
    """

    graph: str
    version: str
    hash: str
    engine: int
    node: str
    step: int
    active: list[str]
    waiting: Waiting | None
    interrupts: list[dict[str, Any]]
    retry: dict[str, Any] | None
    children: list[dict[str, Any]]
    pending_events: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
    executions: int
    #: Step records the current execution has sent to its step log so far (the API reads
    #: the log again only when this changes; absent in runs published before issue 18).
    logged: NotRequired[int]
    truncated: NotRequired[bool]  # a list was cut to its first items (status_size.py)
    counts: NotRequired[dict[str, int]]  # how many items the cut lists really have
    #: The class name of the error the run fails with, set just before it fails.
    error_type: NotRequired[str]


class StepRecord(TypedDict, total=False):
    """One record of the step log (steplog.py): ``kind`` "start", "step" or "event".

    "start" carries ``superstep`` and ``state``; "step" what the superstep did
    (``set``/``unset``, ``tasks``, times, ``wait``); "event" what its wait took;
    "step" and "event" records end with ``next`` and ``deferred``.
    """

    kind: str
    superstep: int
    state: dict[str, Any]
    execution: int
    nodes: list[str]
    tasks: list[dict[str, Any]]
    started_at: str
    ended_at: str
    set: dict[str, Any]
    unset: list[str]
    wait: WaitDecision | None
    event: dict[str, Any] | None
    next: list[Target]
    deferred: list[str]


# -- activity requests ---------------------------------------------------------------------


class Target(TypedDict):
    """Where the run goes next: a node, with a Send's argument or an on_error hand-off."""

    node: str
    arg: NotRequired[Any]
    error: NotRequired[dict[str, Any]]
    index: NotRequired[int]


class WaitDecision(TypedDict):
    """A route's wait_for_event (RouteDecision.to_dict); timeout keys only with a timeout."""

    kind: str
    next_node: str | None
    event_name: str
    resume_node: str
    timeout_seconds: NotRequired[float]
    timeout_node: NotRequired[str]


class Pinned(TypedDict):
    graph_name: str
    graph_hash: str


class RunOptions(TypedDict):
    """A run's LangGraph inputs, in every activity request as ``"run"`` (graph/run_context.py)."""

    config: dict[str, Any]
    context: Any


class TaskRequest(Pinned):
    """STEP and TASK: one task, its attempt and its resume answers (state unless a Send's
    to a node that does not read it), the superstep and the run's options."""

    task: Target
    attempt: int
    resume: list[Any]
    state: NotRequired[dict[str, Any]]
    superstep: NotRequired[int]
    run: NotRequired[RunOptions]


class UpdateEntry(TypedDict):
    task: Target
    update: dict[str, Any]
    goto: list[Target]


class ApplyRequest(Pinned):
    state: dict[str, Any]
    updates: list[UpdateEntry]
    superstep: NotRequired[int]
    run: NotRequired[RunOptions]


class EventRequest(Pinned):
    event_name: str
    payload: Any
    state: dict[str, Any]


# -- activity results ----------------------------------------------------------------------
# The wire forms (each activity returns one of these) and the typed outcomes the
# orchestrator reads them into, with `parse_result`.


class ActivityError(TypedDict, total=False):
    type: str
    message: str
    node: str | None


class AppliedResult(TypedDict):
    """STEP, APPLY (and EVENT without targets): the changed fields and where to go next."""

    ok: Literal[True]
    set: dict[str, Any]
    unset: list[str]
    targets: NotRequired[list[Target]]
    wait: NotRequired[WaitDecision]


class TaskResult(TypedDict):
    """TASK: the node's update, applied later by APPLY with its siblings'."""

    ok: Literal[True]
    update: dict[str, Any]
    goto: list[Target]


class InterruptedResult(TypedDict):
    ok: Literal[False]
    interrupt: dict[str, Any]  # {"value", "index"}


class FailedResult(TypedDict):
    ok: Literal[False]
    error: ActivityError
    retryable: bool


class RejectedResult(TypedDict):
    """EVENT: the handler failed; the event is rejected and the run keeps waiting."""

    ok: Literal[False]
    rejected: Literal[True]
    error: ActivityError


ActivityResult = AppliedResult | TaskResult | InterruptedResult | FailedResult | RejectedResult


@dataclass
class Applied:
    set: dict[str, Any]
    unset: list[str]
    targets: list[Target]
    wait: WaitDecision | None


@dataclass
class TaskDone:
    update: dict[str, Any]
    goto: list[Target]


@dataclass
class Interrupted:
    value: Any
    index: int


@dataclass
class Failed:
    error: ActivityError
    retryable: bool


@dataclass
class Rejected:
    error: ActivityError


@dataclass
class Handoff:
    """Not a wire result: a task that failed for good, handed to its on_error node."""

    target: Target


ActivityOutcome = Applied | TaskDone | Interrupted | Failed | Rejected


def parse_result(raw: object) -> ActivityOutcome:
    """An activity's result as a typed outcome; `GraphRunFailed` when it is not one."""
    if not isinstance(raw, Mapping) or "ok" not in raw:
        raise GraphRunFailed("InvalidActivityResult", f"unexpected activity result {raw!r}")
    if raw["ok"]:
        if "update" in raw:
            return TaskDone(dict(raw["update"] or {}), list(raw.get("goto") or []))
        wait = raw.get("wait")
        return Applied(
            set=dict(raw.get("set") or {}),
            unset=list(raw.get("unset") or []),
            targets=list(raw.get("targets") or []),
            wait=wait,
        )
    error: ActivityError = dict(raw.get("error") or {})  # type: ignore[assignment]
    if "interrupt" in raw:
        pause = raw["interrupt"]
        return Interrupted(pause.get("value"), int(pause.get("index", 0)))
    if raw.get("rejected"):
        return Rejected(error)
    return Failed(error, bool(raw.get("retryable")))


def failure(error: ActivityError, default_message: object = "") -> GraphRunFailed:
    """The run's failure for an activity error (its type and message)."""
    return GraphRunFailed(
        str(error.get("type", "Error")), str(error.get("message", default_message))
    )
