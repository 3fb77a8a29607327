"""The orchestrator every new run executes (engine 2: LangGraph's supersteps).

Deterministic by construction: it reads only the manifest, its input and
activity results; sets custom status; calls activities and sub-orchestrations;
waits on durable timers and on the run's inbox. No user code, no wall clock,
no I/O, no randomness, so replay always takes the same path.

A run's life: supersteps until nothing is active. Between supersteps it may
wait for a graph event (a route's `wait_for_event`), and every
`steps_per_execution` supersteps it continues as new with its progress carried
in the input, so no single history grows without bound. Runs started by 0.1.0
(input without ``"engine"``) replay through the sealed loop in compat/engine_v1,
which app.py dispatches to.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

from azure.durable_functions import EntityId

from ..errors import DurableGraphError, GraphRunFailed, StepLimitExceeded
from ..graph.handoff import NO_PARENT, PARENT_COMMAND
from ..graph.manifest import GraphManifest, GraphRegistration
from ..graph.routing import COMPLETE
from . import admission
from .breakpoints import continue_options, effective, matches, pause_id
from .inbox import Inbox
from .progress import Progress
from .protocol import (
    ENGINE_V2,
    EVENT_HANDLER_ACTIVITY,
    STEP_LOG_BATCH,
    STEPS_ADD,
    STEPS_ADD_BATCH,
    STEPS_ENTITY,
    Applied,
    CustomStatus,
    EventRequest,
    Failed,
    Rejected,
    RunInput,
    StepRecord,
    Target,
    WaitDecision,
    Waiting,
    entity_key,
    failure,
    parse_result,
)
from .sdk_surface import DurableTask, OrchestrationContext, TimerTask, utc_now
from .status_size import bounded_status
from .superstep import Superstep
from .targets import plain, plan_next


def run_graph(
    context: OrchestrationContext,
    manifest: GraphManifest,
    run: RunInput,
    limit: tuple[int, str | None] | None = None,
) -> Generator[DurableTask, object, dict[str, Any] | None]:
    """One execution of an engine-2 run (app.py dispatches runs by engine number).

    `limit` is the supersteps the run may take and the error past them (`step_limit`).
    """
    return (yield from _Run(context, manifest, run, limit).execute())


def step_limit(registration: GraphRegistration, run: RunInput) -> tuple[int, str | None]:
    """Supersteps the run may take, and the error when it would take more (None: the
    engine's StepLimitExceeded). A codec with `step_limit(config)` (the LangGraph adapter's:
    LangGraph's `recursion_limit` and GraphRecursionError) decides for runs started with
    a config; older runs keep the manifest's max_steps."""
    hook = getattr(registration.codec, "step_limit", None)
    if run.config is None or hook is None:
        return registration.manifest.max_steps, None
    limit, message = hook(run.config)
    return int(limit), str(message)


class _Run:
    """One execution of an engine-v2 run."""

    def __init__(
        self,
        context: OrchestrationContext,
        manifest: GraphManifest,
        run: RunInput,
        limit: tuple[int, str | None] | None = None,
    ) -> None:
        self.context = context
        self.manifest = manifest
        self.run = run
        self.max_steps, self.limit_error = limit or (manifest.max_steps, None)
        self.pinned: dict[str, Any] = {"graph_name": run.graph_name, "graph_hash": run.graph_hash}
        if run.options is not None:
            self.pinned["run"] = run.options
        if run.record_steps:  # its subgraph runs keep a step log too (the Agent Server
            # streams their steps: agent_server/subgraph_events.py)
            self.pinned["child_log"] = {
                "record_steps": True,
                "step_log_batched": True,
                "log_id": run.log_id,
            }
            if run.step_log_live:  # and keep it up to date as the parent does: a subgraph
                # waiting inside a subgraph shows its parent's steps so far
                self.pinned["child_log"]["step_log_live"] = True
        if run.progress is not None:
            self.progress = Progress.from_dict(run.progress)
        else:
            self.progress = Progress(state=run.state, active=[plain(manifest.entrypoint)])
        self.per_execution = run.steps_per_execution or manifest.steps_per_execution
        self.step: Superstep | None = None
        self.waiting: Waiting | None = None
        self.paused: dict[str, Any] | None = None  # the breakpoint the run waits at
        self.event: dict[str, Any] | None = None  # what the last event wait took, for the log
        self.failure: str | None = None  # the class name of the error the run ends with
        self.unlogged: list[StepRecord] = []  # step records not written yet (batched log)
        self.logged = 0  # records this execution has sent to its step log (custom status)
        self.lock_paused = False  # waiting at an interrupt with the thread's lock paused
        self.inbox = Inbox(context, self.progress.inbox, self.publish, on_idle=self._idle)

    def execute(self) -> Generator[DurableTask, object, dict[str, Any] | None]:
        """Run supersteps. A failure's class name goes to the custom status (`error_type`)
        before it ends the orchestration (whose output keeps only the message), so the
        run's resource can show both; the step records kept so far are written with it.
        A run on an Agent Server thread is admitted by the thread's lock first, and
        releases it when it ends (admission.py)."""
        try:
            if self.run.admission is not None and self.run.thread_id is not None:
                go, result = yield from admission.admitted(self.context, self.run)
                if not go:
                    return result
            result = yield from self._supersteps()
            if result is not None:  # None: it continued as new, still owning the thread
                yield from admission.finish(self.context, self.run)
            return result
        except DurableGraphError as exc:
            error_type = exc.error_type if isinstance(exc, GraphRunFailed) else type(exc).__name__
            self.failure = error_type
            self.publish()
            self._write_log()  # the steps before the failure stay listed
            admission.release(self.context, self.run)
            raise
        except Exception:
            self._write_log()
            admission.release(self.context, self.run)
            raise

    def _supersteps(self) -> Generator[DurableTask, object, dict[str, Any] | None]:
        progress = self.progress
        done_here = 0
        if not progress.log_started:
            # A copy: the run changes its state before a batched log is sent (and the SDK
            # serialises a signal's input only when the episode ends). Values are replaced,
            # never changed in place, so the other records need no copy.
            start = dict(progress.state)
            self._log({"kind": "start", "superstep": progress.superstep, "state": start})
            progress.log_started = True
        while progress.active:
            if done_here >= self.per_execution:
                yield from self.inbox.drain_history()
                self._write_log()
                progress.executions += 1
                self.publish()
                self.context.continue_as_new(self.run.continued(progress.to_dict()))
                return None
            if progress.superstep >= self.max_steps:
                if self.limit_error is not None:
                    raise GraphRunFailed("GraphRecursionError", self.limit_error)
                raise StepLimitExceeded(
                    self.manifest.graph_name, self.manifest.max_steps, progress.active[0]["node"]
                )
            yield from self._breakpoint("before", [task["node"] for task in progress.active])
            progress.superstep += 1
            done_here += 1
            progress.path.extend(task["node"] for task in progress.active)
            progress.last_node = progress.active[-1]["node"]
            self.step = Superstep(
                self.context, self.manifest, self.pinned, self.inbox, progress, self.publish
            )
            started_at = self._now()
            outcome = yield from self.step.run()
            tasks = self.step.summary()
            self.step = None
            self._change(outcome.set, outcome.unset)
            targets = outcome.targets
            if PARENT_COMMAND in progress.state:  # a node handed a command to the parent graph
                if not self.run.subgraph:
                    raise GraphRunFailed("ParentCommand", NO_PARENT)
                targets, outcome.wait, progress.deferred = [], None, []
            record: StepRecord = {
                "kind": "step",
                "superstep": progress.superstep,
                "execution": progress.executions,
                "nodes": [task["node"] for task in tasks],
                "tasks": tasks,
                "started_at": started_at,
                "ended_at": self._now(),
                "set": outcome.set,
                "unset": outcome.unset,
                "wait": outcome.wait,
            }
            if outcome.wait is not None:
                # Logged before the wait, so the running state shows what the step did.
                self._log(record)
                targets = yield from self._wait_for_event(outcome.wait)
                record = {"kind": "event", "superstep": progress.superstep, "event": self.event}
            progress.active, progress.deferred = plan_next(
                targets, progress.deferred, self.manifest
            )
            self._log({**record, "next": progress.active, "deferred": progress.deferred})
            if progress.active:  # LangGraph's pause after the last node ends the run anyway
                yield from self._breakpoint("after", [task["node"] for task in tasks])
        self._write_log()
        self.publish()
        return {
            "graph": self.manifest.graph_name,
            "version": self.manifest.version,
            "hash": self.manifest.graph_hash,
            "final_node": progress.last_node,
            "steps": progress.superstep,
            "supersteps": progress.superstep,
            "path": progress.path,
            "state": progress.state,
        }

    def _now(self) -> str:
        return utc_now(self.context).isoformat()

    def _log(self, record: StepRecord) -> None:
        """Keep a step record for the step log of this execution (see steplog.py)."""
        if not self.run.record_steps:
            return
        if not self.run.step_log_batched:  # a run started before batching: as it recorded
            self._signal_log(STEPS_ADD, record)
            return
        self.unlogged.append(record)
        steps = sum(1 for r in self.unlogged if r["kind"] == "step")
        if self.run.step_log_live or steps >= STEP_LOG_BATCH:  # live: each record as made
            self._write_log()

    def _idle(self) -> None:
        """About to wait for the outside world; at an interrupt, the thread is free."""
        self._write_log()
        at_interrupt = self.step is not None and bool(self.step.interrupts)
        if (at_interrupt or self.paused is not None) and not self.lock_paused:
            admission.pause(self.context, self.run)
            self.lock_paused = True

    def _write_log(self) -> None:
        """Signal the records kept so far in one operation (fire and forget; see steplog.py).

        Called when the run goes idle (a wait for an event, a resume or a timer), before
        it continues as new, when it ends or fails, and every `STEP_LOG_BATCH` supersteps.
        """
        if self.unlogged:
            self._signal_log(STEPS_ADD_BATCH, self.unlogged)
            self.unlogged = []

    def _signal_log(self, operation: str, value: object) -> None:
        key = entity_key(self.context.instance_id, self.progress.executions, self.run.log_id)
        self.context.signal_entity(EntityId(STEPS_ENTITY, key), operation, value)
        self.logged += len(value) if isinstance(value, list) else 1
        self.publish()  # "logged" never lags what was sent (api/step_log_cache.py)

    def _change(self, changed: dict[str, Any], removed: list[str]) -> None:
        state = self.progress.state
        state.update(changed)
        for key in removed:
            state.pop(key, None)

    def _breakpoint(self, when: str, nodes: list[str]) -> Generator[DurableTask, object, None]:
        """Pause at LangGraph's `interrupt_before`/`interrupt_after` (breakpoints.py) until
        a resume answers the pause; its answer may set the breakpoints of the rest."""
        progress = self.progress
        if self.run.subgraph:
            return  # a child's own breakpoints are refused at build time; a run's stay its own
        if when == "before" and progress.resuming:
            progress.resuming = False
            return
        listed = effective(
            when,
            progress.breakpoints,
            getattr(self.run, f"interrupt_{when}"),
            getattr(self.manifest, f"interrupt_{when}"),
        )
        hit = matches(nodes, listed)
        if not hit:
            return
        key = pause_id(self.context.instance_id, progress.executions, progress.superstep, when)
        self.paused = {"id": key, "node": hit[0], "value": None, "pause": when, "nodes": hit}
        try:
            while True:
                message = self.inbox.take(lambda m: m["kind"] == "resume")
                if message is None:
                    self.publish()
                    yield from self.inbox.next_message()
                    continue
                answers = message.get("answers") or {}
                unknown = [k for k in answers if k != key]
                if unknown:
                    progress.reject(message, f"no pending interrupt with id {unknown[0]!r}")
                if key in answers:
                    options = continue_options(answers[key])
                    if options is not None:
                        progress.breakpoints = options
                    # After a pause "after", the next superstep follows a resume: LangGraph
                    # does not pause before it; a pause "before" has just been passed.
                    progress.resuming = when == "after"
                    return
        finally:
            self.paused = None
            self.publish()

    def _wait_for_event(
        self, decision: WaitDecision
    ) -> Generator[DurableTask, object, list[Target]]:
        """Consume the wait's event from the inbox (FIFO), racing the timeout if any."""
        name = decision["event_name"]
        timer: TimerTask | None = None
        self.waiting = {"event_name": name, "resume_node": decision["resume_node"]}
        if decision.get("timeout_seconds") is not None:
            deadline = utc_now(self.context) + timedelta(seconds=decision["timeout_seconds"])
            self.waiting["timeout_node"] = decision["timeout_node"]
            self.waiting["deadline"] = deadline.isoformat()
            timer = self.context.create_timer(deadline)
        try:
            while True:
                message = self.inbox.take(lambda m: m["kind"] == "event" and m["name"] == name)
                if message is None:
                    self._reject_resumes()
                    self.publish()
                    arrived = yield from self.inbox.next_message(timer)
                    if not arrived:
                        target = decision["timeout_node"]
                        self.event = {"name": name, "timed_out": True, "at": self._now()}
                        return [] if target == COMPLETE else [plain(target)]
                    continue
                if (yield from self._apply_event(name, message)):
                    # The deadline may have passed while the accepted event's handler ran.
                    if timer is not None and not timer.is_completed:
                        timer.cancel()
                    return [plain(decision["resume_node"])]
        finally:
            self.waiting = None

    def _apply_event(
        self, name: str, message: dict[str, Any]
    ) -> Generator[DurableTask, object, bool]:
        request = EventRequest(
            graph_name=self.run.graph_name,
            graph_hash=self.run.graph_hash,
            event_name=name,
            payload=message.get("payload"),
            state=self.progress.state,
        )
        call = self.context.call_activity(EVENT_HANDLER_ACTIVITY, request, expected_type=dict)
        yield from self.inbox.wait_for(call)
        result = call.result
        if call.state.name == "FAILED" or not isinstance(result, dict):
            raise GraphRunFailed("ActivityFailed", str(result).strip())
        outcome = parse_result(result)
        if isinstance(outcome, Applied):
            changed, removed = outcome.set, outcome.unset
            self._change(changed, removed)
            self.event = {
                "name": name,
                "payload": message.get("payload"),
                "at": self._now(),
                "set": changed,
                "unset": removed,
            }
            return True
        if not isinstance(outcome, Rejected):
            raise failure(outcome.error if isinstance(outcome, Failed) else {})
        self.progress.reject(message, str(outcome.error.get("message", "rejected")))
        return False

    def _reject_resumes(self) -> None:
        while (message := self.inbox.take(lambda m: m["kind"] != "event")) is not None:
            resume = message["kind"] == "resume"
            reason = "no interrupt is pending" if resume else "not a graph event"
            self.progress.reject(message, reason)

    def publish(self) -> None:
        """The custom status: where the run is and what it holds (shape in docs/graphs.md).
        A run that let its thread go at an interrupt holds it again once resumed."""
        progress = self.progress
        step = self.step
        if self.lock_paused and self.paused is None and (step is None or not step.interrupts):
            admission.hold(self.context, self.run)
            self.lock_paused = False
        pending: dict[str, int] = {}
        for message in progress.inbox:
            if message["kind"] == "event":
                pending[message["name"]] = pending.get(message["name"], 0) + 1
        active = [task["node"] for task in progress.active]
        status = CustomStatus(
            graph=self.manifest.graph_name,
            version=self.manifest.version,
            hash=self.manifest.graph_hash,
            engine=ENGINE_V2,
            node=active[0] if active else progress.last_node,
            step=progress.superstep,
            active=active,
            waiting=self.waiting,
            interrupts=step.interrupts if step is not None else [],
            retry=step.retrying if step is not None else None,
            children=step.children if step is not None else [],
            pending_events=[{"name": n, "count": c} for n, c in pending.items()],
            rejected=progress.rejected[-5:],
            executions=progress.executions,
            logged=self.logged,
        )
        if self.paused is not None:
            status["interrupts"] = [self.paused]
        if self.failure is not None:
            status["error_type"] = self.failure
        self.context.set_custom_status(bounded_status(status))
