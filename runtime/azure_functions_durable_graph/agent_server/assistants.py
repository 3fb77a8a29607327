"""Assistants: one per registered graph, with LangGraph's deterministic assistant id.

``assistant_id`` is ``uuid5(NAMESPACE_GRAPH, graph_id)``, the id `langgraph dev` gives a
graph's default assistant, so clients that stored one keep working; the graph name is
accepted wherever an assistant id is.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import azure.functions as func
from pydantic import TypeAdapter

from ..errors import GraphNotFound
from ..graph.manifest import GraphRegistration
from ..graph.routing import COMPLETE
from .errors import AgentServerError, invalid, json_response, not_found
from .routes import Router

if TYPE_CHECKING:
    from .server import Call

#: LangGraph's namespace for the assistant ids of graphs (a protocol constant).
NAMESPACE_GRAPH = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
START = "__start__"
END = "__end__"
_LOADED_AT = datetime.now(timezone.utc).isoformat()


def assistant_id_of(graph_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE_GRAPH, graph_id))


def resolve(call: Call, assistant_id: str) -> GraphRegistration:
    """The graph an assistant id (its UUID or the graph name) names; LangGraph's 422 if none."""
    for registration in call.registry.latest_registrations():
        name = registration.graph_name
        if assistant_id in (name, assistant_id_of(name)):
            return registration
    graphs = ", ".join(r.graph_name for r in call.registry.latest_registrations())
    raise invalid(
        f"Invalid assistant: '{assistant_id}'. Must be either:\n- A valid assistant UUID, or\n"
        f"- One of the registered graphs: {graphs}"
    )


def describe(registration: GraphRegistration) -> dict[str, Any]:
    name = registration.graph_name
    return {
        "assistant_id": assistant_id_of(name),
        "graph_id": name,
        "config": {},
        "context": {},
        "metadata": {"created_by": "system"},
        "name": name,
        "created_at": _LOADED_AT,
        "updated_at": _LOADED_AT,
        "version": 1,
        "description": None,
    }


def _find(call: Call) -> GraphRegistration:
    assistant_id = call.params["assistant_id"]
    try:
        return resolve(call, assistant_id)
    except AgentServerError:
        raise not_found(f"Assistant '{assistant_id}' not found") from None


def _searched(call: Call, body: dict[str, Any]) -> list[dict[str, Any]]:
    found = [describe(r) for r in reversed(call.registry.latest_registrations())]
    graph_id = body.get("graph_id")
    name = body.get("name")
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise invalid("metadata must be an object")
    return [
        a
        for a in found
        if (graph_id is None or a["graph_id"] == graph_id)
        and (name is None or name in a["name"])
        and all(a["metadata"].get(k) == v for k, v in metadata.items())
    ]


async def search(call: Call) -> func.HttpResponse:
    body = call.body()
    found = _searched(call, body)
    offset, limit = _page(body)
    return json_response(found[offset : offset + limit])


async def count(call: Call) -> func.HttpResponse:
    return json_response(len(_searched(call, call.body())))


async def get(call: Call) -> func.HttpResponse:
    return json_response(describe(_find(call)))


async def graph(call: Call) -> func.HttpResponse:
    return json_response(drawable(_find(call)))


async def schemas(call: Call) -> func.HttpResponse:
    registration = _find(call)
    return json_response({"graph_id": registration.graph_name, **graph_schemas(registration)})


async def subgraphs(call: Call) -> func.HttpResponse:
    _find(call)
    return json_response({})


def drawable(registration: GraphRegistration) -> dict[str, Any]:
    """LangGraph's JSON graph: runnable nodes between __start__ and __end__, and edges
    (``"conditional": true`` where a route chooses)."""
    manifest = registration.manifest
    names = [n for n in manifest.nodes if n != START]
    nodes: list[dict[str, Any]] = [{"id": START, "type": "runnable", "data": {"name": START}}]
    nodes += [{"id": n, "type": "runnable", "data": {"name": n}} for n in names]
    nodes.append({"id": END})
    edges: list[dict[str, Any]] = []
    if manifest.entrypoint != START:
        edges.append({"source": START, "target": manifest.entrypoint})
    for name, node in manifest.nodes.items():
        if node.has_route:
            for target in node.route_targets or ():
                edge = {"source": name, "target": END if target == COMPLETE else target}
                edges.append({**edge, "conditional": True})
            continue
        nexts = node.next_node if isinstance(node.next_node, tuple) else (node.next_node,)
        targets = [t for t in nexts if t is not None]
        if node.terminal or not targets:
            targets = [END]
        edges += [{"source": name, "target": END if t == COMPLETE else t} for t in targets]
    return {"nodes": nodes, "edges": edges}


def graph_schemas(registration: GraphRegistration) -> dict[str, Any]:
    codec: Any = registration.codec
    compiled = getattr(codec, "compiled", None)
    if compiled is not None:  # a LangGraph graph: its own descriptions
        builder = compiled.builder
        return {
            "input_schema": compiled.get_input_jsonschema(),
            "output_schema": compiled.get_output_jsonschema(),
            "state_schema": TypeAdapter(builder.state_schema).json_schema(),
            "config_schema": {},
            "context_schema": compiled.get_context_jsonschema(),
        }
    schema = registration.manifest.state_schema
    return {
        "input_schema": schema,
        "output_schema": schema,
        "state_schema": schema,
        "config_schema": {},
        "context_schema": None,
    }


def _page(body: dict[str, Any]) -> tuple[int, int]:
    limit, offset = body.get("limit", 10), body.get("offset", 0)
    if not isinstance(limit, int) or not isinstance(offset, int) or limit < 0 or offset < 0:
        raise invalid("limit and offset must be non-negative integers")
    return offset, limit


def registered(call: Call, graph_name: str) -> GraphRegistration:
    try:
        return call.registry.latest(graph_name)
    except GraphNotFound:
        raise not_found(f"Graph '{graph_name}' is no longer registered") from None


def register(router: Router) -> None:
    router.add("POST", "/assistants/search", search)
    router.add("POST", "/assistants/count", count)
    router.add("GET", "/assistants/{assistant_id}", get)
    router.add("GET", "/assistants/{assistant_id}/graph", graph)
    router.add("GET", "/assistants/{assistant_id}/schemas", schemas)
    router.add("GET", "/assistants/{assistant_id}/subgraphs", subgraphs)
    router.add("GET", "/assistants/{assistant_id}/subgraphs/{namespace}", subgraphs)
