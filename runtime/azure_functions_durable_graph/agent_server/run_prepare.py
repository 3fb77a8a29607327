"""Planning a run when its thread's lock admits it later than its request read the thread.

An enqueued run waits (durably, in its own orchestration) until the runs before it end;
then it must start from the values they left, not from what the request saw. The run's
orchestration calls this activity (durable/admission.py): it reads the thread through
its Durable client, plans the run as a request would (run_start.plan_start), records
what it planned in the run's entry and answers the input the orchestration continues
as new with. Its answer is data: ``{"input"}``, ``{"error"}`` (the input no longer
fits the state: the run fails, as LangGraph's would), ``{"gone": true}`` (the thread was
deleted) or ``{"retry": true}`` (the request has not recorded the run yet). Asked to
``heal``, it frees the lock of a run that ended without releasing it; asked to
``wake``, it tells the run queued next that the thread is free.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from ..durable.admission import WAKE_EVENT
from ..durable.wire import decode_json_text
from ..errors import GraphNotFound
from ..graph.registry import GraphRegistry
from .errors import AgentServerError
from .run_request import parse_run_request
from .run_start import plan_start, run_change
from .thread_entity import ThreadEntities
from .thread_records import heal_lock, mutate
from .thread_state import load

logger = logging.getLogger("azure_functions_durable_graph")


@dataclass(frozen=True)
class Backend:
    """What the thread helpers need outside a request: the Durable client."""

    client: Any

    @property
    def threads(self) -> ThreadEntities:
        return ThreadEntities(self.client)


async def prepare(registry: GraphRegistry, client: Any, raw: Any) -> dict[str, Any]:
    request = decode_json_text(raw)
    thread_id = str(request["thread_id"])
    backend = Backend(client)
    if request.get("heal") is not None or request.get("wake") is not None:
        try:  # best effort: the queued run asks the lock again on its timer anyway
            if request.get("heal") is not None:
                await heal_lock(backend, thread_id, str(request["heal"]))
            else:
                await client.raise_event(str(request["wake"]), WAKE_EVENT, None)
        except Exception as exc:
            logger.warning("thread %s: %s not done: %s", thread_id, sorted(request), exc)
        return {}
    run_id = str(request["run_id"])
    stored = await backend.threads.read(thread_id)
    if stored.record is None:
        return {"gone": True}
    timeline = stored.record.get("timeline") or []
    index = next((i for i, e in enumerate(timeline) if e.get("run_id") == run_id), None)
    if index is None:
        return {"retry": True}
    entry = dict(timeline[index])
    before = {**stored.record, "timeline": timeline[:index]}  # the thread as the run finds it
    now = await load(client, thread_id, before, full=False)
    try:
        run_request = parse_run_request(dict(request.get("request") or {}))
        registration = registry.latest(str(entry["graph_id"]))
        run = await plan_start(client, now, entry, run_request, registration, supersede=True)
    except AgentServerError as exc:
        return {"error": {"error": "InvalidUpdateError", "message": exc.detail}}
    except GraphNotFound as exc:
        return {"error": {"error": "GraphNotFound", "message": str(exc)}}
    entry.pop("queued", None)
    await mutate(backend, thread_id, run_change(client, thread_id, entry, resume=False))
    live = entry.get("step_log_live") is True  # a client may follow it (run_start.py)
    return {"input": replace(run, thread_id=thread_id, step_log_live=live).to_dict()}
