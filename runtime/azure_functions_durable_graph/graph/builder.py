"""ManifestBuilder: declare nodes, edges and event handlers, then `build()` a registration.

Every check happens in `build()`, so a half-declared builder never raises and
the errors come out in one place with the graph's name in them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic import BaseModel

from ..errors import ManifestError
from .manifest import (
    DEFAULT_MAX_STEPS,
    EventHandler,
    GraphManifest,
    GraphRegistration,
    NodeDefinition,
    NodeHandler,
    RouteHandler,
    compute_graph_hash,
)
from .routing import COMPLETE

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class _NodeSpec:
    name: str
    handler: NodeHandler
    next_node: str | None
    route: RouteHandler | None
    terminal: bool
    route_targets: object  # checked in build(): a list of node names and/or "__complete__"


class ManifestBuilder:
    """Collects a graph's declaration; `build()` validates it and freezes the manifest.

    Args:
        graph_name: URL-safe name (letters, digits, '_' and '-'); runs start at
            ``/api/graphs/{graph_name}/runs``.
        state_model: the Pydantic v2 model every step's state validates against.
        version: a label for people; the hash is what pins runs.
        metadata: JSON-serialisable data shown in the manifest (part of the hash).
        max_steps: node steps a run may take before it fails (guards against loops).
    """

    def __init__(
        self,
        graph_name: str,
        state_model: type[BaseModel],
        *,
        version: str = "1",
        metadata: Mapping[str, Any] | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
    ) -> None:
        self.graph_name = graph_name
        self.state_model = state_model
        self.version = version
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.max_steps = max_steps
        self._entrypoint: str | None = None
        self._nodes: list[_NodeSpec] = []
        self._events: list[tuple[str, EventHandler]] = []

    def set_entrypoint(self, node: str) -> ManifestBuilder:
        """The node every run starts at."""
        self._entrypoint = node
        return self

    def add_node(
        self,
        name: str,
        handler: NodeHandler,
        *,
        next_node: str | None = None,
        route: RouteHandler | None = None,
        terminal: bool = False,
        route_targets: Iterable[str] | None = None,
    ) -> ManifestBuilder:
        """Add a node; give it a static `next_node`, a `route`, or mark it `terminal`.

        With both `next_node` and `route`, a route returning None falls back to `next_node`.
        `route_targets` optionally declares every node (or ``"__complete__"``) the route
        may choose, so diagrams can draw them and a run fails if the route strays.
        """
        self._nodes.append(_NodeSpec(name, handler, next_node, route, terminal, route_targets))
        return self

    def add_event_handler(self, event_name: str, handler: EventHandler) -> ManifestBuilder:
        """Handle `event_name`: ``handler(state, payload)`` returns a state update."""
        self._events.append((event_name, handler))
        return self

    def build(self) -> GraphRegistration:
        """Validate the declaration and return the registration (manifest + handlers)."""
        fail = self._fail
        if not isinstance(self.graph_name, str) or not _NAME.match(self.graph_name):
            raise ManifestError(
                str(self.graph_name),
                "graph_name must be 1-64 letters, digits, '_' or '-' (it is part of URLs); "
                f"got {self.graph_name!r}",
            )
        if not (inspect.isclass(self.state_model) and issubclass(self.state_model, BaseModel)):
            fail(f"state_model must be a Pydantic v2 BaseModel subclass; got {self.state_model!r}")
        if not isinstance(self.version, str) or not self.version:
            fail(f"version must be a non-empty string; got {self.version!r}")
        if isinstance(self.max_steps, bool) or not isinstance(self.max_steps, int):
            fail(f"max_steps must be an integer >= 1; got {self.max_steps!r}")
        if self.max_steps < 1:
            fail(f"max_steps must be an integer >= 1; got {self.max_steps!r}")

        nodes: dict[str, _NodeSpec] = {}
        for spec in self._nodes:
            if not isinstance(spec.name, str) or not spec.name or spec.name == COMPLETE:
                fail(
                    f"node names must be non-empty strings other than {COMPLETE!r}; "
                    f"got {spec.name!r}"
                )
            if spec.name in nodes:
                fail(f"node {spec.name!r} is added twice; node names must be unique")
            if not callable(spec.handler):
                fail(f"node {spec.name!r} handler must be callable; got {spec.handler!r}")
            if spec.route is not None and not callable(spec.route):
                fail(f"node {spec.name!r} route must be callable; got {spec.route!r}")
            nodes[spec.name] = spec
        if not nodes:
            fail("has no nodes; add at least one with add_node()")

        known = ", ".join(repr(n) for n in nodes)
        if self._entrypoint is None:
            fail("has no entrypoint; call set_entrypoint(<node name>) before build()")
        if self._entrypoint not in nodes:
            fail(f"entrypoint {self._entrypoint!r} is not a node; nodes: {known}")
        for spec in nodes.values():
            if spec.terminal and spec.next_node is not None:
                fail(
                    f"node {spec.name!r} is terminal and cannot have a next_node "
                    f"(got {spec.next_node!r})"
                )
            if spec.terminal and spec.route is not None:
                fail(f"node {spec.name!r} is terminal and cannot have a route")
            if not spec.terminal and spec.next_node is None and spec.route is None:
                fail(
                    f"node {spec.name!r} is not terminal and has neither next_node nor route; "
                    "give it one, or mark it terminal=True"
                )
            if spec.next_node is not None and spec.next_node not in nodes:
                fail(
                    f"node {spec.name!r} has next_node {spec.next_node!r}, which is not a "
                    f"node; nodes: {known}"
                )
        targets = {name: self._route_targets(spec, nodes) for name, spec in nodes.items()}

        events: dict[str, EventHandler] = {}
        for event_name, handler in self._events:
            if not isinstance(event_name, str) or not event_name:
                fail(f"event names must be non-empty strings; got {event_name!r}")
            if event_name in events:
                fail(f"event handler {event_name!r} is added twice; event names must be unique")
            if not callable(handler):
                fail(f"event handler {event_name!r} must be callable; got {handler!r}")
            events[event_name] = handler

        return self._registration(nodes, events, targets)

    def _route_targets(
        self, spec: _NodeSpec, nodes: Mapping[str, _NodeSpec]
    ) -> tuple[str, ...] | None:
        """The node's declared route targets, checked against the graph's nodes."""
        declared = spec.route_targets
        if declared is None:
            return None
        where = f"node {spec.name!r} route_targets"
        if spec.route is None:
            self._fail(f"{where} needs a route; route_targets lists what the route may choose")
        if isinstance(declared, (str, bytes)) or not isinstance(declared, Iterable):
            self._fail(
                f"{where} must be a list of node names and/or {COMPLETE!r}; got {declared!r}"
            )
        targets = tuple(declared)
        if not targets:
            self._fail(f"{where} is empty; list at least one node name or {COMPLETE!r}")
        allowed = [*nodes, COMPLETE]
        for target in targets:
            if target not in allowed:
                self._fail(
                    f"{where} names {target!r}, which is not a node or {COMPLETE!r}; "
                    f"nodes: {', '.join(repr(n) for n in nodes)}"
                )
        duplicates = sorted({t for t in targets if targets.count(t) > 1})
        if duplicates:
            self._fail(f"{where} lists {', '.join(repr(d) for d in duplicates)} more than once")
        return targets

    def _registration(
        self,
        nodes: dict[str, _NodeSpec],
        events: dict[str, EventHandler],
        targets: Mapping[str, tuple[str, ...] | None],
    ) -> GraphRegistration:
        assert self._entrypoint is not None
        try:
            state_schema = self.state_model.model_json_schema()
        except Exception as exc:  # pydantic raises several types for unschemable fields
            self._fail(f"state_model {self.state_model.__name__} has no JSON schema: {exc}")
        definitions = {
            name: NodeDefinition(
                name=name,
                next_node=spec.next_node,
                has_route=spec.route is not None,
                terminal=spec.terminal,
                route_targets=targets[name],
            )
            for name, spec in nodes.items()
        }
        content: dict[str, Any] = {
            "graph_name": self.graph_name,
            "version": self.version,
            "state_model_name": self.state_model.__name__,
            "state_schema": state_schema,
            "entrypoint": self._entrypoint,
            "nodes": {name: d.hash_content() for name, d in definitions.items()},
            "edges": [[n, spec.next_node] for n, spec in nodes.items() if spec.next_node],
            "event_handlers": sorted(events),
            "metadata": self.metadata,
            "max_steps": self.max_steps,
        }
        try:
            graph_hash = compute_graph_hash(content)
        except (TypeError, ValueError) as exc:
            self._fail(f"metadata must be JSON-serialisable: {exc}")
        content.pop("edges")
        manifest = GraphManifest(graph_hash=graph_hash, **content)
        return GraphRegistration(
            manifest=manifest,
            state_model=self.state_model,
            node_handlers={name: spec.handler for name, spec in nodes.items()},
            route_handlers={
                name: spec.route for name, spec in nodes.items() if spec.route is not None
            },
            event_handlers=events,
        )

    def _fail(self, message: str) -> NoReturn:
        raise ManifestError(self.graph_name, message)
