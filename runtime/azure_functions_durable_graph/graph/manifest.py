"""The manifest: the serialisable description of a graph, and its hash.

The orchestrator only ever reads the manifest; handlers live beside it in the
`GraphRegistration` and are looked up by name inside activities.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

#: A node handler: ``handler(state) -> dict | state model | None`` (sync or async).
NodeHandler: TypeAlias = Callable[[Any], Any | Awaitable[Any]]
#: A route handler: ``route(state) -> RouteDecision | str | dict | None`` (sync or async).
RouteHandler: TypeAlias = Callable[[Any], Any | Awaitable[Any]]
#: An event handler: ``handler(state, payload) -> dict | state model | None`` (sync or async).
EventHandler: TypeAlias = Callable[[Any, Any], Any | Awaitable[Any]]

DEFAULT_MAX_STEPS = 1000
HASH_LENGTH = 16


class NodeDefinition(BaseModel):
    """One node: its static edge, whether a route decides instead, and whether it ends the run.

    `route_targets` is what a route declared it may choose (node names and/or
    ``"__complete__"``); None means the route's choices are only known at run time.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    next_node: str | None = None
    has_route: bool = False
    terminal: bool = False
    route_targets: tuple[str, ...] | None = None

    def hash_content(self) -> dict[str, Any]:
        """The node's part of the graph hash.

        An undeclared `route_targets` is left out so graphs that do not use it
        keep the hash they had before the field existed (runs in flight stay valid).
        """
        content = self.model_dump(mode="json")
        if content["route_targets"] is None:
            del content["route_targets"]
        return content


class GraphManifest(BaseModel):
    """What the orchestrator, the HTTP API and the hash see of a graph."""

    model_config = ConfigDict(frozen=True)

    graph_name: str
    version: str
    graph_hash: str
    state_model_name: str
    state_schema: dict[str, Any]
    entrypoint: str
    nodes: dict[str, NodeDefinition]
    event_handlers: list[str]
    metadata: dict[str, Any] = Field(default_factory=dict)
    max_steps: int = DEFAULT_MAX_STEPS

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Static edges (node, next_node); routed edges are only known at run time."""
        return [(n.name, n.next_node) for n in self.nodes.values() if n.next_node is not None]


def compute_graph_hash(content: Mapping[str, Any]) -> str:
    """Hash of the canonical JSON of everything in the manifest except the hash itself.

    Canonical means sorted keys and no whitespace, so the hash is stable across
    processes and Python versions and changes whenever any part changes.
    """
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class GraphRegistration:
    """A built graph: its manifest plus the handlers the activities call by name."""

    manifest: GraphManifest
    state_model: type[BaseModel]
    node_handlers: Mapping[str, NodeHandler]
    route_handlers: Mapping[str, RouteHandler]
    event_handlers: Mapping[str, EventHandler]

    @property
    def graph_name(self) -> str:
        return self.manifest.graph_name

    @property
    def graph_hash(self) -> str:
        return self.manifest.graph_hash
