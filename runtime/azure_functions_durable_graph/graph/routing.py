"""Route decisions: what a node's route handler may return, normalised to one shape.

Accepted route returns (see docs/graphs.md):

    RouteDecision.next("b")                 -> next b
    "b"                                     -> next b
    "__complete__" / RouteDecision.complete() -> complete
    {"kind": "next", "next_node": "b"}      -> next b ("kind" may be left out when
    {"event_name": "e", "resume_node": "r"}    the fields make it unambiguous)
    None                                    -> the node's static next_node, else complete
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from ..errors import RouteError
from .manifest import GraphManifest

COMPLETE = "__complete__"

Kind = Literal["next", "complete", "wait_for_event"]
_KINDS: tuple[str, ...] = ("next", "complete", "wait_for_event")
_FIELDS = ("kind", "next_node", "event_name", "resume_node")


@dataclass(frozen=True)
class RouteDecision:
    """Where the run goes after a node: another node, completion, or waiting for an event."""

    kind: Kind
    next_node: str | None = None
    event_name: str | None = None
    resume_node: str | None = None

    @classmethod
    def next(cls, node: str) -> RouteDecision:
        """Continue with `node`."""
        return cls(kind="next", next_node=node)

    @classmethod
    def complete(cls) -> RouteDecision:
        """End the run after this node."""
        return cls(kind="complete")

    @classmethod
    def wait_for_event(cls, event_name: str, resume_node: str) -> RouteDecision:
        """Pause until `event_name` is raised, apply its handler, then run `resume_node`."""
        return cls(kind="wait_for_event", event_name=event_name, resume_node=resume_node)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form activities hand to the orchestrator."""
        return {
            "kind": self.kind,
            "next_node": self.next_node,
            "event_name": self.event_name,
            "resume_node": self.resume_node,
        }


def normalize_route(
    value: object, *, graph_name: str, node: str, static_next: str | None
) -> RouteDecision:
    """Turn any accepted route return into a `RouteDecision`, or raise `RouteError`."""
    if value is None:
        return RouteDecision.next(static_next) if static_next else RouteDecision.complete()
    if isinstance(value, RouteDecision):
        return _checked(value, graph_name, node)
    if isinstance(value, str):
        if value == COMPLETE:
            return RouteDecision.complete()
        return _checked(RouteDecision.next(value), graph_name, node)
    if isinstance(value, Mapping):
        return _from_mapping(value, graph_name, node)
    raise RouteError(
        graph_name,
        node,
        "route must return a RouteDecision, a node name, '__complete__', a dict or None; "
        f"got {type(value).__name__} {value!r}",
    )


def _from_mapping(value: Mapping[Any, Any], graph_name: str, node: str) -> RouteDecision:
    unknown = sorted(str(k) for k in value if k not in _FIELDS)
    if unknown:
        raise RouteError(
            graph_name,
            node,
            f"route dict has unknown keys {unknown}; allowed keys: {list(_FIELDS)}",
        )
    kind = value.get("kind")
    if kind is None:
        if value.get("event_name") is not None or value.get("resume_node") is not None:
            kind = "wait_for_event"
        elif value.get("next_node") is not None:
            kind = "next"
        else:
            raise RouteError(
                graph_name,
                node,
                "route dict needs 'kind' or one of 'next_node' / 'event_name'; "
                f"got {dict(value)!r}",
            )
    if kind not in _KINDS:
        raise RouteError(
            graph_name, node, f"route dict 'kind' must be one of {list(_KINDS)}; got {kind!r}"
        )
    for field in ("next_node", "event_name", "resume_node"):
        if value.get(field) is not None and not isinstance(value[field], str):
            raise RouteError(
                graph_name,
                node,
                f"route dict {field!r} must be a string; got {type(value[field]).__name__}",
            )
    decision = RouteDecision(
        kind=cast(Kind, kind),
        next_node=value.get("next_node"),
        event_name=value.get("event_name"),
        resume_node=value.get("resume_node"),
    )
    return _checked(decision, graph_name, node)


def _checked(decision: RouteDecision, graph_name: str, node: str) -> RouteDecision:
    """Each kind carries exactly the fields it needs."""
    need: dict[str, tuple[str, ...]] = {
        "next": ("next_node",),
        "complete": (),
        "wait_for_event": ("event_name", "resume_node"),
    }
    if decision.kind not in need:
        raise RouteError(
            graph_name, node, f"route kind must be one of {list(_KINDS)}; got {decision.kind!r}"
        )
    required = need[decision.kind]
    for field in ("next_node", "event_name", "resume_node"):
        present = getattr(decision, field)
        if field in required and not present:
            raise RouteError(
                graph_name, node, f"a {decision.kind!r} route needs a non-empty {field!r}"
            )
        if field not in required and present is not None:
            raise RouteError(
                graph_name,
                node,
                f"a {decision.kind!r} route cannot have {field!r} (got {present!r})",
            )
    return decision


def validate_against_manifest(
    decision: RouteDecision, manifest: GraphManifest, node: str
) -> RouteDecision:
    """Reject decisions naming nodes or events the graph does not have."""
    nodes = manifest.nodes
    known = ", ".join(repr(n) for n in nodes)
    if decision.kind == "next" and decision.next_node not in nodes:
        raise RouteError(
            manifest.graph_name,
            node,
            f"route chose next node {decision.next_node!r}, which is not a node; nodes: {known}",
        )
    if decision.kind == "wait_for_event":
        if decision.resume_node not in nodes:
            raise RouteError(
                manifest.graph_name,
                node,
                f"route chose resume node {decision.resume_node!r}, which is not a node; "
                f"nodes: {known}",
            )
        if decision.event_name not in manifest.event_handlers:
            events = ", ".join(repr(e) for e in manifest.event_handlers) or "none"
            raise RouteError(
                manifest.graph_name,
                node,
                f"route waits for event {decision.event_name!r}, which has no event handler; "
                f"event handlers: {events}",
            )
    _check_declared_targets(decision, manifest, node)
    return decision


def decision_target(decision: RouteDecision) -> str:
    """Where the decision sends the run: a node (the resume node for a wait) or COMPLETE."""
    if decision.kind == "next":
        return str(decision.next_node)
    if decision.kind == "wait_for_event":
        return str(decision.resume_node)
    return COMPLETE


def _check_declared_targets(decision: RouteDecision, manifest: GraphManifest, node: str) -> None:
    """A node that declared `route_targets` may only go there (or to its static next_node)."""
    definition = manifest.nodes[node]
    declared = definition.route_targets
    if declared is None:
        return
    target = decision_target(decision)
    if target in declared or target == definition.next_node:
        return
    raise RouteError(
        manifest.graph_name,
        node,
        f"route chose {target!r}, which is not in its route_targets {list(declared)}; "
        "add it to route_targets=[...] in add_node() if the route may go there",
    )
