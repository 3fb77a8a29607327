"""Starting a run on a thread: multitask strategy, resume, and the state a new run starts from.

A run with input starts a new durable instance from the thread's current values with
the input applied through the graph's reducers (so a chat keeps its messages); a run
with ``command.resume`` answers the interrupt the thread's paused instance waits on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..api import durable_calls as calls
from ..api.errors import ApiError
from ..api.resume import answers_for
from ..api.status import FINISHED, runtime_status_name
from ..durable.protocol import INBOX_EVENT, RunInput
from ..durable.steplog import new_log_id
from ..durable.targets import plain
from ..durable.wire import wrap_resume
from ..graph.manifest import GraphRegistration
from .assistants import assistant_id_of, resolve
from .checkpoints import Checkpoint
from .errors import AgentServerError, conflict, invalid, not_found
from .live_stream import superstep_modes
from .run_config import run_config
from .run_request import RunRequest
from .run_stop import give_way, stop_run
from .stream_channel import STREAM_MODES_KEY, channel_modes
from .thread_records import check_uuid, heal_lock, mutate, new_record, now_iso
from .thread_state import ThreadNow, compact, load, paused_at, settle, unanswered

if TYPE_CHECKING:
    from .server import Call

#: How long a request waits for the thread's lock to admit, queue or refuse its run.
DECISION_WAIT_SECONDS = 30.0
#: App setting: the longest pause (seconds) between a queued run's admission attempts.
QUEUE_POLL_SETTING = "DURABLE_GRAPH_THREAD_QUEUE_POLL_SECONDS"
logger = logging.getLogger("azure_functions_durable_graph")
BUSY = (
    "Thread is already running a task. Wait for it to finish or choose a different "
    "multitask strategy."
)


def run_change(
    client: Any, thread_id: str, entry: dict[str, Any], *, resume: bool
) -> Callable[[dict[str, Any] | None], Awaitable[dict[str, Any] | None]]:
    """Put `entry` into the thread's record (or refresh it, when it is there): earlier
    runs that ended are settled, a paused run it supersedes is marked ended."""

    async def change(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None:
            raise not_found("Thread or assistant not found.")
        timeline = record.get("timeline") or []
        mine = [i for i, e in enumerate(timeline) if e.get("run_id") == entry["run_id"]]
        earlier_part = timeline[: mine[0]] if mine else timeline
        current = await load(client, thread_id, {**record, "timeline": earlier_part}, full=False)
        for earlier in earlier_part:
            if earlier.get("kind") == "run" and earlier.get("status") is None:
                paused = earlier.get("instance_id") in (entry.get("supersedes") or [])
                if paused or (resume and earlier.get("instance_id") == entry.get("instance_id")):
                    earlier["status"] = "success"  # it ended at the interrupt this run answers
                elif not earlier.get("queued"):
                    settle(current, earlier)
        if mine:
            timeline[mine[0]] = entry
        else:
            timeline.append(entry)
        record["timeline"] = timeline
        compact(record)
        record["metadata"] = {
            **(record.get("metadata") or {}),
            "graph_id": entry["graph_id"],
            "assistant_id": entry["assistant_id"],
        }
        record["updated_at"] = record["state_updated_at"] = now_iso()
        record["config"] = {"configurable": {}}
        return record

    return change


async def create_run(call: Call, thread_id: str | None, request: RunRequest) -> dict[str, Any]:
    """Start the run, let the thread's lock admit it, and record it in the thread."""
    registration = resolve(call, request.assistant_id)
    stateless = thread_id is None
    # LangGraph's: a stateless run's thread is temporary unless it asked to keep it.
    temporary = stateless and request.body.get("on_completion") != "keep"
    thread_id = check_uuid(thread_id) if thread_id else str(uuid.uuid4())
    now, generation = await _thread(call, thread_id, request, create=stateless)
    now, generation = await _make_room(call, now, generation, request)
    run_id = str(uuid.uuid4())
    entry: dict[str, Any] = {
        "kind": "run",
        "run_id": run_id,
        "thread_id": thread_id,
        "assistant_id": assistant_id_of(registration.graph_name),
        "graph_id": registration.graph_name,
        "created_at": now_iso(),
        "metadata": {
            "created_by": "system",
            **(now.record.get("metadata") or {}),
            **request.metadata,
            "graph_id": registration.graph_name,
            "assistant_id": assistant_id_of(registration.graph_name),
        },
        "kwargs": {**request.kwargs(), "temporary": temporary},
        "multitask_strategy": request.multitask_strategy,
    }
    resume = request.command is not None and "resume" in request.command
    pause = paused_at(now)
    if pause is not None and request.input is None and set(request.command or {}) <= {"resume"}:
        await _continue(call, now, entry, request, pause)  # LangGraph: past the breakpoint
        resume = True
    elif resume:
        await _resume(call, now, entry, request)
    else:
        busy = now.status() == "busy"  # enqueued behind a run: planned again when admitted
        run = await plan_start(call.client, now, entry, request, registration, supersede=not busy)
        admission = {
            "strategy": request.multitask_strategy,
            "generation": generation,
            "poll_seconds": _poll_seconds(),
            "request": request.body,
        }
        # A client may follow the run live: its step log then keeps up with each superstep
        # (kept in the entry for when an enqueued run is planned again: run_prepare.py).
        # So does a run of a graph with subgraph nodes: while a child waits at an interrupt,
        # the thread's state is the parent's log up to the step that runs the child.
        live = bool(call.server.live and superstep_modes(request.stream_mode))
        live = live or bool(registration.subgraphs)
        if live:
            entry["step_log_live"] = True
        run = replace(run, thread_id=thread_id, admission=admission, step_log_live=live)
        await calls.start(call.client, call.server.orchestrator_name, run_id, run.to_dict())
        await _admitted(call, thread_id, entry)
    entry["updated_at"] = entry["created_at"]
    try:
        await mutate(call, thread_id, run_change(call.client, thread_id, entry, resume=resume))
    except Exception:
        if not resume and entry.get("status") is None:
            await call.client.terminate(entry["instance_id"], "its thread could not record it")
            await call.threads.signal(thread_id, "release", {"run_id": entry["run_id"]})
        raise
    return entry


async def _admitted(call: Call, thread_id: str, entry: dict[str, Any]) -> None:
    """Wait for the lock's decision: refused runs answer 409, queued ones are pending."""
    run_id = entry["run_id"]
    decision = await call.threads.decision(thread_id, run_id, DECISION_WAIT_SECONDS)
    if decision == "reject":
        await _forget(call, run_id)
        raise conflict(BUSY)
    if decision is None:
        await call.client.terminate(run_id, "its thread did not admit it in time")
        await call.threads.signal(thread_id, "release", {"run_id": run_id})
        raise AgentServerError(
            503, f"the thread's lock did not decide within {DECISION_WAIT_SECONDS:.0f}s"
        )
    if decision == "wait":
        entry["queued"] = True


async def _forget(call: Call, run_id: str) -> None:
    """A refused run's instance ends at once: purge it, so the app's own run list
    (GET /api/runs, the inspector) does not show it."""
    for _ in range(50):
        status = await calls.current_status(call.client, run_id)
        if status is not None and runtime_status_name(status) in FINISHED:
            await call.client.purge_instance_history(run_id)
            return
        await asyncio.sleep(0.05)
    logger.info("the refused run %s had not ended; its instance is kept", run_id)


def _poll_seconds() -> float:
    raw = os.environ.get(QUEUE_POLL_SETTING) or "5"
    try:
        return max(0.1, float(raw))
    except ValueError:
        raise AgentServerError(500, f"{QUEUE_POLL_SETTING} must be a number, got {raw!r}") from None


async def _thread(
    call: Call, thread_id: str, request: RunRequest, *, create: bool
) -> tuple[ThreadNow, int]:
    stored = await call.threads.read(thread_id)
    if stored.record is None:
        if not create and request.if_not_exists != "create":
            raise not_found("Thread or assistant not found.")
        record = new_record(thread_id, {})
        if not await call.threads.write(thread_id, stored.version, record):
            return await _thread(call, thread_id, request, create=create)
        await call.threads.index("add", thread_id)
        return await load(call.client, thread_id, record, full=False), stored.lock.generation
    now = await load(call.client, thread_id, stored.record, full=False)
    active = stored.lock.active
    if active is not None and not stored.lock.paused:
        view = now.views.get(active)
        if view is None or view.finished:  # it may have ended without releasing the thread
            await heal_lock(call, thread_id, active)
    return now, stored.lock.generation


async def _make_room(
    call: Call, now: ThreadNow, generation: int, request: RunRequest
) -> tuple[ThreadNow, int]:
    """The multitask strategy, when the thread is busy: `reject` answers 409 here (and the
    lock refuses a run that races past this check), `enqueue` goes on (the lock queues
    the run), `interrupt` and `rollback` stop the current run and free its lock."""
    strategy = request.multitask_strategy
    if now.status() != "busy" or strategy == "enqueue":
        return now, generation
    if strategy == "reject":
        raise conflict(BUSY)
    current = now.active_run
    assert current is not None
    await stop_run(call.client, str(current["instance_id"]), f"{strategy} by a new run")
    await call.threads.signal(now.thread_id, "release", {"run_id": str(current["instance_id"])})
    if strategy == "rollback":

        async def drop(record: dict[str, Any] | None) -> dict[str, Any] | None:
            if record is None:
                raise not_found("Thread or assistant not found.")
            record["timeline"] = [
                e for e in record.get("timeline", []) if e.get("run_id") != current["run_id"]
            ]
            return record

        await mutate(call, now.thread_id, drop)
    await _until_stopped(call, str(current["instance_id"]))
    stored = await call.threads.read(now.thread_id)
    assert stored.record is not None
    return await load(call.client, now.thread_id, stored.record, full=False), stored.lock.generation


async def _until_stopped(call: Call, instance_id: str) -> None:
    for _ in range(150):
        status = await calls.current_status(call.client, instance_id)
        if status is None or str(getattr(status.runtime_status, "value", "")) != "Running":
            return
        await asyncio.sleep(0.1)


async def _resume(call: Call, now: ThreadNow, entry: dict[str, Any], request: RunRequest) -> None:
    assert request.command is not None
    latest = now.latest
    view = now.view_of(latest) if latest is not None else None
    if latest is None or view is None or view.finished or not unanswered(latest, view):
        _fail(entry, "InvalidUpdateError", "Cannot resume: the thread has no pending interrupt")
        return
    if set(request.command) - {"resume"}:
        raise invalid("command.resume cannot be combined with update or goto here")
    pending: list[Mapping[str, Any]] = list(unanswered(latest, view))
    try:
        answers = answers_for(
            {"resume": request.command["resume"]}, list(pending), view.instance_id
        )
    except ApiError as exc:
        _fail(entry, "InvalidUpdateError", exc.message)
        return
    # An interrupt inside a subgraph node is answered where it waits: the child instance
    # (LangGraph resumes it through the parent run).
    targets: dict[str, dict[str, Any]] = {}
    waits_in = {str(p.get("id")): str(p.get("child") or view.instance_id) for p in pending}
    for interrupt_id, value in answers.items():
        targets.setdefault(waits_in[interrupt_id], {})[interrupt_id] = value
    for instance_id, answered in targets.items():
        await calls.raise_event(call.client, instance_id, INBOX_EVENT, wrap_resume(answered))
    entry["instance_id"] = view.instance_id
    entry["answers"] = [*(latest.get("answers") or []), *answers]
    entry["answered"] = [  # what was asked, for the history of the paused step
        {"id": p.get("id"), "value": p.get("value"), "node": p.get("node")}
        for p in pending
        if p.get("id") in answers
    ]
    entry["from_step"] = view.superstep
    steps = {
        child: step
        for p in pending
        if p.get("id") in answers
        for child, step in (p.get("steps") or {}).items()
    }
    if steps:  # the subgraph runs resumed: each streams from the step it paused in
        entry["child_steps"] = steps


async def _continue(
    call: Call, now: ThreadNow, entry: dict[str, Any], request: RunRequest, pause: dict[str, Any]
) -> None:
    """Continue the instance paused at a breakpoint (durable/breakpoints.py), with this
    run's breakpoints for the rest of it (LangGraph applies the new run's)."""
    latest, view = now.latest, now.view_of(now.latest or {})
    assert latest is not None and view is not None
    options = {
        "interrupt_before": request.interrupt_before,
        "interrupt_after": request.interrupt_after,
    }
    answer = wrap_resume({str(pause["id"]): options})
    await calls.raise_event(call.client, view.instance_id, INBOX_EVENT, answer)
    entry["instance_id"] = view.instance_id
    entry["answers"] = [*(latest.get("answers") or []), str(pause["id"])]
    entry["from_step"] = view.superstep


def _fail(entry: dict[str, Any], kind: str, message: str) -> None:
    """A run refused before it started is recorded as a failed run, as LangGraph's are."""
    entry["instance_id"] = entry["run_id"]
    entry["status"] = "error"
    entry["error"] = {"error": kind, "message": message}


async def plan_start(
    client: Any,
    now: ThreadNow,
    entry: dict[str, Any],
    request: RunRequest,
    registration: GraphRegistration,
    *,
    supersede: bool,
) -> RunInput:
    """The run's input from the thread `now` (and `entry`'s bookkeeping); with `supersede`,
    a run paused at an interrupt is ended, as new input ends it in LangGraph."""
    point = await _base_checkpoint(client, now, request)
    codec = registration.codec
    # No checkpoint yet: the channels' own empty values (a reducer's list starts empty).
    values = dict(point.values) if point is not None else codec.apply({}, [])
    manifest = registration.manifest
    command = request.command or {}
    try:
        if request.input is not None:
            if not isinstance(request.input, dict):
                raise invalid("input must be an object")
            codec.validate_input(request.input)
            state = codec.apply(values, [("__start__", request.input)])
            active = [manifest.entrypoint]
        else:
            state = codec.apply(values, [("__command__", command.get("update") or {})])
            goto = command.get("goto")
            goto = [goto] if isinstance(goto, str) else goto
            if goto:
                unknown = [g for g in goto if not isinstance(g, str) or g not in manifest.nodes]
                if unknown:
                    raise invalid(f"Cannot goto unknown node {unknown[0]!r}")
                active = list(goto)
            else:
                active = list(point.next) if point is not None else [manifest.entrypoint]
                active = [a for a in active if a in manifest.nodes] or (
                    [manifest.entrypoint] if point is None or "__start__" in point.next else []
                )
    except ValidationError as exc:
        raise invalid(f"Invalid input for graph {registration.graph_name}: {exc}") from exc
    except AgentServerError:
        raise
    except Exception as exc:  # a reducer refused the input
        raise invalid(f"Invalid input: {type(exc).__name__}: {exc}") from exc
    config, context = run_config(
        registration,
        request.config,
        request.context,
        {
            "run_id": entry["run_id"],
            "thread_id": entry["thread_id"],
            "graph_id": entry["graph_id"],
            "assistant_id": entry["assistant_id"],
            **({STREAM_MODES_KEY: modes} if (modes := channel_modes(request.stream_mode)) else {}),
        },
        request.metadata,
    )
    superseded = []
    for earlier in now.record.get("timeline") or [] if supersede else []:
        view = now.view_of(earlier)  # a paused run gives way to new input
        if view is not None and not view.finished and unanswered(earlier, view):
            await give_way(client, now.thread_id, view, "superseded by a new run")
            superseded.append(view.instance_id)
    entry["supersedes"] = superseded
    # A run without input continues from the checkpoint; LangGraph counts it as resuming,
    # so it never pauses before its first superstep (durable/breakpoints.py).
    continued = request.input is None or active != [manifest.entrypoint]
    run = RunInput(
        registration.graph_name,
        registration.graph_hash,
        {} if continued else state,
        steps_per_execution=manifest.steps_per_execution,
        progress={"state": state, "active": [plain(n) for n in active], "resuming": True}
        if continued
        else None,
        record_steps=True,
        log_id=new_log_id(),
        config=config,
        context=context,
        interrupt_before=request.interrupt_before,
        interrupt_after=request.interrupt_after,
    )
    entry["instance_id"] = entry["run_id"]
    entry["values_before"] = values
    entry["step_base"] = point.step if point is not None else -2
    entry["parent_checkpoint_id"] = point.checkpoint_id if point is not None else None
    if request.input is None and point is not None:  # it starts at that checkpoint
        entry["base"] = {
            "checkpoint_id": point.checkpoint_id,
            "step": point.step,
            "source": point.source,
            "run_id": point.run_id,
            "created_at": point.created_at,
        }
        entry["parent_checkpoint_id"] = point.parent_id
    entry["input_checkpoint"] = request.input is not None
    entry["reducers"] = sorted(manifest.reducers)
    return run


async def _base_checkpoint(client: Any, now: ThreadNow, request: RunRequest) -> Checkpoint | None:
    if request.checkpoint_id is None:
        return now.current()
    full = await load(client, now.thread_id, now.record, full=True)
    point = next((p for p in full.history() if p.checkpoint_id == request.checkpoint_id), None)
    if point is None:
        raise not_found(f"Checkpoint {request.checkpoint_id} not found")
    return point
