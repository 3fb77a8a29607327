"""Thread TTL: a thread created or updated with ``ttl`` is deleted when it expires.

LangGraph takes ``ttl`` as ``{"strategy": "delete", "ttl": minutes}`` (its clients turn
a bare number into that) on thread create and update, counting from that request. The
expiry goes into the thread's record; a small orchestration per thread with a TTL,
``durable_graph_thread_ttl:<thread id>``, sleeps on a durable timer until then, asks the
thread entity for the expiry again (an update may have moved it; the update also wakes
the orchestration) and, when it has passed, deletes the thread as the API's delete does
(an activity with a Durable client). A durable timer costs nothing while it waits, on
Azure as on the local host, and no sweep reads every thread.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timedelta, timezone
from typing import Any

from azure.durable_functions import EntityId

from ..api import durable_calls as calls
from ..api.status import FINISHED, runtime_status_name
from ..durable.admission import THREAD_ENTITY
from ..durable.sdk_surface import DurableTask, utc_now
from ..durable.wire import decode_json_text
from .errors import invalid
from .functions import EXPIRE_ACTIVITY, TTL_ORCHESTRATOR

#: Raised at the thread's TTL orchestration when an update moves its expiry.
TTL_CHANGED_EVENT = "durable_graph_thread_ttl_changed"
STRATEGIES = ("delete",)
#: The longest single timer: longer expiries wait in several (the Durable extension's
#: Azure Storage backend has long refused timers beyond 7 days).
LONGEST_TIMER = timedelta(days=6)


def ttl_instance(thread_id: str) -> str:
    return f"{TTL_ORCHESTRATOR}:{thread_id}"


def parse_ttl(body: dict[str, Any]) -> dict[str, Any] | None:
    """The body's ``ttl`` as the record keeps it (with its expiry), None if not given."""
    raw = body.get("ttl")
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = {"ttl": raw}
    if not isinstance(raw, dict):
        raise invalid("ttl must be an object: {'strategy': 'delete', 'ttl': minutes}")
    strategy = raw.get("strategy", "delete")
    if strategy == "keep_latest":
        raise invalid("ttl strategy 'keep_latest' is not supported here; use 'delete'")
    if strategy not in STRATEGIES:
        raise invalid("ttl.strategy must be 'delete' or 'keep_latest'")
    minutes = raw.get("ttl")
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes < 0:
        raise invalid("ttl.ttl must be a non-negative number of minutes")
    expires = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    return {"strategy": strategy, "ttl": minutes, "expires_at": expires.isoformat()}


async def schedule(client: Any, thread_id: str) -> None:
    """Make sure the thread's TTL orchestration watches its (new) expiry."""
    instance = ttl_instance(thread_id)
    status = await calls.current_status(client, instance)
    name = runtime_status_name(status) if status is not None else None
    if status is not None and name not in FINISHED:
        try:
            await client.raise_event(instance, TTL_CHANGED_EVENT, None)
            return
        except Exception:  # it ended meanwhile: start it again
            pass
    await client.start_new(TTL_ORCHESTRATOR, instance_id=instance, client_input=thread_id)


def ttl_orchestrator(context: Any) -> Generator[DurableTask, object, str]:
    """Sleep until the thread's expiry (re-read after each wake), then delete it."""
    thread_id = str(decode_json_text(context.get_input()))
    expires = yield context.call_entity(EntityId(THREAD_ENTITY, thread_id), "ttl")
    if not isinstance(expires, str):
        return "no ttl"  # deleted, or its ttl removed
    at, now = datetime.fromisoformat(expires), utc_now(context)
    if at > now:
        timer = context.create_timer(min(at, now + LONGEST_TIMER))
        changed = context.wait_for_external_event(TTL_CHANGED_EVENT)
        winner = yield context.task_any([timer, changed])
        if winner is changed:
            timer.cancel()
        context.continue_as_new(thread_id)
        return "waiting"
    outcome = yield context.call_activity(
        EXPIRE_ACTIVITY, {"thread_id": thread_id, "expires_at": expires}
    )
    if outcome == "moved":  # updated while it was being deleted: watch the new expiry
        context.continue_as_new(thread_id)
    return str(outcome)


async def expire(client: Any, raw: Any) -> str:
    """The TTL activity: delete the thread if its expiry is still the one that fired."""
    from .run_prepare import Backend
    from .thread_records import remove_thread
    from .thread_state import load

    request = decode_json_text(raw)
    thread_id = str(request["thread_id"])
    backend = Backend(client)
    stored = await backend.threads.read(thread_id)
    if stored.record is None:
        return "gone"
    ttl = stored.record.get("ttl")
    if not isinstance(ttl, dict) or ttl.get("expires_at") != request.get("expires_at"):
        return "moved"
    await remove_thread(backend, await load(client, thread_id, stored.record, full=False))
    return "deleted"
