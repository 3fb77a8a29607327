"""One superstep, as the orchestrator runs it: tasks, retries, timeouts, interrupts.

Deterministic: it reads the manifest, activity results and the orchestration
clock only. Each task runs as an activity (or a sub-orchestration for a
subgraph node); a task alone in its superstep runs as one STEP activity that
also applies its update and route, several tasks run as TASK activities
followed by one APPLY. Failed attempts wait on durable timers; interrupted
tasks wait for resumes in the inbox; the superstep ends when every task has a
result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from ..errors import GraphRunFailed, NodeTimeoutError
from ..graph.codec import PRIOR_STATE_KEY
from ..graph.handoff import parent_result
from ..graph.manifest import GraphManifest, NodeDefinition
from .inbox import Inbox
from .progress import Progress
from .protocol import (
    APPLY_ACTIVITY,
    ENGINE_V2,
    ORCHESTRATOR_NAME,
    STEP_ACTIVITY,
    TASK_ACTIVITY,
    ActivityError,
    Applied,
    ApplyRequest,
    Failed,
    Handoff,
    Interrupted,
    Rejected,
    Target,
    TaskDone,
    TaskRequest,
    UpdateEntry,
    WaitDecision,
    failure,
    parse_result,
)
from .sdk_surface import DurableTask, OrchestrationContext, TimerTask, utc_now

Result = Applied | TaskDone | Handoff

#: The configurable key naming the subgraph run a node runs in (its instance id), so
#: what the node streams can be told from its parent's (agent_server/subgraph_events.py).
SUBGRAPH_RUN_KEY = "__durable_graph_subgraph_run__"


def _in_child(config: Any, child_id: str) -> Any:
    """The run config a subgraph run gets: its parent's, naming the child run."""
    if not isinstance(config, Mapping):
        return config
    configurable = {**dict(config.get("configurable") or {}), SUBGRAPH_RUN_KEY: child_id}
    return {**config, "configurable": configurable}


@dataclass
class _Slot:
    """One task of the superstep and what is known of it so far."""

    task: Target
    attempt: int = 1
    due: datetime | None = None
    resume: list[Any] = field(default_factory=list)
    interrupt: dict[str, Any] | None = None  # pending {"id", "node", "value"}
    result: Result | None = None


@dataclass
class Outcome:
    """The applied superstep: fields that changed, and where the run goes next."""

    set: dict[str, Any]
    unset: list[str]
    targets: list[Target]
    wait: WaitDecision | None


class Superstep:
    """Runs `progress.active` to completion; `publish` refreshes the custom status."""

    def __init__(
        self,
        context: OrchestrationContext,
        manifest: GraphManifest,
        pinned: Mapping[str, Any],
        inbox: Inbox,
        progress: Progress,
        publish: Callable[[], None],
    ) -> None:
        self.context = context
        self.manifest = manifest
        self.pinned = dict(pinned)
        self.inbox = inbox
        self.progress = progress
        self.publish = publish
        many = len(progress.active) > 1
        self.slots = [
            _Slot(cast(Target, {**task, "index": i}) if many else cast(Target, dict(task)))
            for i, task in enumerate(progress.active)
        ]
        self.alone = not many and self._node(self.slots[0]).subgraph is None
        self.retrying: dict[str, Any] | None = None
        self.children: list[dict[str, Any]] = []

    def summary(self) -> list[dict[str, Any]]:
        """What each task did, for the step log: node, attempts, resumes and its update."""
        tasks = []
        for slot in self.slots:
            result = slot.result
            entry: dict[str, Any] = {"node": slot.task["node"], "attempts": slot.attempt}
            if "arg" in slot.task:
                entry["arg"] = slot.task["arg"]
            if slot.resume:
                entry["resumes"] = list(slot.resume)
            if isinstance(result, Handoff):
                entry["error"] = result.target.get("error")
            elif isinstance(result, Applied):
                entry["update"] = result.set if self.alone else {}
            elif isinstance(result, TaskDone):
                entry["update"] = {} if self.alone else result.update
            else:
                entry["update"] = {}
            tasks.append(entry)
        return tasks

    @property
    def interrupts(self) -> list[dict[str, Any]]:
        return [s.interrupt for s in self.slots if s.interrupt is not None]

    def _node(self, slot: _Slot) -> NodeDefinition:
        return self.manifest.nodes[slot.task["node"]]

    def _now(self) -> datetime:
        return utc_now(self.context)

    def run(self) -> Generator[DurableTask, object, Outcome]:
        while any(s.result is None for s in self.slots):
            self._reject_stale_resumes()
            now = self._now()
            ready = [
                s
                for s in self.slots
                if s.result is None and s.interrupt is None and (s.due is None or s.due <= now)
            ]
            if ready:
                yield from self._attempt(ready)
                continue
            yield from self._wait_for_resume_or_retry()
        first = self.slots[0].result
        if self.alone and isinstance(first, Applied):
            return Outcome(first.set, first.unset, first.targets, first.wait)
        return (yield from self._apply())

    # -- attempts ------------------------------------------------------------------------

    def _attempt(self, slots: list[_Slot]) -> Generator[DurableTask, object, None]:
        calls = [self._call(slot) for slot in slots]
        self.retrying = None
        self.publish()
        work = self.context.task_all([call for call, _ in calls])
        yield from self.inbox.wait_for(work)
        for slot, (call, timer) in zip(slots, calls, strict=True):
            if not call.is_completed:  # a failed sibling ended task_all early
                yield from self.inbox.wait_for(call)
            self._settle(slot, call, timer)

    def _call(self, slot: _Slot) -> tuple[DurableTask, TimerTask | None]:
        """The Durable task of one attempt, raced against the node's timeout if it has one."""
        node = self._node(slot)
        context = self.context
        task = slot.task
        if node.subgraph is not None:
            sub = node.subgraph
            shared = {k: self.progress.state[k] for k in sub["shared"] if k in self.progress.state}
            arg = task.get("arg")
            if isinstance(arg, dict):  # a Send's argument is the child's input
                shared = dict(arg)
            elif sub.get("state_key") in self.progress.state:  # a stateful subgraph
                shared[PRIOR_STATE_KEY] = self.progress.state[sub["state_key"]]
            child_id = (
                f"{context.instance_id}:{task['node']}:{self.progress.executions}."
                f"{self.progress.superstep}.{task.get('index', 0)}.{slot.attempt}"
            )
            self.children.append({"node": task["node"], "instance_id": child_id})
            child_input = {
                "graph_name": sub["graph_name"],
                "graph_hash": sub["graph_hash"],
                "state": shared,
                "engine": ENGINE_V2,
                "steps_per_execution": self.manifest.steps_per_execution,
                "subgraph": True,
            }
            if "run" in self.pinned:  # LangGraph passes its config and context to subgraphs
                child_input.update(self.pinned["run"])
                child_input["config"] = _in_child(child_input["config"], child_id)
            child_input.update(self.pinned.get("child_log") or {})
            work = context.call_sub_orchestrator(
                ORCHESTRATOR_NAME, child_input, instance_id=child_id, expected_type=dict
            )
        else:
            request = TaskRequest(
                graph_name=self.pinned["graph_name"],
                graph_hash=self.pinned["graph_hash"],
                task=task,
                attempt=slot.attempt,
                resume=slot.resume,
                superstep=self.progress.superstep,
            )
            if "run" in self.pinned:
                request["run"] = self.pinned["run"]
            if self.alone or "arg" not in task or node.send_reads_state:
                request["state"] = self.progress.state
            activity = STEP_ACTIVITY if self.alone else TASK_ACTIVITY
            work = context.call_activity(activity, request, expected_type=dict)
        if node.timeout_seconds is None:
            return work, None
        timer = context.create_timer(self._now() + timedelta(seconds=node.timeout_seconds))
        return context.task_any([work, timer]), timer

    def _settle(self, slot: _Slot, call: DurableTask, timer: TimerTask | None) -> None:
        """Turn one attempt's completion into a result, a retry, an interrupt or a failure."""
        node = self._node(slot)
        if timer is not None:
            winner = call.result
            if winner is timer:
                seconds = node.timeout_seconds or 0.0
                form = self.manifest.error_forms.get(f"timeout:{node.name}")
                error = (
                    ActivityError(type=form["type"], message=form["message"])
                    if form is not None
                    else ActivityError(
                        type="NodeTimeout", message=str(NodeTimeoutError(node.name, seconds))
                    )
                )
                retry = node.retry is not None and bool(node.retry.get("retry_timeouts"))
                return self._failed(slot, error, retryable=retry)
            if not timer.is_completed:  # it may have fired while a sibling still ran
                timer.cancel()
            call = winner  # type: ignore[assignment]  # task_any's result is the winning task
        if call.state.name == "FAILED":  # a sub-orchestration or activity failed in Durable
            kind = "SubgraphFailed" if node.subgraph is not None else "ActivityFailed"
            message = str(call.result).strip()
            return self._failed(slot, ActivityError(type=kind, message=message), retryable=False)
        result = call.result
        if node.subgraph is not None:
            output = result if isinstance(result, Mapping) else {}
            child_state = output.get("state") or {}
            handed = parent_result(child_state)  # the child commanded this graph
            if handed is not None:
                slot.result = TaskDone(*handed)
                return None
            returned = node.subgraph.get("returns", node.subgraph["shared"])
            update = {k: child_state[k] for k in returned if k in child_state}
            update.update(node.subgraph.get("update") or {})
            if node.subgraph.get("state_key") and "arg" not in slot.task:
                update[node.subgraph["state_key"]] = child_state
            slot.result = TaskDone(update, [])
            return None
        try:
            outcome = parse_result(result)
        except GraphRunFailed as exc:
            error = ActivityError(type=exc.error_type, message=str(exc))
            return self._failed(slot, error, False)
        if isinstance(outcome, (Applied, TaskDone)):
            slot.result = outcome
            return None
        if isinstance(outcome, Interrupted):
            slot.interrupt = {
                "id": self._interrupt_id(slot, outcome.index),
                "node": slot.task["node"],
                "value": outcome.value,
            }
            return None
        retryable = outcome.retryable if isinstance(outcome, Failed) else False
        return self._failed(slot, outcome.error, retryable)

    def _failed(self, slot: _Slot, error: ActivityError, retryable: bool) -> None:
        node = self._node(slot)
        policy = node.retry
        if retryable and policy is not None and slot.attempt < int(policy["max_attempts"]):
            slot.due = self._now() + timedelta(seconds=self._backoff(slot, policy))
            slot.attempt += 1
            self.retrying = {
                "node": node.name,
                "attempt": slot.attempt,
                "next_attempt_at": slot.due.isoformat(),
                "last_error": error,
            }
            return
        if node.on_error is not None:
            info = {
                "node": node.name,
                "error_type": str(error.get("type", "Error")),
                "message": str(error.get("message", "")),
                "attempts": slot.attempt,
            }
            slot.result = Handoff(Target(node=node.on_error, error=info))
            return
        raise failure(error, error)

    def _backoff(self, slot: _Slot, policy: Mapping[str, Any]) -> float:
        """LangGraph's backoff, with jitter derived from the run so replay agrees."""
        interval = float(policy["initial_interval"]) * float(policy["backoff_factor"]) ** (
            slot.attempt - 1
        )
        interval = min(float(policy["max_interval"]), interval)
        if policy.get("jitter"):
            seed = f"{self.context.instance_id}:{self._key(slot)}:{slot.attempt}"
            fraction = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
            interval += fraction
        return interval

    def _key(self, slot: _Slot) -> str:
        return (
            f"{self.progress.executions}.{self.progress.superstep}."
            f"{slot.task.get('index', 0)}.{slot.task['node']}"
        )

    def _interrupt_id(self, slot: _Slot, index: int) -> str:
        seed = f"{self.context.instance_id}:{self._key(slot)}:{index}"
        return hashlib.sha256(seed.encode()).hexdigest()[:16]

    # -- waiting -------------------------------------------------------------------------

    def _wait_for_resume_or_retry(self) -> Generator[DurableTask, object, None]:
        """Nothing can run now: wait for a resume (if interrupted) or the next retry time."""
        pending = len(self.interrupts)
        self._take_resumes()  # answers that arrived while other tasks were running
        if len(self.interrupts) < pending:
            return
        dues = [s.due for s in self.slots if s.result is None and s.due is not None]
        timer = self.context.create_timer(min(dues)) if dues else None
        self.publish()
        if self.interrupts:
            arrived = yield from self.inbox.next_message(timer)
            if arrived and timer is not None and not timer.is_completed:
                timer.cancel()
            self._take_resumes()
            return
        assert timer is not None, "a superstep with nothing to run must be waiting for a retry"
        yield from self.inbox.wait_for(timer)

    def _take_resumes(self) -> None:
        while (message := self.inbox.take(lambda m: m["kind"] == "resume")) is not None:
            answers = message.get("answers") or {}
            by_id = {s.interrupt["id"]: s for s in self.slots if s.interrupt is not None}
            unknown = [key for key in answers if key not in by_id]
            if unknown:
                self.progress.reject(message, f"no pending interrupt with id {unknown[0]!r}")
            for key, value in answers.items():
                slot = by_id.get(key)
                if slot is not None:
                    slot.resume.append(value)
                    slot.interrupt = None
        self.publish()

    def _reject_stale_resumes(self) -> None:
        if not self.interrupts:
            while (message := self.inbox.take(lambda m: m["kind"] == "resume")) is not None:
                self.progress.reject(message, "no interrupt is pending")

    # -- applying ------------------------------------------------------------------------

    def _apply(self) -> Generator[DurableTask, object, Outcome]:
        updates: list[UpdateEntry] = []
        handoffs: list[Target] = []
        for slot in self.slots:
            result = slot.result
            if isinstance(result, Handoff):  # the node failed for good: its on_error node runs
                handoffs.append(result.target)
                continue
            done = result if isinstance(result, TaskDone) else TaskDone({}, [])
            updates.append(UpdateEntry(task=slot.task, update=done.update, goto=done.goto))
        if not updates:
            return Outcome({}, [], handoffs, None)
        request = ApplyRequest(
            graph_name=self.pinned["graph_name"],
            graph_hash=self.pinned["graph_hash"],
            state=self.progress.state,
            updates=updates,
            superstep=self.progress.superstep,
        )
        if "run" in self.pinned:
            request["run"] = self.pinned["run"]
        call = self.context.call_activity(APPLY_ACTIVITY, request, expected_type=dict)
        yield from self.inbox.wait_for(call)
        if call.state.name == "FAILED":
            raise GraphRunFailed("ActivityFailed", str(call.result).strip())
        raw = call.result
        outcome = parse_result(raw)
        if not isinstance(outcome, Applied):
            raise failure(outcome.error if isinstance(outcome, (Failed, Rejected)) else {}, raw)
        return Outcome(outcome.set, outcome.unset, [*outcome.targets, *handoffs], outcome.wait)
