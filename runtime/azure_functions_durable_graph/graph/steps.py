"""What the two activities do: run one node step, or apply one event.

A node step runs the node handler, merges its result and resolves the route in
ONE activity call, so the history holds one TaskScheduled per step. Errors come
back as data (``{"ok": false, "error": ...}``) rather than as a failed task, so
the orchestrator can fail the run with a message that names the node instead
of the SDK's "Activity function ... failed" wrapper.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import DurableGraphError, NodeExecutionError
from .registry import GraphRegistry
from .routing import RouteDecision, normalize_route, validate_against_manifest
from .state import dump_state, load_state, merge_state

#: Events sent through the HTTP API are wrapped so a JSON string payload is not
#: mistaken for the double-encoded JSON text the Durable client produces.
EVENT_ENVELOPE_KEY = "durable_graph_event"

logger = logging.getLogger("azure_functions_durable_graph")


def wrap_event_payload(event_name: str, payload: Any) -> dict[str, Any]:
    return {EVENT_ENVELOPE_KEY: event_name, "payload": payload}


def unwrap_event_payload(raw: Any) -> Any:
    """The payload a user raised, whichever way it reached the orchestrator.

    `DurableOrchestrationClient.raise_event` JSON-encodes its data twice, so
    events usually arrive as JSON text; events posted raw to the Durable HTTP
    API arrive decoded.
    """
    value = raw
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return raw
    if isinstance(value, dict) and set(value) == {EVENT_ENVELOPE_KEY, "payload"}:
        return value["payload"]
    return value


def ok(**fields: Any) -> dict[str, Any]:
    return {"ok": True, **fields}


def error(exc: DurableGraphError) -> dict[str, Any]:
    return {"ok": False, "error": {"type": type(exc).__name__, "message": str(exc)}}


async def call_handler(handler: Callable[..., Any], *args: Any) -> Any:
    """Await async handlers; run sync ones in a thread so they cannot block the worker loop."""
    if inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - async callable objects
    ):
        return await handler(*args)
    result = await asyncio.to_thread(handler, *args)
    if inspect.isawaitable(result):  # e.g. a lambda returning a coroutine
        result = await result
    return result


async def run_node_step(registry: GraphRegistry, request: Mapping[str, Any]) -> dict[str, Any]:
    """Activity body for one node step: handler, merge, route. Returns JSON-able data."""
    try:
        graph_name, graph_hash = str(request["graph_name"]), str(request["graph_hash"])
        node = str(request["node"])
        registration = registry.get(graph_name, graph_hash)
        manifest = registration.manifest
        model = registration.state_model
        definition = manifest.nodes[node]
        state = load_state(model, request["state"], graph_name=graph_name, source=f"node {node!r}")

        result = await _user_call(
            graph_name, f"node {node!r}", registration.node_handlers[node], state
        )
        state = merge_state(model, state, result, graph_name=graph_name, source=f"node {node!r}")

        if definition.terminal:
            return ok(state=dump_state(state), decision=RouteDecision.complete().to_dict())
        route = registration.route_handlers.get(node)
        routed = None
        if route is not None:
            routed = await _user_call(graph_name, f"route of node {node!r}", route, state)
        decision = normalize_route(
            routed, graph_name=graph_name, node=node, static_next=definition.next_node
        )
        validate_against_manifest(decision, manifest, node)
        return ok(state=dump_state(state), decision=decision.to_dict())
    except DurableGraphError as exc:
        return error(exc)


async def apply_event(registry: GraphRegistry, request: Mapping[str, Any]) -> dict[str, Any]:
    """Activity body for an event: the event handler's result merged into the state."""
    try:
        graph_name, graph_hash = str(request["graph_name"]), str(request["graph_hash"])
        event_name = str(request["event_name"])
        source = f"event handler {event_name!r}"
        registration = registry.get(graph_name, graph_hash)
        model = registration.state_model
        state = load_state(model, request["state"], graph_name=graph_name, source=source)
        payload = unwrap_event_payload(request.get("payload"))
        handler = registration.event_handlers[event_name]
        result = await _user_call(graph_name, source, handler, state, payload)
        state = merge_state(model, state, result, graph_name=graph_name, source=source)
        return ok(state=dump_state(state))
    except DurableGraphError as exc:
        return error(exc)


async def _user_call(graph_name: str, source: str, handler: Callable[..., Any], *args: Any) -> Any:
    try:
        return await call_handler(handler, *args)
    except Exception as exc:
        # The run fails with the message only; the traceback is for the function logs.
        logger.exception("Graph %r, %s raised", graph_name, source)
        raise NodeExecutionError(graph_name, source, exc) from exc
