"""Threads: create, get, search, count, update, delete, copy, state and history."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import azure.functions as func

from . import thread_search
from .assistants import registered
from .checkpoints import state_body
from .errors import AgentServerError, conflict, invalid, json_response
from .routes import Router
from .run_stop import give_way
from .thread_records import (
    check_uuid,
    mutate,
    new_record,
    now_iso,
    read_thread,
    remove_thread,
    thread_body,
    thread_missing,
)
from .thread_state import ThreadNow, load, paused_at
from .thread_ttl import parse_ttl, schedule

if TYPE_CHECKING:
    from .server import Call


def _metadata(body: dict[str, Any]) -> dict[str, Any]:
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise invalid("metadata must be an object")
    return metadata


async def create(call: Call) -> func.HttpResponse:
    body = call.body()
    thread_id = check_uuid(body["thread_id"]) if body.get("thread_id") else str(uuid.uuid4())
    if_exists = body.get("if_exists") or "raise"
    if if_exists not in ("raise", "do_nothing"):
        raise invalid("if_exists must be 'raise' or 'do_nothing'")
    metadata = _metadata(body)
    ttl = parse_ttl(body)
    existed = False

    async def change(record: dict[str, Any] | None) -> dict[str, Any] | None:
        nonlocal existed
        if record is not None:
            if if_exists == "raise":
                raise conflict(f"Thread with ID {thread_id} already exists")
            existed = True
            return record
        return {**new_record(thread_id, metadata), **({"ttl": ttl} if ttl else {})}

    record = await mutate(call, thread_id, change)
    if not existed:
        await call.threads.index("add", thread_id)
        if ttl is not None:
            await schedule(call.client, thread_id)
    assert record is not None
    return json_response(thread_body(await load(call.client, thread_id, record, full=False)))


async def get(call: Call) -> func.HttpResponse:
    return json_response(thread_body(await read_thread(call, call.params["thread_id"])))


async def patch(call: Call) -> func.HttpResponse:
    thread_id = check_uuid(call.params["thread_id"])
    body = call.body()
    metadata = _metadata(body)
    ttl = parse_ttl(body)

    async def change(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None:
            raise thread_missing(thread_id)
        record["metadata"] = {**(record.get("metadata") or {}), **metadata}
        record["updated_at"] = now_iso()
        if ttl is not None:
            record["ttl"] = ttl
        return record

    record = await mutate(call, thread_id, change)
    if ttl is not None:
        await schedule(call.client, thread_id)
    assert record is not None
    return json_response(thread_body(await load(call.client, thread_id, record, full=False)))


async def delete(call: Call) -> func.HttpResponse:
    now = await read_thread(call, call.params["thread_id"])
    await remove_thread(call, now)
    return func.HttpResponse(status_code=204)


async def copy_thread(call: Call) -> func.HttpResponse:
    """A new thread with the source's metadata and its current values (as one update)."""
    now = await read_thread(call, call.params["thread_id"])
    if now.status() == "busy":
        raise conflict(f"Thread {now.thread_id} is busy; copy it when its run has ended")
    thread_id = str(uuid.uuid4())
    record = new_record(thread_id, now.record.get("metadata") or {})
    point = now.current()
    if point is not None:
        record["timeline"].append(
            {
                "kind": "update",
                "update_id": str(uuid.uuid4()),
                "values": point.values,
                "next": point.next if now.status() != "interrupted" else [],
                "created_at": now_iso(),
                "step": point.step,
                "as_node": None,
            }
        )
    if not await call.threads.write(thread_id, 0, record):
        raise AgentServerError(409, "the copy's thread id is taken; try again")
    await call.threads.index("add", thread_id)
    return json_response(thread_body(await load(call.client, thread_id, record, full=False)))


def _metadata_of(now: ThreadNow) -> dict[str, Any]:
    return dict(now.record.get("metadata") or {})


async def get_state(call: Call) -> func.HttpResponse:
    now = await read_thread(call, call.params["thread_id"])
    wanted = call.params.get("checkpoint_id")
    if wanted:
        full = await load(call.client, now.thread_id, now.record, full=True)
        point = next((p for p in full.history() if p.checkpoint_id == wanted), None)
        if point is None:
            raise AgentServerError(404, f"Checkpoint {wanted} not found")
        return json_response(state_body(point, now.thread_id, _metadata_of(now)))
    return json_response(state_body(now.current(), now.thread_id, _metadata_of(now)))


async def post_state_checkpoint(call: Call) -> func.HttpResponse:
    checkpoint = call.body().get("checkpoint") or {}
    call.params["checkpoint_id"] = str(checkpoint.get("checkpoint_id") or "")
    return await get_state(call)


async def update_state(call: Call) -> func.HttpResponse:
    """The values written as if node `as_node` returned them, through the reducers."""
    body = call.body()
    thread_id = check_uuid(call.params["thread_id"])
    values = body.get("values")
    if values is not None and not isinstance(values, dict):
        raise invalid("values must be an object")
    as_node = body.get("as_node")
    now = await read_thread(call, thread_id)
    if now.status() == "busy":
        raise conflict(f"Thread {thread_id} is busy; update its state when its run has ended")
    graph_id = (now.record.get("metadata") or {}).get("graph_id")
    if not graph_id:
        raise AgentServerError(400, f"Thread {thread_id} has no graph yet: run it first")
    registration = registered(call, str(graph_id))
    point = now.current()
    base = dict(point.values) if point is not None else {}
    try:
        new_values = registration.codec.apply(base, [(str(as_node or "update"), values or {})])
    except Exception as exc:
        raise invalid(f"Invalid update: {exc}") from exc
    manifest = registration.manifest
    following: list[str] = []
    pause = paused_at(now)
    if as_node is not None:
        if as_node not in manifest.nodes:
            raise invalid(f"Node {as_node} does not exist")
        node = manifest.nodes[as_node]
        nexts = node.next_node if isinstance(node.next_node, tuple) else (node.next_node,)
        following = [n for n in nexts if n] if not node.terminal else []
    elif point is not None:
        # At a breakpoint the paused nodes stay next, as in LangGraph; not at an interrupt().
        following = [] if now.status() == "interrupted" and pause is None else point.next
    paused = []
    for entry in now.record.get("timeline") or []:  # a paused run is superseded by the update
        view = now.view_of(entry)
        if view is not None and view.status is not None and not view.finished:
            await give_way(call.client, now.thread_id, view, "superseded by a state update")
            paused.append(view.instance_id)
    entry = {
        "kind": "update",
        "update_id": str(uuid.uuid4()),
        "values": new_values,
        "next": following,
        "created_at": now_iso(),
        "step": (point.step + 1) if point is not None else -1,
        "parent": point.checkpoint_id if point is not None else None,
        "as_node": as_node,
    }
    if pause is not None:
        entry["thread_status"] = "interrupted"  # LangGraph's update leaves the thread as it was

    async def change(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None:
            raise thread_missing(thread_id)
        for earlier in record.get("timeline") or []:  # it ended where it paused: a success
            if earlier.get("kind") == "run" and earlier.get("instance_id") in paused:
                earlier.setdefault("status", "success")
        record["timeline"] = [*record.get("timeline", []), entry]
        record["updated_at"] = record["state_updated_at"] = now_iso()
        return record

    record = await mutate(call, thread_id, change)
    assert record is not None
    after = await load(call.client, thread_id, record, full=False)
    current = after.current()
    assert current is not None
    checkpoint = {
        "thread_id": thread_id,
        "checkpoint_ns": "",
        "checkpoint_id": current.checkpoint_id,
    }
    return json_response({"checkpoint": checkpoint})


async def history(call: Call) -> func.HttpResponse:
    body = call.body() if call.request.method.upper() == "POST" else dict(call.query)
    now = await read_thread(call, call.params["thread_id"], full=True)
    limit = int(body.get("limit") or 10)
    metadata = _metadata(body)
    before = body.get("before")
    if isinstance(before, dict):
        before = before.get("checkpoint_id")
    points = list(reversed(now.history()))
    if before:
        ids = [p.checkpoint_id for p in points]
        points = points[ids.index(before) + 1 :] if before in ids else []
    states = [state_body(p, now.thread_id, _metadata_of(now)) for p in points]
    states = [
        s for s in states if all((s["metadata"] or {}).get(k) == v for k, v in metadata.items())
    ]
    return json_response(states[:limit])


def register(router: Router) -> None:
    router.add("POST", "/threads", create)
    router.add("POST", "/threads/search", thread_search.search)
    router.add("POST", "/threads/count", thread_search.count)
    router.add("GET", "/threads/{thread_id}", get)
    router.add("PATCH", "/threads/{thread_id}", patch)
    router.add("DELETE", "/threads/{thread_id}", delete)
    router.add("POST", "/threads/{thread_id}/copy", copy_thread)
    router.add("GET", "/threads/{thread_id}/state", get_state)
    router.add("POST", "/threads/{thread_id}/state", update_state)
    router.add("GET", "/threads/{thread_id}/state/{checkpoint_id}", get_state)
    router.add("POST", "/threads/{thread_id}/state/checkpoint", post_state_checkpoint)
    router.add("POST", "/threads/{thread_id}/history", history)
    router.add("GET", "/threads/{thread_id}/history", history)
