"""A thread now: its timeline (runs and state updates) read against the Durable runtime.

The thread entity keeps the timeline; each run entry names its durable instance and,
once settled, its final status and values. What a run is doing right now (running,
paused at an interrupt, failed) is read from the instance, never copied, so the
answer is as fresh and as durable as the run itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .checkpoints import Checkpoint, instance_checkpoints, shown, update_checkpoint
from .durable_view import InstanceView, read_instance

FINAL = frozenset({"success", "error", "interrupted", "timeout"})


def _started(entry: dict[str, Any]) -> bool:
    """Not waiting in the thread's queue, nor cancelled there (such runs changed nothing)."""
    return not entry.get("queued") and not entry.get("never_started")


def runs_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in record.get("timeline") or [] if e.get("kind") == "run"]


def first_of_instance(record: dict[str, Any], instance_id: str) -> dict[str, Any]:
    return next(e for e in runs_of(record) if e.get("instance_id") == instance_id)


def unanswered(entry: dict[str, Any], view: InstanceView) -> list[dict[str, Any]]:
    answered = set(entry.get("answers") or [])
    return [i for i in view.interrupts if i.get("id") not in answered]


def paused_at(now: ThreadNow) -> dict[str, Any] | None:
    """The breakpoint (interrupt_before/after) the thread's latest run waits at, if any."""
    latest = now.latest
    view = now.view_of(latest) if latest is not None else None
    if latest is None or view is None or latest.get("kind") != "run":
        return None
    return next((i for i in unanswered(latest, view) if i.get("pause")), None)


def run_status(entry: dict[str, Any], view: InstanceView | None) -> str:
    """LangGraph's run status: a run that stopped at an interrupt is a ``success``."""
    if entry.get("status") in FINAL:
        return str(entry["status"])
    if view is None or view.status is None:
        return "pending"
    if view.admission is not None and not view.finished:
        return "pending"  # queued behind another run, or being planned (admission.py)
    if view.status == "Completed":
        return "success"
    if view.status == "Failed":
        return "error"
    if view.finished:
        return "interrupted"
    if unanswered(entry, view):
        return "success"
    return "running"


@dataclass
class ThreadNow:
    thread_id: str
    record: dict[str, Any]
    views: dict[str, InstanceView] = field(default_factory=dict)

    @property
    def latest(self) -> dict[str, Any] | None:
        """The latest entry that has started (runs queued behind it come after)."""
        started = [e for e in self.record.get("timeline") or [] if _started(e)]
        return started[-1] if started else None

    @property
    def queued(self) -> list[dict[str, Any]]:
        return [e for e in self.record.get("timeline") or [] if e.get("queued")]

    @property
    def active_run(self) -> dict[str, Any] | None:
        """The run a multitask strategy acts on: the latest that started, if it is a run."""
        entry = self.latest
        return entry if entry is not None and entry.get("kind") == "run" else None

    def view_of(self, entry: dict[str, Any]) -> InstanceView | None:
        return self.views.get(str(entry.get("instance_id")))

    def status(self) -> str:
        entry = self.latest
        if self.queued:
            return "busy"
        if entry is None or entry.get("kind") != "run":
            return str((entry or {}).get("thread_status") or "idle")
        view = self.view_of(entry)
        state = run_status(entry, view)
        if state in ("pending", "running"):
            return "busy"
        if state == "error":
            return "error"
        if view is not None and not view.finished and unanswered(entry, view):
            return "interrupted"
        return "idle"

    def checkpoints_of(
        self, entry: dict[str, Any], before: dict[str, Any] | None = None
    ) -> list[Checkpoint]:
        """The checkpoints of an entry; `before`: the values before its run, when the entry
        no longer keeps them (only the latest run does, see `compact`)."""
        if entry.get("kind") == "update":
            return [
                update_checkpoint(
                    self.thread_id, entry, int(entry.get("step", 0)), entry.get("parent")
                )
            ]
        view = self.view_of(entry)
        first = first_of_instance(self.record, str(entry["instance_id"]))
        if view is None or entry.get("queued") or view.admission is not None:
            return []  # not started yet
        answered: dict[int, list[dict[str, Any]]] = {}
        for run in runs_of(self.record):
            if run.get("instance_id") == entry["instance_id"] and run.get("answered"):
                answered.setdefault(int(run.get("from_step") or 0), []).extend(run["answered"])
        points = instance_checkpoints(
            self.thread_id,
            first,
            view,
            dict(before if before is not None else first.get("values_before") or {}),
            int(first.get("step_base", -2)),
            answered,
        )
        if points:
            points[0].parent_id = first.get("parent_checkpoint_id")
        return points

    def current(self) -> Checkpoint | None:
        entry = self.latest
        if entry is None:
            return None
        if entry.get("kind") == "run" and entry.get("status") in FINAL and "checkpoint" in entry:
            return Checkpoint(**entry["checkpoint"])
        points = self.checkpoints_of(entry)
        return points[-1] if points else None

    def history(self) -> list[Checkpoint]:
        """Every checkpoint, oldest first (each instance once)."""
        seen: set[str] = set()
        points: list[Checkpoint] = []
        for entry in self.record.get("timeline") or []:
            instance = entry.get("instance_id")
            if entry.get("kind") == "run":
                if instance in seen:
                    continue
                seen.add(str(instance))
            before = points[-1].values if points else None
            more = self.checkpoints_of(entry, before)
            if points and more and more[0].checkpoint_id == points[-1].checkpoint_id:
                points.pop()  # a run continuing from it: the same checkpoint, its tasks run
            points.extend(more)
        return points

    def values(self) -> dict[str, Any] | None:
        point = self.current()
        if point is None:
            return None if self.latest is None else {}
        return shown(point.values)

    def interrupts(self) -> dict[str, list[dict[str, Any]]]:
        point = self.current()
        if point is None or self.status() != "interrupted":
            return {}
        return {t["id"]: t["interrupts"] for t in point.tasks if t.get("interrupts")}

    def error(self) -> dict[str, str] | None:
        entry = self.latest
        if entry is None or entry.get("kind") != "run":
            return None
        if entry.get("error"):
            return dict(entry["error"])
        view = self.view_of(entry)
        if view is not None and view.status == "Failed":
            return view.error()
        return None


async def load(client: Any, thread_id: str, record: dict[str, Any], *, full: bool) -> ThreadNow:
    """The thread with its latest instance read (`full`: every instance, for history)."""
    now = ThreadNow(thread_id, record)
    entries = runs_of(record)
    started = [e for e in entries if _started(e)]
    wanted = entries if full else started[-1:] + [e for e in entries if e.get("queued")]
    for entry in wanted:
        instance = str(entry.get("instance_id"))
        if instance in now.views:
            continue
        if not full and entry.get("status") in FINAL and "checkpoint" in entry:
            continue
        now.views[instance] = await read_instance(client, instance, with_log=True)
    return now


def compact(record: dict[str, Any]) -> None:
    """Keep the thread entity small: only the first and the latest started run keep the
    values they started from (queued runs are planned again when they start), only the
    latest settled run its last checkpoint (history rebuilds the rest from the step log)."""
    runs = [e for e in runs_of(record) if _started(e)]
    settled = [e for e in runs if "checkpoint" in e]
    for entry in runs[1:-1]:
        entry.pop("values_before", None)
    for entry in settled[:-1]:
        entry.pop("checkpoint", None)


def settle(now: ThreadNow, entry: dict[str, Any]) -> None:
    """Freeze a run that ended: its status, error and last checkpoint go into the entry,
    so later reads need not visit its instance."""
    view = now.view_of(entry)
    state = run_status(entry, view)
    if state not in FINAL or (view is not None and not view.finished and state != "success"):
        return
    if view is not None and not view.finished:
        return  # paused at an interrupt: a resume continues the same instance
    points = now.checkpoints_of(entry)
    entry["status"] = state
    if view is not None and view.status == "Failed":
        entry["error"] = view.error()
    if points:
        last = points[-1]
        entry["checkpoint"] = last.__dict__.copy()
