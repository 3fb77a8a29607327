"""What the Durable runtime says about one run's instance: status, interrupts, step log.

A LangGraph run maps onto a durable graph run (an orchestration instance): a run
started with input is a new instance; a run resuming an interrupt continues the
instance that paused. A subgraph node runs as a child instance (the parent's custom
status lists it under ``children``): an interrupt inside it pauses the child, and the
parent shows it as its own, under the subgraph's node, as LangGraph pauses the parent.
Everything here is read through the Durable client (status, custom status, the step
log entities), so it holds on Azure as on the local host.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from ..api.status import FINISHED, runtime_status_name
from ..api.steps import log_batched, log_id, read_records, step_count
from ..durable.wire import decode_json_text

#: How long a reader waits for the step log to catch up with a finished run (signals lag).
LOG_CATCH_UP_SECONDS = 5.0


@dataclass
class InstanceView:
    instance_id: str
    status: str | None  # Running, Completed, Failed, Terminated...; None: not started yet
    custom: dict[str, Any]
    output: Any
    executions: int = 1
    log: str | None = None  # the step log's id, pinned in the run's input
    batched: bool = False  # the log is written in batches (durable/steplog.py)
    records: list[dict[str, Any]] = field(default_factory=list)
    #: The interrupts its subgraph children (nested ones too) wait on, each under the
    #: child's node here, naming the instance that waits (``child``) and the superstep
    #: each child down to it is in (``steps``).
    child_interrupts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def interrupts(self) -> list[dict[str, Any]]:
        if self.status in FINISHED:
            return []
        own = [i for i in self.custom.get("interrupts") or [] if isinstance(i, dict)]
        return own + self.child_interrupts

    @property
    def admission(self) -> str | None:
        """Before the thread's lock let the run start: ``queued``, ``starting`` or
        ``rejected`` (durable/admission.py); None once it runs."""
        value = self.custom.get("admission")
        return str(value) if value is not None else None

    @property
    def superstep(self) -> int:
        step = self.custom.get("step")
        return step if isinstance(step, int) else 0

    @property
    def active(self) -> list[str]:
        return [str(n) for n in self.custom.get("active") or []]

    def error(self) -> dict[str, str]:
        """LangGraph's error body of a failed run: the exception's type and message."""
        text = str(self.output or "the run failed")
        text = text.split(" failed: ", 1)[-1] if text.startswith("Orchestrator function") else text
        kind, message = "Error", text
        marker = " raised "
        if marker in text:
            raised = text.split(marker, 1)[1]
            name, _, rest = raised.partition(": ")
            if name.isidentifier():
                kind, message = name, rest
        # The class the engine named (LangGraph's, for from_langgraph graphs) wins.
        named = self.custom.get("error_type")
        if isinstance(named, str) and named:
            kind = named
        return {"error": kind, "message": message}


async def read_instance(client: Any, instance_id: str, *, with_log: bool) -> InstanceView:
    status = await client.get_status(instance_id, show_input=True)
    name = runtime_status_name(status) if status is not None else None
    if not name:
        return InstanceView(instance_id, None, {}, None)
    custom = decode_json_text(getattr(status, "custom_status", None))
    view = InstanceView(
        instance_id,
        name,
        custom if isinstance(custom, dict) else {},
        decode_json_text(getattr(status, "output", None)),
        executions=step_count(status),
        log=log_id(status),
        batched=log_batched(status),
    )
    view.child_interrupts = await _child_interrupts(client, view)
    if with_log:
        view.records = await _records(client, view)
    return view


async def refresh(client: Any, view: InstanceView) -> InstanceView:
    """`view` read again, its step log included, without the run's input (what the input
    pins, the log's id and batching, does not change): a live stream's poll."""
    status = await client.get_status(view.instance_id, show_input=False)
    name = runtime_status_name(status) if status is not None else None
    if not name:
        return InstanceView(view.instance_id, None, {}, None)
    custom = decode_json_text(getattr(status, "custom_status", None))
    now = InstanceView(
        view.instance_id,
        name,
        custom if isinstance(custom, dict) else {},
        decode_json_text(getattr(status, "output", None)),
        executions=step_count(status),
        log=view.log,
        batched=view.batched,
    )
    now.child_interrupts = await _child_interrupts(client, now)
    now.records = await _records(client, now)
    return now


async def _child_interrupts(client: Any, view: InstanceView) -> list[dict[str, Any]]:
    """What the running instance's subgraph children wait on, read through their status
    (their own children's too; at most the 50 a status lists, durable/status_size.py):
    each interrupt under the parent's node for the child, with the instance a resume
    goes to."""
    if view.status != "Running":
        return []
    children = [
        c for c in view.custom.get("children") or [] if isinstance(c, dict) and c.get("instance_id")
    ]
    subs = await asyncio.gather(
        *(read_instance(client, str(c["instance_id"]), with_log=False) for c in children)
    )
    found: list[dict[str, Any]] = []
    for child, sub in zip(children, subs, strict=True):
        instance = sub.instance_id
        for pause in sub.interrupts:
            waits = pause.get("child") or instance
            steps = {instance: sub.superstep, **(pause.get("steps") or {})}
            found.append({**pause, "node": child.get("node"), "child": waits, "steps": steps})
    return found


async def _records(client: Any, view: InstanceView) -> list[dict[str, Any]]:
    """The instance's step log, waited for until it holds the last step of a finished run."""
    waited, delay = 0.0, 0.02
    while True:
        records: list[dict[str, Any]] = []
        latest: list[dict[str, Any]] = []
        for execution in range(1, view.executions + 1):
            latest = await read_records(client, view.instance_id, execution, view.log)
            records.extend(latest)
        if (_caught_up(view, latest) and _complete(view, records)) or (
            waited >= LOG_CATCH_UP_SECONDS
        ):
            return records
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.2)


def _caught_up(view: InstanceView, latest: list[dict[str, Any]]) -> bool:
    """Whether the current execution's log holds every record the orchestrator says it
    sent (``logged`` in its custom status; the entity applies signals a little later).
    Holds for a failed run too, whose last records are signalled as it fails."""
    logged = view.custom.get("logged")
    if not isinstance(logged, int) or isinstance(logged, bool):
        return True  # a run started before the count was published
    return len(latest) >= logged


def _complete(view: InstanceView, records: list[dict[str, Any]]) -> bool:
    """Whether the log holds what the status promises: a completed run's every step, a
    running one's steps before the one in flight (signals lag the status a little; a
    batched log is only complete while the run waits); a failed or terminated run's log
    is read as far as it ever got."""
    started = bool(records) and records[0].get("kind") == "start"
    last = max((int(r.get("superstep") or 0) for r in records), default=0)
    if view.status == "Running":
        if any(i.get("pause") for i in view.interrupts):  # logged up to where it paused
            return started and last >= view.superstep
        if view.batched and not (view.interrupts or view.custom.get("waiting")):
            return True  # a working run's batched log lags it; it is written before waits
        return view.superstep < 1 or (started and last >= view.superstep - 1)
    if view.status != "Completed" or not isinstance(view.output, dict):
        return True
    if not started:
        return False
    steps = view.output.get("supersteps")
    return not isinstance(steps, int) or (last >= steps and _ended(records, steps))


def _ended(records: list[dict[str, Any]], steps: int) -> bool:
    """The last step's record carries what came next (logged once the step settled)."""
    return any(r.get("superstep") == steps and "next" in r for r in records) or steps == 0
