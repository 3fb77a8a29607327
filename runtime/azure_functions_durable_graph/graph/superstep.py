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
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import GraphRunFailed
from .codec import PRIOR_STATE_KEY
from .inbox import Inbox
from .manifest import GraphManifest, NodeDefinition
from .progress import ENGINE_V2, ORCHESTRATOR_NAME, Progress
from .tasks import APPLY_ACTIVITY, STEP_ACTIVITY, TASK_ACTIVITY
from .types import NodeTimeout

Result = dict[str, Any]


@dataclass
class _Slot:
    """One task of the superstep and what is known of it so far."""

    task: dict[str, Any]
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
    targets: list[dict[str, Any]]
    wait: dict[str, Any] | None


class Superstep:
    """Runs `progress.active` to completion; `publish` refreshes the custom status."""

    def __init__(
        self,
        context: Any,
        manifest: GraphManifest,
        pinned: Mapping[str, str],
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
            _Slot({**task, "index": i} if many else dict(task))
            for i, task in enumerate(progress.active)
        ]
        self.alone = not many and self._node(self.slots[0]).subgraph is None
        self.retrying: dict[str, Any] | None = None
        self.children: list[dict[str, Any]] = []

    def summary(self) -> list[dict[str, Any]]:
        """What each task did, for the step log: node, attempts, resumes and its update."""
        tasks = []
        for slot in self.slots:
            result = slot.result or {}
            entry: dict[str, Any] = {"node": slot.task["node"], "attempts": slot.attempt}
            if "arg" in slot.task:
                entry["arg"] = slot.task["arg"]
            if slot.resume:
                entry["resumes"] = list(slot.resume)
            if "handoff" in result:
                entry["error"] = result["handoff"]["error"]
            else:
                entry["update"] = result.get("set", {}) if self.alone else result.get("update", {})
            tasks.append(entry)
        return tasks

    @property
    def interrupts(self) -> list[dict[str, Any]]:
        return [s.interrupt for s in self.slots if s.interrupt is not None]

    def _node(self, slot: _Slot) -> NodeDefinition:
        return self.manifest.nodes[slot.task["node"]]

    def _now(self) -> datetime:
        moment: datetime = self.context.current_utc_datetime
        if moment.tzinfo is None:
            return moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)

    def run(self) -> Generator[Any, Any, Outcome]:
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
        first = self.slots[0].result or {}
        if self.alone and "handoff" not in first:
            return _outcome(first)
        return (yield from self._apply())

    # -- attempts ------------------------------------------------------------------------

    def _attempt(self, slots: list[_Slot]) -> Generator[Any, Any, None]:
        calls = [self._call(slot) for slot in slots]
        self.retrying = None
        self.publish()
        work = self.context.task_all([call for call, _ in calls])
        yield from self.inbox.wait_for(work)
        for slot, (call, timer) in zip(slots, calls, strict=True):
            if not call.is_completed:  # a failed sibling ended task_all early
                yield from self.inbox.wait_for(call)
            self._settle(slot, call, timer)

    def _call(self, slot: _Slot) -> tuple[Any, Any]:
        """The Durable task of one attempt, raced against the node's timeout if it has one."""
        node = self._node(slot)
        context = self.context
        task = slot.task
        if node.subgraph is not None:
            sub = node.subgraph
            shared = {k: self.progress.state[k] for k in sub["shared"] if k in self.progress.state}
            if isinstance(task.get("arg"), dict):  # a Send's argument is the child's input
                shared = dict(task["arg"])
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
            }
            work = context.call_sub_orchestrator(
                ORCHESTRATOR_NAME, child_input, instance_id=child_id, expected_type=dict
            )
        else:
            request: dict[str, Any] = {
                **self.pinned,
                "task": task,
                "attempt": slot.attempt,
                "resume": slot.resume,
            }
            if self.alone or "arg" not in task:
                request["state"] = self.progress.state
            activity = STEP_ACTIVITY if self.alone else TASK_ACTIVITY
            work = context.call_activity(activity, request, expected_type=dict)
        if node.timeout_seconds is None:
            return work, None
        timer = context.create_timer(self._now() + timedelta(seconds=node.timeout_seconds))
        return context.task_any([work, timer]), timer

    def _settle(self, slot: _Slot, call: Any, timer: Any) -> None:
        """Turn one attempt's completion into a result, a retry, an interrupt or a failure."""
        node = self._node(slot)
        if timer is not None:
            winner = call.result
            if winner is timer:
                seconds = node.timeout_seconds or 0.0
                error = self.manifest.error_forms.get(f"timeout:{node.name}") or {
                    "type": "NodeTimeout",
                    "message": str(NodeTimeout(node.name, seconds)),
                }
                retry = node.retry is not None and bool(node.retry.get("retry_timeouts"))
                return self._failed(slot, error, retryable=retry)
            timer.cancel()
            call = winner
        if call.state.name == "FAILED":  # a sub-orchestration or activity failed in Durable
            kind = "SubgraphFailed" if node.subgraph is not None else "ActivityFailed"
            message = str(call.result).strip()
            return self._failed(slot, {"type": kind, "message": message}, retryable=False)
        result = call.result
        if node.subgraph is not None:
            output = result if isinstance(result, Mapping) else {}
            child_state = output.get("state") or {}
            returned = node.subgraph.get("returns", node.subgraph["shared"])
            update = {k: child_state[k] for k in returned if k in child_state}
            update.update(node.subgraph.get("update") or {})
            if node.subgraph.get("state_key") and "arg" not in slot.task:
                update[node.subgraph["state_key"]] = child_state
            slot.result = {"ok": True, "update": update, "goto": []}
            return None
        if not isinstance(result, Mapping) or "ok" not in result:
            message = f"unexpected activity result {result!r}"
            return self._failed(slot, {"type": "InvalidActivityResult", "message": message}, False)
        if result["ok"]:
            slot.result = dict(result)
            return None
        if "interrupt" in result:
            pause = result["interrupt"]
            slot.interrupt = {
                "id": self._interrupt_id(slot, int(pause.get("index", 0))),
                "node": slot.task["node"],
                "value": pause.get("value"),
            }
            return None
        return self._failed(slot, dict(result.get("error") or {}), bool(result.get("retryable")))

    def _failed(self, slot: _Slot, error: dict[str, Any], retryable: bool) -> None:
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
            slot.result = {"ok": True, "handoff": {"node": node.on_error, "error": info}}
            return
        raise GraphRunFailed(str(error.get("type", "Error")), str(error.get("message", error)))

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

    def _wait_for_resume_or_retry(self) -> Generator[Any, Any, None]:
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
            if arrived and timer is not None:
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

    def _apply(self) -> Generator[Any, Any, Outcome]:
        updates = []
        handoffs: list[dict[str, Any]] = []
        for slot in self.slots:
            result = slot.result or {}
            if "handoff" in result:  # the node failed for good: its on_error node runs next
                handoffs.append(result["handoff"])
                continue
            updates.append(
                {"task": slot.task, "update": result.get("update", {}), "goto": result["goto"]}
            )
        if not updates:
            return Outcome({}, [], handoffs, None)
        request = {**self.pinned, "state": self.progress.state, "updates": updates}
        call = self.context.call_activity(APPLY_ACTIVITY, request, expected_type=dict)
        yield from self.inbox.wait_for(call)
        if call.state.name == "FAILED":
            raise GraphRunFailed("ActivityFailed", str(call.result).strip())
        result = call.result
        if not isinstance(result, Mapping) or not result.get("ok"):
            err = (result or {}).get("error") or {} if isinstance(result, Mapping) else {}
            raise GraphRunFailed(str(err.get("type", "Error")), str(err.get("message", result)))
        outcome = _outcome(result)
        outcome.targets.extend(handoffs)
        return outcome


def _outcome(result: Mapping[str, Any]) -> Outcome:
    return Outcome(
        set=dict(result.get("set") or {}),
        unset=list(result.get("unset") or []),
        targets=list(result.get("targets") or []),
        wait=result.get("wait"),
    )
