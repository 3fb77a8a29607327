"""The run lock of a thread: which run owns the thread, and the runs queued behind it.

It lives in the thread entity (``lock`` beside the record) and changes only by entity
operations, one at a time, so admission is atomic where the HTTP request's read-then-start
was not. A run's orchestration asks to be admitted as its first step
(durable/admission.py): ``run`` (it owns the thread), ``wait`` (queued: ``enqueue``; it
asks again on a durable timer and is admitted in queue order) or ``reject``. The run
releases the lock when it ends, pauses it at an interrupt and holds it again when resumed;
the API releases it for runs it terminates. Entities written before the lock existed
have no ``lock``: an empty one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

#: Decisions a lock remembers, so the request that started a run can read its own.
DECISIONS_KEPT = 50
#: Strategies that take the thread from its current run (the API has terminated it).
PREEMPT = ("interrupt", "rollback")


@dataclass(frozen=True)
class Lock:
    active: str | None = None  # the run that owns the thread
    paused: bool = False  # its run waits at an interrupt: the thread is free for new runs
    queue: tuple[str, ...] = ()  # enqueued runs, oldest first
    generation: int = 0  # admissions so far: a run started from older values must re-plan
    decisions: dict[str, str] = field(default_factory=dict)

    @property
    def free(self) -> bool:
        return self.active is None or self.paused

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["queue"] = list(self.queue)
        return data


def lock_of(raw: Any) -> Lock:
    if not isinstance(raw, dict):
        return Lock()
    active = raw.get("active")
    decisions = raw.get("decisions")
    return Lock(
        active=str(active) if active else None,
        paused=raw.get("paused") is True,
        queue=tuple(str(r) for r in raw.get("queue") or []),
        generation=int(raw.get("generation") or 0),
        decisions=dict(decisions) if isinstance(decisions, dict) else {},
    )


def _decided(lock: Lock, run_id: str, decision: str) -> Lock:
    decisions = {k: v for k, v in lock.decisions.items() if k != run_id}
    decisions[run_id] = decision
    kept = dict(list(decisions.items())[-DECISIONS_KEPT:])
    return replace(lock, decisions=kept)


def admit(raw: Any, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """{"run_id", "strategy"} -> {"decision", "generation", "active"} (`generation`:
    admissions before this one, which the run compares with the one its values were read
    at; `active`: the run that owns the thread now)."""
    lock = lock_of(raw)
    run_id, strategy = str(request.get("run_id")), request.get("strategy")
    before = lock.generation
    if lock.active == run_id and not lock.paused:
        decision = "run"
    elif strategy in PREEMPT or (lock.free and (not lock.queue or lock.queue[0] == run_id)):
        queue = tuple(r for r in lock.queue if r != run_id)
        lock = replace(lock, active=run_id, paused=False, queue=queue, generation=before + 1)
        decision = "run"
    elif strategy == "enqueue":
        if run_id not in lock.queue:
            lock = replace(lock, queue=(*lock.queue, run_id))
        decision = "wait"
    else:
        decision = "reject"
    lock = _decided(lock, run_id, decision)
    return lock.to_dict(), {"decision": decision, "generation": before, "active": lock.active}


def release(raw: Any, request: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """{"run_id"}: the run ended (or was cancelled while queued) -> {"next"}: the queued
    run that may take the thread now (None: none), for the caller to wake."""
    lock = lock_of(raw)
    run_id = str(request.get("run_id"))
    if lock.active == run_id:
        lock = replace(lock, active=None, paused=False)
    lock = replace(lock, queue=tuple(r for r in lock.queue if r != run_id))
    head = lock.queue[0] if lock.free and lock.queue else None
    return lock.to_dict(), {"next": head}


def pause(raw: Any, request: dict[str, Any]) -> tuple[dict[str, Any], None]:
    """{"run_id"}: the run waits at an interrupt; new runs may take the thread."""
    lock = lock_of(raw)
    if lock.active == str(request.get("run_id")):
        lock = replace(lock, paused=True)
    return lock.to_dict(), None


def hold(raw: Any, request: dict[str, Any]) -> tuple[dict[str, Any], None]:
    """{"run_id"}: a paused run was resumed; it owns the thread again unless another has it."""
    lock = lock_of(raw)
    run_id = str(request.get("run_id"))
    if lock.active == run_id or lock.active is None:
        lock = replace(lock, active=run_id, paused=False)
    return lock.to_dict(), None


LOCK_OPERATIONS: dict[str, Callable[[Any, dict[str, Any]], tuple[dict[str, Any], Any]]] = {
    "admit": admit,
    "release": release,
    "pause": pause,
    "hold": hold,
}
