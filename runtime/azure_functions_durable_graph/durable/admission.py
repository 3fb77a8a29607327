"""A thread's run asks the thread's run lock before its first superstep.

Runs the Agent Server API starts on a thread carry ``thread_id`` and, in their first
execution, ``admission``. The orchestration calls the thread entity (``admit``, an
atomic decision: agent_server/thread_lock.py) and either runs, ends at once (``reject``:
the request that started it answers 409), or waits on durable timers and asks again
(``enqueue``; queue order is the lock's). A run admitted after waiting, or after another
run was admitted since its request read the thread, re-plans its start from the thread
as it is now (an activity with a Durable client) and continues as new with that input.
The run releases the lock when it ends (and wakes the run queued next, through the
same activity), pauses it at an interrupt and holds it again when resumed. Nothing
here reads the clock or does I/O: replay takes the same path.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

from azure.durable_functions import EntityId

from ..errors import GraphRunFailed
from .names import PREPARE_ACTIVITY as PREPARE_ACTIVITY
from .names import THREAD_ENTITY as THREAD_ENTITY
from .protocol import RunInput
from .sdk_surface import DurableTask, OrchestrationContext, utc_now

#: Raised at the queued run next in line when the run before it ends (it also polls).
WAKE_EVENT = "durable_graph_thread_wake"
#: A queued run asks again after this long, doubling up to its ``poll_seconds``.
FIRST_POLL_SECONDS = 0.5
#: A prepare that finds its run not yet recorded (the request is still writing it) retries.
PREPARE_ATTEMPTS = 20
#: A queued run has the activity check, every this many attempts, that the run owning the
#: thread is still alive (one stopped from outside never released the lock).
HEAL_EVERY = 4


def admitted(
    context: OrchestrationContext, run: RunInput
) -> Generator[DurableTask, object, tuple[bool, dict[str, Any] | None]]:
    """(True, None): run with this input; (False, result): end now with `result` (the run
    was refused, its thread is gone, or it continued as new with a re-planned input)."""
    admission = run.admission or {}
    entity = EntityId(THREAD_ENTITY, str(run.thread_id))
    request = {"run_id": context.instance_id, "strategy": admission.get("strategy")}
    answer = yield context.call_entity(entity, "admit", request)
    poll, most = FIRST_POLL_SECONDS, float(admission.get("poll_seconds") or 5.0)
    queued, attempts = False, 0
    wake: DurableTask | None = None  # one wait at a time: an event completes the oldest
    while _decision(answer) == "wait":
        queued, attempts = True, attempts + 1
        context.set_custom_status({"admission": "queued"})
        wake = wake or context.wait_for_external_event(WAKE_EVENT)
        timer = context.create_timer(utc_now(context) + timedelta(seconds=poll))
        winner = yield context.task_any([timer, wake])
        if winner is wake:
            timer.cancel()
            wake = None
        poll = min(poll * 2, most)
        active = answer.get("active") if isinstance(answer, dict) else None
        if attempts % HEAL_EVERY == 0 and isinstance(active, str):
            yield context.call_activity(
                PREPARE_ACTIVITY, {"thread_id": run.thread_id, "heal": active}
            )
        answer = yield context.call_entity(entity, "admit", request)
    if _decision(answer) != "run":
        context.set_custom_status({"admission": "rejected"})
        return False, {"rejected": True}
    generation = answer.get("generation") if isinstance(answer, dict) else None
    if not queued and generation == admission.get("generation"):
        return True, None
    context.set_custom_status({"admission": "starting"})
    for _ in range(PREPARE_ATTEMPTS):
        planned = yield context.call_activity(
            PREPARE_ACTIVITY,
            {
                "thread_id": run.thread_id,
                "run_id": context.instance_id,
                "request": admission.get("request"),
            },
        )
        outcome = planned if isinstance(planned, dict) else {}
        if outcome.get("input") is not None:
            context.continue_as_new(outcome["input"])
            return False, None
        if outcome.get("error") is not None:
            error = outcome["error"]
            raise GraphRunFailed(str(error.get("error")), str(error.get("message")))
        if outcome.get("gone"):
            release(context, run)
            return False, {"cancelled": True}
        yield context.create_timer(utc_now(context) + timedelta(seconds=0.5))
    raise GraphRunFailed("RunNotRecorded", "the run was never recorded in its thread")


def _decision(answer: object) -> str:
    return str(answer.get("decision")) if isinstance(answer, dict) else "reject"


def release(context: OrchestrationContext, run: RunInput) -> None:
    """The run failed: the next queued run may take the thread (it finds out by asking)."""
    _signal(context, run, "release")


def finish(context: OrchestrationContext, run: RunInput) -> Generator[DurableTask, object, None]:
    """The run ended: release the thread and wake the run queued next, if any."""
    if run.thread_id is None:
        return
    entity = EntityId(THREAD_ENTITY, run.thread_id)
    answer = yield context.call_entity(entity, "release", {"run_id": context.instance_id})
    head = answer.get("next") if isinstance(answer, dict) else None
    if isinstance(head, str):
        yield context.call_activity(PREPARE_ACTIVITY, {"thread_id": run.thread_id, "wake": head})


def pause(context: OrchestrationContext, run: RunInput) -> None:
    """The run waits at an interrupt: new runs may take the thread (and supersede it)."""
    _signal(context, run, "pause")


def hold(context: OrchestrationContext, run: RunInput) -> None:
    """The run was resumed: it owns the thread again."""
    _signal(context, run, "hold")


def _signal(context: OrchestrationContext, run: RunInput, operation: str) -> None:
    if run.thread_id is None:
        return
    entity = EntityId(THREAD_ENTITY, run.thread_id)
    context.signal_entity(entity, operation, {"run_id": context.instance_id})
