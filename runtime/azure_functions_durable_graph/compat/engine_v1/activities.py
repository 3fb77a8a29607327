"""The 0.1.0 activities (runs started before engine v2): run one node step, or apply one event.

A node step runs the node handler, merges its result and resolves the route in
ONE activity call, so the history holds one TaskScheduled per step. Errors come
back as data (``{"ok": false, "error": ...}``) rather than as a failed task, so
the orchestrator can fail the run with a message that names the node instead
of the SDK's "Activity function ... failed" wrapper.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ...durable.user_code import user_call
from ...errors import DurableGraphError, StateMergeError
from ...graph.manifest import GraphRegistration
from ...graph.registry import GraphRegistry
from ...graph.routing import RouteDecision, normalize_route, validate_against_manifest
from .envelope import unwrap_event_payload
from .merge import dump_state, load_state, merge_state


def ok(**fields: Any) -> dict[str, Any]:
    return {"ok": True, **fields}


def error(exc: DurableGraphError) -> dict[str, Any]:
    return {"ok": False, "error": {"type": type(exc).__name__, "message": str(exc)}}


async def run_node_step(registry: GraphRegistry, request: Mapping[str, Any]) -> dict[str, Any]:
    """Activity body for one node step: handler, merge, route. Returns JSON-able data."""
    try:
        graph_name, graph_hash = str(request["graph_name"]), str(request["graph_hash"])
        node = str(request["node"])
        registration = registry.get(graph_name, graph_hash)
        manifest = registration.manifest
        model = _model(registration)
        definition = manifest.nodes[node]
        state = load_state(model, request["state"], graph_name=graph_name, source=f"node {node!r}")

        result = await user_call(
            graph_name, f"node {node!r}", registration.node_handlers[node], state
        )
        state = merge_state(model, state, result, graph_name=graph_name, source=f"node {node!r}")

        if definition.terminal:
            return ok(state=dump_state(state), decision=RouteDecision.complete().to_dict())
        route = registration.route_handlers.get(node)
        routed = None
        if route is not None:
            routed = await user_call(graph_name, f"route of node {node!r}", route, state)
        decision = normalize_route(
            routed, graph_name=graph_name, node=node, static_next=_single(definition.next_node)
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
        model = _model(registration)
        state = load_state(model, request["state"], graph_name=graph_name, source=source)
        payload = unwrap_event_payload(request.get("payload"))
        handler = registration.event_handlers[event_name]
        result = await user_call(graph_name, source, handler, state, payload)
        state = merge_state(model, state, result, graph_name=graph_name, source=source)
        return ok(state=dump_state(state))
    except DurableGraphError as exc:
        return error(exc)


def _model(registration: GraphRegistration) -> type[BaseModel]:
    """0.1.0 graphs always had a Pydantic state model."""
    if registration.state_model is None:
        raise StateMergeError(registration.graph_name, "the run", "its graph has no state_model")
    return registration.state_model


def _single(next_node: str | tuple[str, ...] | None) -> str | None:
    return next_node if isinstance(next_node, str) else None
