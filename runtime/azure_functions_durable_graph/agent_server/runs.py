"""Runs: create (background), wait, stream, join, join_stream, get, list, cancel, delete.

With HTTP streaming on (http_streaming.py), a stream follows its run live
(live_stream.py); without it the Python worker hands the host a whole response, so
the events are rebuilt from the step log when the run has ended (or paused at an
interrupt) and sent at once. Either way in LangGraph's order and shapes, with the
header ``X-Durable-Graph-Stream: live|buffered`` (docs/agent-server-api.md).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import azure.functions as func

from ..http_streaming import STREAM_HEADER, Answer, LiveStream
from .durable_view import read_instance
from .errors import conflict, invalid, json_response, not_found
from .live_stream import follow, whole
from .routes import Router
from .run_events import interrupt_items
from .run_request import parse_run_request
from .run_start import create_run
from .run_stop import stop_run
from .thread_records import check_uuid, mutate, read_thread
from .thread_state import FINAL, ThreadNow, run_status, runs_of, unanswered

if TYPE_CHECKING:
    from .server import Call

#: How long wait/join/stream keep the request open before answering with what there is.
WAIT_SECONDS = 220.0


def run_body(entry: dict[str, Any], status: str) -> dict[str, Any]:
    return {
        "run_id": entry["run_id"],
        "thread_id": entry["thread_id"],
        "assistant_id": entry["assistant_id"],
        "metadata": entry.get("metadata") or {},
        "status": status,
        "kwargs": entry.get("kwargs") or {},
        "multitask_strategy": entry.get("multitask_strategy"),
        "created_at": entry.get("created_at"),
        "updated_at": entry.get("updated_at"),
    }


def _links(entry: dict[str, Any], tail: str) -> dict[str, str]:
    base = f"/threads/{entry['thread_id']}/runs/{entry['run_id']}"
    return {"Location": f"{base}/{tail}", "Content-Location": base}


async def _created(call: Call, thread_id: str | None) -> dict[str, Any]:
    request = parse_run_request(call.body(), stateful=thread_id is not None)
    return await create_run(call, thread_id, request)


async def _entry(call: Call, thread_id: str, run_id: str) -> tuple[ThreadNow, dict[str, Any]]:
    now = await read_thread(call, thread_id)
    run_id = check_uuid(run_id, "run")
    entry = next((e for e in runs_of(now.record) if e.get("run_id") == run_id), None)
    if entry is None:
        raise not_found(f"Run {run_id} not found")
    return now, entry


async def _status(call: Call, entry: dict[str, Any]) -> str:
    if entry.get("status") in FINAL:
        return str(entry["status"])
    view = await read_instance(call.client, str(entry["instance_id"]), with_log=False)
    return run_status(entry, view)


async def _until_done(call: Call, entry: dict[str, Any]) -> None:
    waited, delay = 0.0, 0.02
    while await _status(call, entry) in ("pending", "running") and waited < WAIT_SECONDS:
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 1.5, 0.5)


async def _output(call: Call, entry: dict[str, Any]) -> Any:
    """What wait and join answer: the values the run left, with its interrupts, or its error."""
    now, entry = await _entry(call, entry["thread_id"], entry["run_id"])
    status = run_status(entry, now.view_of(entry))
    if status == "error":
        view = now.view_of(entry)
        error = entry.get("error") or (view.error() if view is not None else None)
        return {"__error__": error}
    latest = now.latest
    if latest is not None and latest.get("run_id") != entry.get("run_id"):
        point = entry.get("checkpoint") or {}
        return point.get("values") or now.values() or {}
    values = dict(now.values() or {})
    view = now.view_of(entry)
    items = interrupt_items(unanswered(entry, view)) if view and not view.finished else []
    if items:  # (a breakpoint shows none, as in LangGraph)
        values["__interrupt__"] = items
    return values


async def _events(call: Call, entry: dict[str, Any], headers: dict[str, str]) -> Answer:
    """The run's SSE answer: followed live with HTTP streaming on, else whole at its end."""
    if call.server.live:

        async def reread() -> tuple[ThreadNow, dict[str, Any]]:
            return await _entry(call, entry["thread_id"], entry["run_id"])

        return LiveStream(follow(call, reread), headers=_sse_headers(headers, "live"))
    await _until_done(call, entry)
    now, entry = await _entry(call, entry["thread_id"], entry["run_id"])
    return _sse(await whole(call, now, entry), headers)


def _sse_headers(headers: dict[str, str], how: str) -> dict[str, str]:
    return {**headers, "Cache-Control": "no-store", STREAM_HEADER: how}


def _sse(body: str, headers: dict[str, str]) -> func.HttpResponse:
    return func.HttpResponse(
        body,
        status_code=200,
        headers=_sse_headers(headers, "buffered"),
        mimetype="text/event-stream",
    )


# -- handlers -------------------------------------------------------------------------------


async def create(call: Call) -> func.HttpResponse:
    entry = await _created(call, call.params.get("thread_id"))
    return json_response(
        run_body(entry, entry.get("status") or "pending"), headers=_links(entry, "join")
    )


async def wait(call: Call) -> func.HttpResponse:
    entry = await _created(call, call.params.get("thread_id"))
    await _until_done(call, entry)
    return json_response(await _output(call, entry), headers=_links(entry, "join"))


async def stream(call: Call) -> Answer:
    entry = await _created(call, call.params.get("thread_id"))
    return await _events(call, entry, _links(entry, "stream"))


async def join(call: Call) -> func.HttpResponse:
    _, entry = await _entry(call, call.params["thread_id"], call.params["run_id"])
    await _until_done(call, entry)
    return json_response(await _output(call, entry))


async def join_stream(call: Call) -> Answer:
    _, entry = await _entry(call, call.params["thread_id"], call.params["run_id"])
    if await _status(call, entry) not in ("pending", "running"):
        how = "live" if call.server.live else "buffered"  # LangGraph: nothing more to stream
        return func.HttpResponse("", headers=_sse_headers({}, how), mimetype="text/event-stream")
    return await _events(call, entry, {})


async def get(call: Call) -> func.HttpResponse:
    _, entry = await _entry(call, call.params["thread_id"], call.params["run_id"])
    return json_response(run_body(entry, await _status(call, entry)))


async def list_runs(call: Call) -> func.HttpResponse:
    now = await read_thread(call, call.params["thread_id"])
    limit = _int(call.query, "limit", 10)
    offset = _int(call.query, "offset", 0)
    wanted = call.query.get("status")
    found = []
    for entry in reversed(runs_of(now.record)):
        body = run_body(entry, await _status(call, entry))
        if wanted is None or body["status"] == wanted:
            found.append(body)
    return json_response(found[offset : offset + limit])


async def cancel(call: Call) -> func.HttpResponse:
    now, entry = await _entry(call, call.params["thread_id"], call.params["run_id"])
    action = call.query.get("action", "interrupt")
    if action not in ("interrupt", "rollback"):
        raise invalid("action must be 'interrupt' or 'rollback'")
    if await _status(call, entry) not in ("pending", "running"):
        raise conflict(f"Run {entry['run_id']} is not pending or running")
    await stop_run(call.client, str(entry["instance_id"]), f"cancelled ({action})")
    await call.threads.signal(now.thread_id, "release", {"run_id": str(entry["instance_id"])})

    async def change(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None:
            raise not_found(f"Thread with ID {now.thread_id} not found")
        timeline = record.get("timeline") or []
        if action == "rollback":
            record["timeline"] = [e for e in timeline if e.get("run_id") != entry["run_id"]]
        else:
            for e in timeline:
                if e.get("run_id") == entry["run_id"]:
                    e["status"] = "interrupted"
                    if e.pop("queued", None):
                        e["never_started"] = True  # the thread's values never saw it
        return record

    await mutate(call, now.thread_id, change)
    if call.query.get("wait") in ("1", "true", "True"):
        return json_response(None)
    return func.HttpResponse(status_code=202)


async def delete(call: Call) -> func.HttpResponse:
    now, entry = await _entry(call, call.params["thread_id"], call.params["run_id"])
    if await _status(call, entry) in ("pending", "running"):
        raise conflict(f"Run {entry['run_id']} is still running; cancel it first")

    async def change(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None:
            raise not_found(f"Thread with ID {now.thread_id} not found")
        record["timeline"] = [
            e for e in record.get("timeline") or [] if e.get("run_id") != entry["run_id"]
        ]
        return record

    await mutate(call, now.thread_id, change)
    return func.HttpResponse(status_code=204)


def _int(query: dict[str, str], key: str, default: int) -> int:
    raw = query.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{key} must be an integer") from None
    if value < 0:
        raise invalid(f"{key} must not be negative")
    return value


def register(router: Router) -> None:
    for prefix in ("/threads/{thread_id}/runs", "/runs"):
        router.add("POST", prefix, create)
        router.add("POST", f"{prefix}/wait", wait)
        router.add("POST", f"{prefix}/stream", stream)
    router.add("GET", "/threads/{thread_id}/runs", list_runs)
    router.add("GET", "/threads/{thread_id}/runs/{run_id}", get)
    router.add("DELETE", "/threads/{thread_id}/runs/{run_id}", delete)
    router.add("GET", "/threads/{thread_id}/runs/{run_id}/join", join)
    router.add("GET", "/threads/{thread_id}/runs/{run_id}/stream", join_stream)
    router.add("POST", "/threads/{thread_id}/runs/{run_id}/cancel", cancel)
