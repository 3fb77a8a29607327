"""Where a node sends the run next, as JSON the orchestrator can plan with.

A target is ``{"node": name}`` (trigger the node), ``{"node": name, "arg": x}``
(a `Send`: run the node with `x` as its input) or ``{"node": name, "error": {...}}``
(an `on_error` hand-off). A node's targets come from its route (or, when the
route returns None, its static edges) plus a `Command`'s `goto`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import to_jsonable_python

from ..errors import RouteError
from ..graph.manifest import GraphManifest
from ..graph.routing import COMPLETE, RouteDecision, normalize_route, validate_against_manifest
from ..graph.types import Send
from .protocol import Target


def plain(node: str) -> Target:
    return {"node": node}


def route_targets(
    value: object, manifest: GraphManifest, node: str
) -> tuple[list[Target], RouteDecision | None]:
    """A route's return as targets, or a wait decision (targets empty then)."""
    definition = manifest.nodes[node]
    if value is None:
        return [plain(n) for n in definition.next_nodes], None
    if isinstance(value, Send):
        return [_send(value, manifest, node)], None
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_one(item, manifest, node) for item in value if item != COMPLETE], None
    static_next = definition.next_node if isinstance(definition.next_node, str) else None
    decision = normalize_route(
        value, graph_name=manifest.graph_name, node=node, static_next=static_next
    )
    validate_against_manifest(decision, manifest, node)
    if decision.kind == "wait_for_event":
        return [], decision
    if decision.kind == "complete":
        return [], None
    return [plain(str(decision.next_node))], None


def goto_targets(goto: object, manifest: GraphManifest, node: str) -> list[Target]:
    """A Command's `goto`: a node name, a Send, or a list of them (never a wait)."""
    if goto is None:
        return []
    items = goto if isinstance(goto, Sequence) and not isinstance(goto, (str, bytes)) else [goto]
    return [_one(item, manifest, node, what="Command goto") for item in items if item != COMPLETE]


def _one(item: object, manifest: GraphManifest, node: str, what: str = "route") -> Target:
    if isinstance(item, Send):
        return _send(item, manifest, node, "Send" if what == "route" else what)
    if isinstance(item, str) and item != COMPLETE:
        _check_node(item, manifest, node, what)
        return plain(item)
    raise RouteError(
        manifest.graph_name,
        node,
        f"{what} returned {type(item).__name__} {item!r} in a list; a list may hold node "
        "names and Send(...) objects",
    )


def _send(send: Send, manifest: GraphManifest, node: str, what: str = "Send") -> Target:
    if not isinstance(send.node, str):
        raise RouteError(
            manifest.graph_name, node, f"Send node must be a node name; got {send.node!r}"
        )
    _check_node(send.node, manifest, node, what)
    try:
        arg = to_jsonable_python(send.arg)
    except Exception as exc:
        raise RouteError(
            manifest.graph_name,
            node,
            f"Send({send.node!r}, ...) argument is not JSON-serialisable: {exc}",
        ) from exc
    return {"node": send.node, "arg": arg}


def _check_node(target: str, manifest: GraphManifest, node: str, what: str) -> None:
    nodes = manifest.nodes
    if target not in nodes:
        known = ", ".join(repr(n) for n in nodes)
        raise RouteError(
            manifest.graph_name,
            node,
            f"{what} chose {target!r}, which is not a node; nodes: {known}",
        )
    definition = nodes[node]
    declared = definition.route_targets
    if (
        what != "Command goto"
        and declared is not None
        and target not in declared
        and target not in definition.next_nodes
    ):
        raise RouteError(
            manifest.graph_name,
            node,
            f"route chose {target!r}, which is not in its route_targets {list(declared)}; "
            "add it to route_targets=[...] in add_node() if the route may go there",
        )


def plan_next(
    targets: Sequence[Target], deferred: Sequence[str], manifest: GraphManifest
) -> tuple[list[Target], list[str]]:
    """The next superstep's tasks, and the deferred nodes still waiting (LangGraph's rules).

    A plain trigger of a node runs it once however many branches trigger it; Sends
    and on_error hand-offs each run. A deferred node waits until nothing else would
    run, then all waiting deferred nodes run together.
    """
    active: list[Target] = []
    waiting = list(deferred)
    seen: set[str] = set()
    for target in targets:
        name = target["node"]
        if set(target) == {"node"}:
            if manifest.nodes[name].defer:
                if name not in waiting:
                    waiting.append(name)
                continue
            if name in seen:
                continue
            seen.add(name)
        active.append(target)
    if not active and waiting:
        return [plain(n) for n in waiting], []
    return active, waiting


def describe_task(task: Mapping[str, Any]) -> str:
    """How errors name a task: the node, and for a Send its position."""
    node = task["node"]
    if "index" in task:
        return f"node {node!r} (task {task['index']})"
    return f"node {node!r}"
