"""Route decisions: what a node's route handler may return, normalised to one shape.

Accepted route returns (see docs/graphs.md):

    RouteDecision.next("b")                 -> next b
    "b"                                     -> next b
    "__complete__" / RouteDecision.complete() -> complete
    {"kind": "next", "next_node": "b"}      -> next b ("kind" may be left out when
    {"event_name": "e", "resume_node": "r"}    the fields make it unambiguous)
    None                                    -> the node's static next_node, else complete

A wait may carry a timeout: ``RouteDecision.wait_for_event(..., timeout=timedelta(hours=72),
timeout_node="escalate")`` or ``{"timeout_seconds": 259200, "timeout_node": "escalate"}`` in
the dict form. ``timeout_node`` is required with a timeout and names a node or
``"__complete__"`` (complete the run when the timeout passes).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, cast

from ..errors import RouteError
from .manifest import GraphManifest

COMPLETE = "__complete__"
#: LangGraph's name for it: a route (or Command goto) returning END completes the run.
END = COMPLETE

Kind = Literal["next", "complete", "wait_for_event"]
_KINDS: tuple[str, ...] = ("next", "complete", "wait_for_event")
_FIELDS = ("kind", "next_node", "event_name", "resume_node", "timeout_seconds", "timeout_node")
_NAME_FIELDS = ("next_node", "event_name", "resume_node", "timeout_node")


@dataclass(frozen=True)
class RouteDecision:
    """Where the run goes after a node: another node, completion, or waiting for an event."""

    kind: Kind
    next_node: str | None = None
    event_name: str | None = None
    resume_node: str | None = None
    timeout: timedelta | None = None
    timeout_node: str | None = None

    @classmethod
    def next(cls, node: str) -> RouteDecision:
        """Continue with `node`."""
        return cls(kind="next", next_node=node)

    @classmethod
    def complete(cls) -> RouteDecision:
        """End the run after this node."""
        return cls(kind="complete")

    @classmethod
    def wait_for_event(
        cls,
        event_name: str,
        resume_node: str,
        *,
        timeout: timedelta | None = None,
        timeout_node: str | None = None,
    ) -> RouteDecision:
        """Pause until `event_name` is raised, apply its handler, then run `resume_node`.

        With `timeout`, a durable timer races the event: if it fires first the run
        continues at `timeout_node` (a node, or ``"__complete__"``) with the state
        unchanged, and a later `event_name` is not applied to this wait.
        """
        return cls(
            kind="wait_for_event",
            event_name=event_name,
            resume_node=resume_node,
            timeout=timeout,
            timeout_node=timeout_node,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form activities hand to the orchestrator.

        The timeout keys appear only on a wait with a timeout, so every other
        decision keeps the wire form (and history) it had before timeouts existed.
        """
        wire: dict[str, Any] = {
            "kind": self.kind,
            "next_node": self.next_node,
            "event_name": self.event_name,
            "resume_node": self.resume_node,
        }
        if self.timeout is not None:
            wire["timeout_seconds"] = self.timeout.total_seconds()
            wire["timeout_node"] = self.timeout_node
        return wire


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
    for field in _NAME_FIELDS:
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
        timeout=_timeout_from_seconds(value.get("timeout_seconds"), graph_name, node),
        timeout_node=value.get("timeout_node"),
    )
    return _checked(decision, graph_name, node)


def _timeout_from_seconds(seconds: object, graph_name: str, node: str) -> timedelta | None:
    if seconds is None:
        return None
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float))
        or not math.isfinite(seconds)
    ):
        raise RouteError(
            graph_name,
            node,
            "route dict 'timeout_seconds' must be a finite number of seconds; "
            f"got {type(seconds).__name__} {seconds!r}",
        )
    if seconds <= 0:
        raise RouteError(
            graph_name, node, f"route dict 'timeout_seconds' must be > 0; got {seconds!r}"
        )
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise RouteError(
            graph_name,
            node,
            f"route dict 'timeout_seconds' is too large for a timedelta; got {seconds!r}",
        ) from None


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
    optional = ("timeout", "timeout_node") if decision.kind == "wait_for_event" else ()
    for field in (*_NAME_FIELDS, "timeout"):
        present = getattr(decision, field)
        if field in required and not present:
            raise RouteError(
                graph_name, node, f"a {decision.kind!r} route needs a non-empty {field!r}"
            )
        if field not in required and field not in optional and present is not None:
            raise RouteError(
                graph_name,
                node,
                f"a {decision.kind!r} route cannot have {field!r} (got {present!r})",
            )
    if decision.kind == "wait_for_event":
        _check_timeout(decision, graph_name, node)
    return decision


def _check_timeout(decision: RouteDecision, graph_name: str, node: str) -> None:
    """A timeout is positive and comes with the node to continue at when it passes."""
    timeout, timeout_node = decision.timeout, decision.timeout_node
    if timeout is None:
        if timeout_node is not None:
            raise RouteError(
                graph_name,
                node,
                f"a 'wait_for_event' route has timeout_node {timeout_node!r} but no timeout; "
                "give both or neither",
            )
        return
    if not isinstance(timeout, timedelta):
        raise RouteError(
            graph_name,
            node,
            "a 'wait_for_event' route's timeout must be a datetime.timedelta; "
            f"got {type(timeout).__name__} {timeout!r}",
        )
    if timeout <= timedelta(0):
        raise RouteError(
            graph_name,
            node,
            f"a 'wait_for_event' route's timeout must be > 0; got {timeout!r}",
        )
    if not isinstance(timeout_node, str) or not timeout_node:
        raise RouteError(
            graph_name,
            node,
            "a 'wait_for_event' route with a timeout needs a non-empty 'timeout_node' "
            f"(a node, or {COMPLETE!r} to complete the run when the timeout passes); "
            f"got {timeout_node!r}",
        )


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
        if decision.timeout_node is not None and decision.timeout_node not in (*nodes, COMPLETE):
            raise RouteError(
                manifest.graph_name,
                node,
                f"route chose timeout node {decision.timeout_node!r}, which is not a node "
                f"or {COMPLETE!r}; nodes: {known}",
            )
    _check_declared_targets(decision, manifest, node)
    return decision


def decision_targets(decision: RouteDecision) -> tuple[str, ...]:
    """Nodes the decision may send the run to (a wait's resume and timeout nodes) or COMPLETE."""
    if decision.kind == "next":
        return (str(decision.next_node),)
    if decision.kind == "wait_for_event":
        if decision.timeout_node is not None:
            return (str(decision.resume_node), decision.timeout_node)
        return (str(decision.resume_node),)
    return (COMPLETE,)


def _check_declared_targets(decision: RouteDecision, manifest: GraphManifest, node: str) -> None:
    """A node that declared `route_targets` may only go there (or to its static next_node)."""
    definition = manifest.nodes[node]
    declared = definition.route_targets
    if declared is None:
        return
    for target in decision_targets(decision):
        if target in declared or target == definition.next_node:
            continue
        raise RouteError(
            manifest.graph_name,
            node,
            f"route chose {target!r}, which is not in its route_targets {list(declared)}; "
            "add it to route_targets=[...] in add_node() if the route may go there",
        )
